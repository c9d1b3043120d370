import Foundation
import Testing
import TestSupport
import LatentCore

@Suite struct ClassifyCommandTests {
    /// Writes blobs as codes and labels in `dir`.
    static func writeBlobs(in dir: TemporaryDirectory) throws {
        let (points, labels) = TestData.blobs(clusters: 3, perCluster: 80, dimension: 5, separation: 8, seed: 2)
        var csv = "x,y,z,u,v\n"
        for i in 0..<points.rows { csv += (0..<5).map { String(points[i, $0]) }.joined(separator: ",") + "\n" }
        try csv.write(toFile: dir.file("codes.csv"), atomically: true, encoding: .utf8)
        try (labels.map(String.init).joined(separator: "\n") + "\n").write(toFile: dir.file("labels.txt"), atomically: true, encoding: .utf8)
    }

    @Test func classifyOnSeparableCodesIsAccurateAndWritesItsFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Self.writeBlobs(in: dir)
        let r = try runCLI(["classify", "codes.csv", "--labels", "labels.txt", "--label-column", "none", "--hidden", "16",
                            "--epochs", "15", "--batch", "32", "--dropout", "0.1", "--batch-norm", "--confusion", "conf.csv",
                            "--out", "c.safetensors", "--history", "h.csv", "--knn", "5", "--json", "-q"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let accuracy = try #require(json["test_accuracy"] as? Double)
        #expect(accuracy >= 0.95, "test accuracy \(accuracy)")
        #expect(json["test_samples"] as? Int == 48)
        #expect((json["knn5_accuracy"] as? Double ?? 0) >= 0.95, "\(json)")
        let confusion = try String(contentsOfFile: dir.file("conf.csv"), encoding: .utf8).split(separator: "\n")
        #expect(confusion.count == 3)
        let total = confusion.flatMap { $0.split(separator: ",").compactMap { Int($0) } }.reduce(0, +)
        #expect(total == 48)
        #expect(dir.contents() == ["c.safetensors", "codes.csv", "conf.csv", "h.csv", "labels.txt"])
    }

    @Test func classifyWithoutLabelsIsOneErrorLineNamingTheFix() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Self.writeBlobs(in: dir)
        let r = try runCLI(["classify", "codes.csv", "--label-column", "none", "--epochs", "1"], in: dir.path)
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("--labels"))
    }

    @Test func classifyThroughAnAutoencoderOnMNISTBeatsChance() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let t = try runCLI(["train", "mnist", "--subsample", "500", "--layers", "784-64-8", "--epochs", "5", "--batch", "25", "--out", "ae.safetensors", "-q"],
                           in: dir.path)
        #expect(t.status == 0, "\(t.stderr)")
        let r = try runCLI(["classify", "mnist", "--subsample", "500", "--model", "ae.safetensors", "--hidden", "32",
                            "--epochs", "15", "--batch", "32", "--confusion", "conf.png", "-q"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let fields = r.stdout.split(separator: " ")
        let accuracy = try #require(fields.count > 2 ? Double(fields[2]) : nil, "stdout: \(r.stdout)")
        #expect(accuracy > 0.3, "test accuracy \(accuracy) on 8-D codes of 10 digits")
        #expect(FileManager.default.fileExists(atPath: dir.file("conf.png")))
    }

    @Test func classesSelectTheSameClassesOfASeparateTestSet() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Self.writeBlobs(in: dir)
        let base = ["classify", "codes.csv", "--labels", "labels.txt", "--label-column", "none", "--hidden", "8",
                    "--epochs", "3", "--test", "codes.csv", "--test-labels", "labels.txt", "--json", "-q"]
        let all = try runCLI(base, in: dir.path)
        let two = try runCLI(base + ["--classes", "0,2"], in: dir.path)
        #expect(all.status == 0 && two.status == 0, "\(all.stderr)\(two.stderr)")
        let a = try #require(try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any])
        let b = try #require(try JSONSerialization.jsonObject(with: Data(two.stdout.utf8)) as? [String: Any])
        #expect(a["test_samples"] as? Int == 240)
        #expect(b["test_samples"] as? Int == 160, "the test set keeps only classes 0 and 2: \(b)")
        #expect((b["architecture"] as? String)?.hasPrefix("5-8-2 ") == true, "two classes, two outputs: \(b)")
    }
}
