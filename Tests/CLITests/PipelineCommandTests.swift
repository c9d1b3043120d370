import Foundation
import Testing
import TestSupport

@Suite struct PipelineCommandTests {
    @Test func pipelineOnASmallSubsetWritesEveryOutputAndSaneMetrics() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("run")
        let r = try runCLI(["pipeline", "mnist", "--subsample", "400", "--epochs", "40", "--out", out, "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let files = Set((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? [])
        for name in ["scatter.svg", "scatter.png", "scatter.pdf", "reconstructions.png", "loss.png", "kl.png",
                     "latent.npy", "latent.csv", "embedding.npy", "embedding.csv", "labels.npy",
                     "model.safetensors", "history.csv", "metrics.json", "map.html"] {
            #expect(files.contains(name), "missing \(name)")
        }
        #expect(!files.contains { $0.contains(".tmp-") })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json"))) as? [String: Any])
        #expect(json["samples"] as? Int == 400)
        #expect(json["latent"] as? Int == 64)
        for key in ["kmeans_accuracy_2d", "kmeans_nmi_2d", "gmm_accuracy_2d", "gmm_nmi_2d", "basins_accuracy_2d", "basins_nmi_2d"] {
            let v = try #require(json[key] as? Double, "\(key)")
            #expect(v > 0.2 && v <= 1, "\(key) \(v)")
        }
        let knn = try #require(json["knn10_2d"] as? Double)
        #expect(knn > 0.45, "10-NN accuracy of the 2-D embedding of 400 digits: \(knn)")   // chance is 0.1; 40 epochs give about 0.65
        let mse = try #require(json["reconstruction_mse"] as? Double)
        #expect(mse > 0 && mse < 0.1)
    }

    @Test func badLatentSizeIsOneErrorLine() throws {
        let r = try runCLI(["pipeline", "--latent", "7", "--out", "/tmp/never-written-latentmap"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--latent"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written-latentmap"))
    }
}
