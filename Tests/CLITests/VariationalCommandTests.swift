import Foundation
import Testing
import TestSupport

@Suite struct VariationalCommandTests {
    @Test func trainAVariationalModelThenSampleFromItsPrior() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let model = dir.file("vae.safetensors")
        let r = try runCLI(["train", "mnist", "--subsample", "300", "--variational", "--code", "2", "--epochs", "2",
                            "--beta", "0.5", "--warmup", "1", "--out", model, "--json", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let v = try #require(json["variational"] as? [String: Any])
        #expect(v["beta"] as? Double == 0.5 && v["warmup_epochs"] as? Int == 1)
        let kl = try #require(v["train_kl"] as? Double)
        #expect(kl > 0 && kl.isFinite)
        #expect((json["model"] as? String)?.hasSuffix("(variational)") == true)

        // A variational model samples from N(0, I): no dataset needed.
        let png = dir.file("prior.png"), codes = dir.file("codes.npy")
        let s = try runCLI(["sample", model, "--count", "16", "--out", png, "--codes-out", codes, "-q"])
        #expect(s.status == 0, "\(s.stderr)")
        #expect(FileManager.default.fileExists(atPath: png) && FileManager.default.fileExists(atPath: codes))
        // Walks and interpolations read the model like any other.
        let w = try runCLI(["walk", model, "--range", "-2:2", "--steps", "5", "--out", dir.file("walk.png"), "-q"])
        #expect(w.status == 0, "\(w.stderr)")
        let i = try runCLI(["interpolate", model, "mnist", "--from", "0", "--to", "1", "--out", dir.file("interp.png"), "-q"])
        #expect(i.status == 0, "\(i.stderr)")
    }

    @Test func variationalOptionsAreCheckedWithOneErrorLine() throws {
        for args in [["--preset", "dense20", "--beta", "2"], ["--variational", "--beta", "-1"],
                     ["--variational", "--warmup", "-3"], ["--variational", "--preset", "conv"],
                     ["--variational", "--prior", "gaussian"]] {
            let r = try runCLI(["train", "mnist", "--subsample", "50", "--epochs", "1", "-q"] + args)
            #expect(r.status != 0, "\(args)")
            #expect(r.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }.count == 1, "\(args): \(r.stderr)")
            #expect(r.stderr.hasPrefix("Error:"), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("Fatal") && !r.stderr.contains("Trace"), "\(args): \(r.stderr)")
        }
    }
}
