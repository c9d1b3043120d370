import Foundation
import Testing
import TestSupport

@Suite struct SweepCommandTests {
    @Test func sweepWritesTableDataAndFigureWithOneRowPerLatentSize() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let r = try runCLI(["sweep", "mnist", "--subsample", "600", "--latent", "2,6", "--encoder", "32", "--epochs", "5",
                            "--classifier-epochs", "20", "--hidden", "16", "--batch", "32", "--out", "s", "-q"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "quiet run printed \(r.stderr)")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.file("s"))) ?? []).sorted()
        #expect(files == ["sweep.csv", "sweep.json", "sweep.md", "sweep.png", "sweep.svg"])
        let csv = try String(contentsOfFile: dir.file("s/sweep.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 3)
        #expect(csv.first?.hasPrefix("latent,ae_parameters,test_mse,train_mse,mlp_accuracy,knn_accuracy") == true)
        #expect(csv.dropFirst().map { $0.split(separator: ",")[0] } == ["2", "6"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("s/sweep.json"))))
            as? [String: Any])
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.count == 2)
        for row in results {
            let mse = try #require(row["test_mse"] as? Double)
            let mlp = try #require(row["mlp_accuracy"] as? Double), knn = try #require(row["knn_accuracy"] as? Double)
            // An untrained sigmoid output (all 0.5) scores about 0.2; the mean image about 0.07.
            #expect(mse > 0 && mse < 0.1, "test MSE \(mse)")
            // Ten classes: chance is 0.1; even a few epochs give codes far better than that.
            #expect(mlp > 0.2 && mlp <= 1 && knn > 0.2 && knn <= 1, "accuracies \(mlp), \(knn)")
        }
        #expect(r.stdout.contains("| latent | test MSE |"))
        let png = try Data(contentsOf: URL(fileURLWithPath: dir.file("s/sweep.png")))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test func badLatentListIsOneErrorLine() throws {
        let r = try runCLI(["sweep", "--latent", "10,x", "--out", "never"])
        #expect(r.status != 0)
        let first = r.stderr.split(separator: "\n").first ?? ""
        #expect(first.hasPrefix("Error:") && first.contains("10,x"), "stderr: \(r.stderr)")
    }
}
