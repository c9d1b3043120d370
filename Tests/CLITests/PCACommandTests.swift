import Foundation
import LatentCore
import LatentData
import Testing
import TestSupport

@Suite struct PCACommandTests {
    /// A table of 300 rows with a header: four independent features with standard deviations
    /// 4, 2, 1 and 0.5, and a class column.
    func writeTable(in dir: TemporaryDirectory) throws {
        var rng = SeededGenerator(seed: 9)
        var lines = ["sepal_length,sepal_width,petal_length,petal_width,species"]
        for i in 0..<300 {
            let values = [4, 2, 1, 0.5].map { Float($0) * rng.nextGaussian() + 10 }
            lines.append(values.map { String($0) }.joined(separator: ",") + ",\(i % 3)")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir.file("table.csv"), atomically: true, encoding: .utf8)
    }

    @Test func aFourFeatureTableGivesScoresVariancesAndABiplot() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try writeTable(in: dir)
        let r = try runCLI(["pca", "table.csv", "--label-column", "species", "--components", "3", "--out", "out", "-q"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.file("out")).sorted()
        #expect(files == ["biplot.png", "biplot.svg", "components.csv", "explained-variance.csv", "labels.npy",
                          "scatter.png", "scatter.svg", "scores.csv", "scores.npy", "scree.png", "scree.svg"])
        // The variances are the features' (16, 4, 1 of a total 21.25), within sampling error.
        let table = try MatrixIO.readMatrix(dir.file("out/explained-variance.csv"))
        #expect(table.rows == 4 && table.columns == 4, "the scree covers every component of a small table")
        for (k, v) in [16.0, 4, 1].enumerated() {
            #expect(abs(Double(table[k, 1]) - v) / v < 0.2, "component \(k + 1): variance \(table[k, 1])")
        }
        #expect(abs(Double(table[0, 2]) - 16 / 21.25) < 0.05)
        #expect(abs(table[2, 3] - (table[0, 2] + table[1, 2] + table[2, 2])) < 1e-5)
        #expect(abs(table[3, 3] - 1) < 1e-5)
        // The components are named by the header, and the first is the first feature's axis.
        let header = try String(contentsOfFile: dir.file("out/components.csv"), encoding: .utf8).split(separator: "\n")[0]
        #expect(header == "sepal_length,sepal_width,petal_length,petal_width")
        let components = try MatrixIO.readMatrix(dir.file("out/components.csv"))
        #expect(abs(components[0, 0]) > 0.95)
        let scores = try MatrixIO.readMatrix(dir.file("out/scores.npy"))
        #expect(scores.rows == 300 && scores.columns == 3)
        #expect(scores.columnMeans().allSatisfy { abs($0) < 1e-3 })
    }

    @Test func highDimensionalDataHasNoBiplotUnlessAsked() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let r = try runCLI(["pca", "mnist", "--subsample", "300", "--components", "5", "--formats", "png", "--out", "a", "-q"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("a/biplot.png")))
        #expect(FileManager.default.fileExists(atPath: dir.file("a/scatter.png")))
        // Image features are named by pixel (quoted: the names hold a comma).
        let header = try String(contentsOfFile: dir.file("a/components.csv"), encoding: .utf8).prefix { $0 != "\n" }
        #expect(header.hasPrefix("\"pixel (0, 0)\",\"pixel (0, 1)\""), "\(header.prefix(60))")
        let b = try runCLI(["pca", "mnist", "--subsample", "300", "--components", "2", "--biplot", "--arrows", "8",
                            "--formats", "pdf", "--out", "b", "-q"], in: dir.path)
        #expect(b.status == 0, "\(b.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.file("b/biplot.pdf")))
    }

    @Test func tooManyComponentsIsOneErrorLine() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try writeTable(in: dir)
        let r = try runCLI(["pca", "table.csv", "--components", "9", "--out", "out"], in: dir.path)
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("--components 9"))
        #expect(dir.contents() == ["table.csv"])
    }
}
