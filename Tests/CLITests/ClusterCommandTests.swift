import Foundation
import LatentAnalysis
import LatentCore
import LatentData
import Testing
import TestSupport

@Suite struct ClusterCommandTests {
    @Test(arguments: ["kmeans", "gmm"])
    func separableCodesOfAnyWidthAreClusteredAndScored(method: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (points, labels) = TestData.blobs(clusters: 4, perCluster: 40, dimension: 12, separation: 9, seed: 3)
        try MatrixIO.write(points, labels: LabelSet(labels), to: dir.file("codes.npy"))
        let r = try runCLI(["cluster", "codes.npy", "--method", method] + (method == "gmm" ? ["--covariance", "diagonal"] : [])
                           + ["--out", "out", "--json", "-q"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["k"] as? Int == 4 && json["dims"] as? Int == 12)
        // The files agree with the report and with the library's scores of the same assignments.
        let assignments = try NPY.readLabels(dir.file("out/assignments.npy"))
        let score = ClusterEvaluation(labels: labels, clusters: assignments)
        #expect(score.accuracy > 0.95, "accuracy \(score.accuracy)")
        #expect(abs((json["accuracy"] as? Double ?? -1) - score.accuracy) < 1e-4)
        #expect(abs((json["ari"] as? Double ?? -1) - score.adjustedRandIndex) < 1e-4)
        let csv = try String(contentsOfFile: dir.file("out/assignments.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 161 && csv[0] == "row,cluster,label" && csv[5] == "4,\(assignments[4]),\(labels[4])")
        #expect(FileManager.default.fileExists(atPath: dir.file("out/confusion.png")))
    }

    @Test func kmeansIsTheDefaultAndCodesWithoutLabelsNeedK() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (points, _) = TestData.blobs(clusters: 3, perCluster: 20, dimension: 3, separation: 9, seed: 4)
        try MatrixIO.write(points, to: dir.file("x.csv"))
        let none = try runCLI(["cluster", "x.csv", "--out", "c"], in: dir.path)
        #expect(none.status != 0 && none.stderr == "Error: x.csv has no labels: give the number of clusters with --k\n", "\(none.stderr)")
        #expect(dir.contents() == ["x.csv"])
        let three = try runCLI(["cluster", "x.csv", "--k", "3", "--out", "c", "-q"], in: dir.path)
        #expect(three.status == 0, "\(three.stderr)")
        #expect(three.stdout.hasPrefix("k-means, k = 3, on 60 × 3: cluster sizes 20, 20, 20"), "\(three.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("c")).sorted() == ["assignments.csv", "assignments.npy", "cluster.json"])
        let covariance = try runCLI(["cluster", "x.csv", "--k", "3", "--covariance", "diagonal", "--out", "c3"], in: dir.path)
        #expect(covariance.stderr.hasPrefix("Error: --covariance applies to --method gmm"), "\(covariance.stderr)")
        let tooMany = try runCLI(["cluster", "x.csv", "--k", "61", "--out", "c2"], in: dir.path)
        #expect(tooMany.stderr == "Error: --k 61 is more than the 60 rows of x.csv\n", "\(tooMany.stderr)")
    }

    @Test func basinsClusterAMapOverItsCodesAndRefuseWhatDoesNotFit() throws {
        // Map: class 0 in two islands (x = 0 and x = 20), class 1 between them; codes: each
        // class one blob. Over the codes' affinities the basins give the classes exactly.
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var rng = SeededGenerator(seed: 2)
        var map = [[Float]](), codes = [[Float]](), labels = [Int]()
        for (centre, label) in [(Float(0), 0), (10, 1), (20, 0)] {
            for _ in 0..<(label == 1 ? 80 : 100) {
                map.append([centre + rng.nextGaussian(), rng.nextGaussian()])
                codes.append((0..<4).map { d in rng.nextGaussian() + (label == 1 && d == 0 ? 12 : 0) })
                labels.append(label)
            }
        }
        try MatrixIO.write(try Matrix(map), labels: LabelSet(labels), to: dir.file("map.npy"))
        try MatrixIO.write(try Matrix(codes), to: dir.file("codes.npy"))
        let r = try runCLI(["cluster", "map.npy", "--method", "basins", "--codes", "codes.npy", "--metric", "euclidean",
                            "--perplexity", "10", "--out", "b", "--json", "-q"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["accuracy"] as? Double == 1, "\(r.stdout)")
        #expect((json["basins"] as? Int ?? 0) >= 3)
        let wide = try runCLI(["cluster", "codes.npy", "--k", "2", "--method", "basins", "--out", "w"], in: dir.path)
        #expect(wide.stderr == "Error: --method basins clusters a 2-D map; codes.npy has 4 columns\n", "\(wide.stderr)")
        try MatrixIO.write(TestData.random(rows: 50, columns: 4, seed: 1), to: dir.file("short.npy"))
        let short = try runCLI(["cluster", "map.npy", "--method", "basins", "--codes", "short.npy", "--out", "s", "-q"], in: dir.path)
        #expect(short.stderr == "Error: --codes short.npy: 50 rows, but map.npy has 280 (one code per map row)\n", "\(short.stderr)")
        let misplaced = try runCLI(["cluster", "map.npy", "--bandwidth", "0.1", "--out", "m"], in: dir.path)
        #expect(misplaced.stderr.hasPrefix("Error: --codes and --bandwidth apply to --method basins"), "\(misplaced.stderr)")
        #expect(Set(dir.contents()) == ["map.npy", "map.labels.npy", "codes.npy", "short.npy", "b"], "\(dir.contents())")
    }
}
