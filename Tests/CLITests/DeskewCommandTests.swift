import Foundation
import LatentCore
import LatentData
import Testing
import TestSupport

@Suite struct DeskewCommandTests {
    static func preprocessing(_ path: String) throws -> String? {
        try Safetensors.read(from: path).metadata["input_preprocessing"]
    }

    @Test func aModelTrainedOnDeskewedDigitsDeskewsWhatItEncodes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for (flag, name) in [("--deskew", "upright.safetensors"), ("--no-deskew", "plain.safetensors")] {
            let t = try runCLI(["train", "mnist", "--subsample", "200", "--layers", "784-16-3", "--epochs", "1", flag,
                                "--out", name, "-q"], in: dir.path)
            #expect(t.status == 0, "\(t.stderr)")
        }
        #expect(try Self.preprocessing(dir.file("upright.safetensors")) == "deskew")
        #expect(try Self.preprocessing(dir.file("plain.safetensors")) == nil)
        func codes(_ model: String, _ extra: [String]) throws -> Matrix {
            let out = "codes-\(model)-\(extra.count).npy"
            let e = try runCLI(["encode", model, "mnist", "--indices", "0-39", "--out", out, "-q"] + extra, in: dir.path)
            #expect(e.status == 0, "\(e.stderr)")
            return try MatrixIO.readMatrix(dir.file(out))
        }
        // The deskewing model deskews by itself, and not twice when asked to.
        #expect(try codes("upright.safetensors", []) == codes("upright.safetensors", ["--deskew"]))
        // The plain model reads the images as they are unless --deskew says otherwise.
        #expect(try codes("plain.safetensors", []) != codes("plain.safetensors", ["--deskew"]))
    }

    @Test func pipelineDeskewsTheBundledDigitsUnlessToldNot() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for (extra, out) in [([String](), "on"), (["--no-deskew"], "off")] {
            let r = try runCLI(["pipeline", "mnist", "--subsample", "300", "--epochs", "2", "--out", out] + extra, in: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.contains("300 images 28×28×1 (deskewed)") == extra.isEmpty, "\(r.stderr)")
        }
        #expect(try Self.preprocessing(dir.file("on/model.safetensors")) == "deskew")
        #expect(try Self.preprocessing(dir.file("off/model.safetensors")) == nil)
    }

    @Test func aResumeKeepsTheDeskewingOfTheRunItContinues() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let common = ["train", "mnist", "--subsample", "200", "--layers", "784-16-3", "--checkpoint", "run.ckpt.safetensors", "-q"]
        let first = try runCLI(common + ["--epochs", "1", "--deskew", "--out", "one.safetensors"], in: dir.path)
        #expect(first.status == 0, "\(first.stderr)")
        // Resuming without --deskew is one error line naming the checkpoint, and writes nothing.
        let plain = try runCLI(common + ["--epochs", "2", "--resume", "run.ckpt.safetensors", "--out", "two.safetensors"], in: dir.path)
        #expect(plain.status != 0 && plain.status < 128)
        #expect(plain.stderr == "Error: run.ckpt.safetensors: the checkpoint does not match this run: input_preprocessing was deskew, now unset\n")
        #expect(!FileManager.default.fileExists(atPath: dir.file("two.safetensors")))
        // With --deskew it goes on, and the model it finishes deskews what it reads.
        let resumed = try runCLI(common + ["--epochs", "2", "--deskew", "--resume", "run.ckpt.safetensors", "--out", "two.safetensors"], in: dir.path)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Self.preprocessing(dir.file("two.safetensors")) == "deskew")
    }

    @Test func deskewingWhatIsNotAnImageIsOneErrorLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try "1,2,3\n4,5,6\n7,8,9\n".write(toFile: dir.file("rows.csv"), atomically: true, encoding: .utf8)
        let r = try runCLI(["cluster", "rows.csv", "--k", "2", "--deskew", "--label-column", "none", "--out", "c"], in: dir.path)
        #expect(r.status != 0 && r.status < 128)
        #expect(r.stderr == "Error: --deskew: rows.csv has no single-channel images to deskew (3 values per sample, no image shape)\n")
        #expect(dir.contents() == ["rows.csv"])
    }
}
