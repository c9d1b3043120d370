import Foundation
import Testing
import TestSupport

/// Figures for papers from the command line: sizes with units, fonts, legend placement, axis
/// labels, text in SVG, point rendering, the reconstruction gallery and compare's progress.
@Suite struct PaperFigureCommandTests {
    /// A wide 3-blob embedding (x 0…20, y 0…8) as CSV and its labels, one per line.
    func writeEmbedding(in dir: TemporaryDirectory) throws { try PlotCommandTests().writeEmbedding(in: dir, points: 60) }

    func text(_ dir: TemporaryDirectory, _ name: String) throws -> String {
        try String(contentsOfFile: dir.file(name), encoding: .utf8)
    }

    /// The value of `attribute` on the SVG root element, in points.
    func rootLength(_ svg: String, _ attribute: String) -> Double? {
        guard let root = svg.range(of: "<svg"), let end = svg[root.upperBound...].firstIndex(of: ">") else { return nil }
        let tag = svg[root.upperBound..<end]
        guard let a = tag.range(of: " \(attribute)=\"") else { return nil }
        let value = tag[a.upperBound...].prefix { $0 != "\"" }
        return Double(value.replacingOccurrences(of: "pt", with: ""))
    }

    @Test func aThreeAndAHalfInchFigureInALiberationFontWithAxisLabels() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try writeEmbedding(in: dir)
        let r = try runCLI(["plot", "scatter", "emb.csv", "--labels", "labels.txt", "--width", "3.5in", "--font-size", "8",
                            "--font", "Liberation Sans", "--legend", "bottom", "--x-label", "t-SNE 1", "--y-label", "t-SNE 2",
                            "--out", "fig.pdf", "--formats", "svg", "-q"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(dir.contents() == ["emb.csv", "fig.pdf", "fig.svg", "labels.txt"])
        let svg = try text(dir, "fig.svg")
        #expect(rootLength(svg, "width") == 252)
        let height = try #require(rootLength(svg, "height"))
        #expect(height > 100 && height < 252, "a wide map is less tall than wide: \(height)")
        #expect(svg.contains("font-family=\"Liberation Sans, sans-serif\""))
        #expect(svg.contains(">t-SNE 1</text>") && svg.contains(">t-SNE 2</text>"))
        #expect(svg.contains("font-size=\"8.00\""))
        let pdf = try Data(contentsOf: URL(fileURLWithPath: dir.file("fig.pdf")))
        #expect(pdf.range(of: Data("LiberationSans".utf8)) != nil)
    }

    @Test func heightsAndWidthsTakeEveryUnit() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try writeEmbedding(in: dir)
        for (width, points) in [("89mm", 252.28), ("8.9cm", 252.28), ("300pt", 300.0), ("300", 300.0), ("600px", 216.0)] {
            let r = try runCLI(["plot", "scatter", "emb.csv", "--width", width, "--height", "2in", "--dpi", "200",
                                "--out", "f.svg", "-q"], in: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
            let svg = try text(dir, "f.svg")
            #expect(abs((rootLength(svg, "width") ?? 0) - points) < 0.5, "\(width)")
            #expect(rootLength(svg, "height") == 144)
        }
    }

    @Test func textAsPathsLeavesNoTextElements() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try writeEmbedding(in: dir)
        let r = try runCLI(["plot", "scatter", "emb.csv", "--labels", "labels.txt", "--title", "Blobs", "--text-as-paths",
                            "--out", "p.svg", "-q"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!(try text(dir, "p.svg")).contains("<text"))
        let t = try runCLI(["plot", "scatter", "emb.csv", "--labels", "labels.txt", "--title", "Blobs", "--out", "t.svg", "-q"],
                           in: dir.path)
        #expect(t.status == 0, "\(t.stderr)")
        #expect(try text(dir, "t.svg").contains(">Blobs</text>"))
    }

    @Test func rasterizePointsChoosesABitmapOrDiscs() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try writeEmbedding(in: dir)
        for (flag, image) in [("--rasterize-points", true), ("--no-rasterize-points", false)] {
            let r = try runCLI(["plot", "scatter", "emb.csv", "--points", "raster", flag, "--out", "r.svg", "-q"], in: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try text(dir, "r.svg").contains("<image") == image, "\(flag)")
        }
    }

    @Test(arguments: [(["--width", "3.5furlongs"], "width"), (["--height", "-2in"], "height"), (["--width", "0.2in"], "width"),
                      (["--font", "No Such Family 42"], "font"), (["--font-size", "200"], "font-size"),
                      (["--legend", "sideways"], "legend")])
    func badFigureOptionsAreOneErrorLineAndNoFile(options: [String], name: String) throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try writeEmbedding(in: dir)
        let r = try runCLI(["plot", "scatter", "emb.csv", "--out", "f.png"] + options, in: dir.path)
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("Error") }
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(r.stderr.contains("--\(name)"), "\(r.stderr)")
        #expect(!dir.contents().contains("f.png"))
    }

    @Test func reconstructDrawsNoisyRowsAndScoresAgainstTheCleanImages() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let t = try runCLI(["train", "mnist", "--subsample", "300", "--layers", "784-32-8", "--epochs", "3",
                            "--out", "m.safetensors", "-q"], in: dir.path)
        #expect(t.status == 0, "\(t.stderr)")
        let noisy = try runCLI(["reconstruct", "m.safetensors", "mnist", "--subsample", "200", "--noise", "0.5",
                                "--gallery", "denoise.svg", "--gallery-count", "6", "-q"], in: dir.path)
        #expect(noisy.status == 0, "\(noisy.stderr)")
        #expect(noisy.stdout.contains("against the clean images"))
        let clean = try runCLI(["reconstruct", "m.safetensors", "mnist", "--subsample", "200", "--gallery", "plain.png",
                                "--width", "3.5in", "-q"], in: dir.path)
        #expect(clean.status == 0, "\(clean.stderr)")
        func mse(_ line: String) -> Double? {
            line.components(separatedBy: "MSE ").dropFirst().first?.split(separator: " ").first.flatMap { Double($0) }
        }
        let withNoise = try #require(mse(noisy.stdout)), without = try #require(mse(clean.stdout))
        #expect(withNoise > without, "noisy inputs reconstruct worse: \(withNoise) vs \(without)")
        let svg = try text(dir, "denoise.svg")
        let rows = ["original", "noisy", "reconstructed"].map { svg.range(of: ">\($0)</text>")?.lowerBound }
        #expect(rows.allSatisfy { $0 != nil })
        #expect(rows.compactMap { $0 } == rows.compactMap { $0 }.sorted())
        #expect(svg.components(separatedBy: "<image").count - 1 == 18)
        #expect(dir.contents() == ["denoise.svg", "m.safetensors", "plain.png"])

        let bad = try runCLI(["reconstruct", "m.safetensors", "mnist", "--noise", "-1", "--gallery", "g.png"], in: dir.path)
        #expect(bad.status != 0 && bad.stderr.contains("--noise"))
        let jpg = try runCLI(["reconstruct", "m.safetensors", "mnist", "--gallery", "g.jpg"], in: dir.path)
        #expect(jpg.status != 0 && jpg.stderr.contains("g.jpg"))
        #expect(dir.contents() == ["denoise.svg", "m.safetensors", "plain.png"])
    }

    @Test func compareSharesOneLegendAndPrintsTheKLOnEveryTSNELine() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let r = try runCLI(["compare", "mnist", "--subsample", "300", "--methods", "pca", "pca50+tsne", "--out", "cmp"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let tsneLines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("t-SNE of PCA") && $0.contains("/750") }
        #expect(tsneLines.count >= 10)
        #expect(tsneLines.allSatisfy { $0.contains("KL ") }, "\(tsneLines)")
        let svg = try String(contentsOfFile: dir.file("cmp/compare.svg"), encoding: .utf8)
        for digit in 0..<10 { #expect(svg.components(separatedBy: ">\(digit)</text>").count - 1 == 1, "legend entry \(digit)") }
    }
}
