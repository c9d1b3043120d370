import Foundation
import Testing
import TestSupport

/// The same seed gives the same bytes whatever `--threads` says: data, weights and figures.
@Suite struct ReproducibilityTests {
    @Test func pipelineOutputsAreByteIdenticalOnOneAndTwoThreads() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var runs: [String] = []
        for threads in ["1", "2"] {
            let out = dir.file("t\(threads)")
            let r = try runCLI(["pipeline", "mnist", "--subsample", "300", "--epochs", "4", "--seed", "5",
                                "--threads", threads, "--out", out, "-q"])
            #expect(r.status == 0, "\(r.stderr)")
            runs.append(out)
        }
        // Everything but the files that record wall-clock times (metrics.json, history.csv) and
        // the PDF (Cairo stamps its creation date).
        for name in ["latent.npy", "embedding.npy", "embedding.csv", "model.safetensors",
                     "scatter.png", "scatter.svg", "reconstructions.png", "loss.png", "loss.svg", "kl.png", "map.html"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: runs[0] + "/" + name))
            let b = try Data(contentsOf: URL(fileURLWithPath: runs[1] + "/" + name))
            #expect(!a.isEmpty && a == b, "\(name) differs between 1 and 2 threads")
        }
        // A different seed changes them (so the comparison above can fail).
        let other = dir.file("seed6")
        let r = try runCLI(["pipeline", "mnist", "--subsample", "300", "--epochs", "4", "--seed", "6", "--out", other, "-q"])
        #expect(r.status == 0)
        let a = try Data(contentsOf: URL(fileURLWithPath: runs[0] + "/embedding.npy"))
        let c = try Data(contentsOf: URL(fileURLWithPath: other + "/embedding.npy"))
        #expect(a != c)
    }
}
