import Foundation
import Testing
import TestSupport

@Suite struct TSNECommandTests {
    @Test func smallRunPrintsOneJSONLineWithKLAndMetrics() throws {
        let r = try runCLI(["tsne", "mnist", "--subsample", "300", "--perplexity", "10", "--iterations", "200", "--exaggeration-iterations", "50",
                            "--metrics", "--json", "-q"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(json["n"] as? Int == 300)
        #expect(json["input_dims"] as? Int == 50)          // 784 pixels reduced to 50 by default
        let kl = try #require(json["kl"] as? Double)
        #expect(kl > 0 && kl.isFinite)
        let acc = try #require(json["knn10_acc"] as? Double)
        #expect(acc > 0.5)
        #expect(json["trust10"] as? Double ?? 0 > 0.8)
        #expect(r.stderr.isEmpty)                           // -q: nothing on stderr
    }

    @Test func progressAndTimingsGoToStandardError() throws {
        let r = try runCLI(["tsne", "mnist", "--subsample", "100", "--perplexity", "5", "--iterations", "50"])
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("affinities"))
        #expect(r.stderr.contains("KL"))
    }

    @Test func tooLargePerplexityIsOneErrorLineNamingTheAllowedValues() throws {
        let r = try runCLI(["tsne", "mnist", "--subsample", "20", "--perplexity", "30", "-q"])
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(r.stderr.contains("perplexity 30 is too large for 20 points"))
        #expect(r.stderr.contains("below 19"))
    }

    @Test func jsonNamesTheMethodThatRanAndTheInterpolationGrid() throws {
        let fft = try runCLI(["tsne", "mnist", "--subsample", "400", "--perplexity", "10", "--iterations", "60",
                              "--method", "interpolation", "--min-boxes", "30", "--json", "-q"])
        #expect(fft.status == 0, "stderr: \(fft.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(fft.stdout.utf8)) as? [String: Any])
        #expect(json["method"] as? String == "interpolation")
        #expect(json["grid_boxes"] as? Int == 30)
        #expect(json["grid_fft_side"] as? Int == 180)
        // auto (the default) on a few hundred points runs exact t-SNE and says so.
        let auto = try runCLI(["tsne", "mnist", "--subsample", "400", "--perplexity", "10", "--iterations", "20", "--json", "-q"])
        let autoJSON = try #require(try JSONSerialization.jsonObject(with: Data(auto.stdout.utf8)) as? [String: Any])
        #expect(autoJSON["method"] as? String == "exact")
        #expect(autoJSON["method_requested"] as? String == "auto")
        #expect(autoJSON["grid_boxes"] == nil)
    }

    @Test func interpolationRefusesWhatDoesNotFitWithTheEstimate() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let rows = (0..<2000).map { i in "\(Double(i % 37) * 0.1),\(Double(i % 11) * 0.3),\(Double(i) * 0.001)" }
        try ("a,b,c\n" + rows.joined(separator: "\n") + "\n").write(toFile: dir.file("points.csv"), atomically: true, encoding: .utf8)
        let r = try runCLI(["tsne", dir.file("points.csv"), "--method", "interpolation", "--max-memory", "20M"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("Error: t-SNE (interpolation, exact neighbours) on 2000 points needs about"), "\(r.stderr)")
    }

    @Test func interpolationIn3DSaysItRunsBarnesHut() throws {
        let r = try runCLI(["tsne", "mnist", "--subsample", "200", "--perplexity", "10", "--iterations", "20",
                            "--method", "interpolation", "--dims", "3"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("interpolation supports 1-D and 2-D output only: using Barnes-Hut"))
        #expect(r.stderr.contains("barnes-hut: affinities"))
    }

    @Test func badInterpolationOptionsAreOneErrorLine() throws {
        for (args, text) in [(["--nodes-per-box", "9"], "--nodes-per-box must be 2 to 8"),
                             (["--boxes-per-unit", "0"], "--boxes-per-unit must be a positive number"),
                             (["--min-boxes", "0"], "--min-boxes must be at least 1"), (["--boxes", "0"], "--boxes must be at least 1")] {
            let r = try runCLI(["tsne", "mnist", "--method", "interpolation"] + args)
            #expect(r.status != 0, "\(args) was accepted")
            #expect(r.stderr.contains("Error: " + text), "\(args): \(r.stderr)")
        }
    }

    @Test func badChoicesAreRejectedBeforeAnyWork() throws {
        for args in [["--method", "fft"], ["--dims", "4"], ["--learning-rate", "-3"], ["--out", "x.txt"]] {
            let r = try runCLI(["tsne", "mnist"] + args)
            #expect(r.status != 0, "\(args) was accepted")
            #expect(!r.stderr.isEmpty)
        }
    }
}
