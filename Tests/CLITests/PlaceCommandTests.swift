import Foundation
import Testing
import TestSupport

/// `tsne --save-map`, `place`, and the pipeline's held-out part.
@Suite struct PlaceCommandTests {
    /// A map of 300 MNIST digits (PCA-50 of the pixels, saved in the map) in `dir`.
    static func makeMap(in dir: TemporaryDirectory) throws -> String {
        let map = dir.file("map.safetensors")
        let r = try runCLI(["tsne", "mnist", "--subsample", "300", "--perplexity", "10", "--iterations", "500",
                            "--out", dir.file("train.npy"), "--save-map", map, "-q"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        return map
    }

    @Test func placingRawImagesIntoASavedMapReportsTimeAndAccuracy() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let map = try PlaceCommandTests.makeMap(in: dir)
        let r = try runCLI(["place", map, "mnist", "--subsample", "200", "--seed", "9", "--out", dir.file("new.npy"),
                            "--plot", dir.file("new.png"), "--json", "-q"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["n_new"] as? Int == 200 && json["n_map"] as? Int == 300)
        #expect((json["place_s"] as? Double ?? -1) >= 0)
        // Digits placed by their nearest training digits: most land among their own class.
        #expect((json["new_knn10_acc"] as? Double ?? 0) > 0.5, "\(json)")
        let size = try FileManager.default.attributesOfItem(atPath: dir.file("new.npy"))[.size] as? Int
        #expect(size == 128 + 200 * 2 * 4)                  // npy header + 200 × 2 float32
        #expect(FileManager.default.fileExists(atPath: dir.file("new.png")))
        #expect(r.stderr.isEmpty)
    }

    @Test func aMapThatDoesNotFitTheDataIsRefusedInOneLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let map = try PlaceCommandTests.makeMap(in: dir)
        // The 2-column embedding is not 784-pixel data.
        let wrong = try runCLI(["place", map, dir.file("train.npy"), "--out", dir.file("x.npy")])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.split(separator: "\n").count == 1, "\(wrong.stderr)")
        #expect(wrong.stderr.contains("does not fit") && wrong.stderr.contains("784") && wrong.stderr.contains("2 columns"),
                "\(wrong.stderr)")
        let metric = try runCLI(["place", map, "mnist", "--subsample", "10", "--metric", "cosine"])
        #expect(metric.status != 0)
        #expect(metric.stderr.split(separator: "\n").count == 1)
        #expect(metric.stderr.contains("euclidean") && metric.stderr.contains("cosine"), "\(metric.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("x.npy")))
    }

    @Test func aDamagedMapFileGetsOneClearError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let map = try PlaceCommandTests.makeMap(in: dir)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: map))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: map))
        let r = try runCLI(["place", map, "mnist", "--subsample", "10", "--out", dir.file("x.npy")])
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("\(map): not a usable t-SNE map"), "\(r.stderr)")
        let bad = try runCLI(["tsne", "mnist", "--subsample", "50", "--save-map", dir.file("m.npy")])
        #expect(bad.status != 0 && bad.stderr.contains(".safetensors"))
    }

    @Test func thePipelinePlacesAHeldOutSetIntoTheTrainingMap() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("run")
        let r = try runCLI(["pipeline", "mnist", "--subsample", "300", "--epochs", "3", "--test", "mnist", "--out", out, "-q"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        for name in ["placed.png", "placed.svg", "test_embedding.npy", "test_labels.npy", "map.safetensors", "scatter.png"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name) missing")
        }
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json")))
            as? [String: Any])
        #expect(metrics["test_samples"] as? Int == 10_000)
        #expect((metrics["knn10_test_2d"] as? Double ?? 0) > 0.3, "\(metrics)")
    }
}
