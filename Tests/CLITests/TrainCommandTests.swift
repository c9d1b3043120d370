import Foundation
import Testing
import TestSupport

@Suite struct TrainCommandTests {
    @Test func trainWritesModelHistoryAndOneJSONLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let r = try runCLI(["train", "mnist", "--subsample", "300", "--layers", "784-32-4", "--epochs", "2",
                            "--batch", "50", "--val-split", "0.2", "--out", "m.safetensors", "--history", "h.csv",
                            "--json", "-q"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(dir.contents() == ["h.csv", "m.safetensors"])
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(json["epochs"] as? Int == 2)
        #expect((json["median_epoch_s_2toN"] as? Double ?? 0) > 0)
        // 784-32-4 mirrored, 240 training rows: 2 FLOPs per multiply-add, the first layer without ∂input.
        #expect((json["flops_per_epoch"] as? NSNumber)?.doubleValue == Double((2 * 25_088 * 2 + 2 * 128 * 3 + 2 * 128 * 3 + 2 * 25_088 * 3) * 240))
        let losses = try #require(json["train_loss"] as? [Double])
        #expect(losses.count == 2 && losses[1] < losses[0])
        let csv = try String(contentsOfFile: dir.file("h.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 3)
        #expect(csv.hasPrefix("epoch,train_loss,val_loss,seconds"))
    }

    @Test func badLayerSpecIsOneErrorLine() throws {
        let r = try runCLI(["train", "mnist", "--layers", "784-x-2", "--epochs", "1"])
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("784-x-2"))
    }

    @Test func aMissingOutputFolderIsCreated() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let r = try runCLI(["train", "mnist", "--subsample", "100", "--layers", "784-8", "--epochs", "1",
                            "--out", "sub/deeper/m.safetensors", "-q"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.file("sub/deeper/m.safetensors")))
    }

    @Test(arguments: [("afile/m.safetensors", "it is a file, not a folder"), ("adir.safetensors", "it is a folder")])
    func anUnwritableOutputIsRefusedBeforeTrainingAndLeavesNoFile(out: String, reason: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Data().write(to: URL(fileURLWithPath: dir.file("afile")))
        try FileManager.default.createDirectory(atPath: dir.file("adir.safetensors"), withIntermediateDirectories: false)
        // 1,000 epochs would take minutes: the refusal comes before the first.
        let r = try runCLI(["train", "mnist", "--layers", "784-8", "--epochs", "1000", "--out", out], in: dir.path)
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("Error: --out: ") && lines[0].contains(out) && lines[0].contains(reason), "\(r.stderr)")
        #expect(dir.contents() == ["adir.safetensors", "afile"])
    }

    @Test func withoutOutTheModelGoesToADefaultPathAndSaysWhere() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let r = try runCLI(["train", "mnist", "--subsample", "100", "--layers", "784-8", "--epochs", "1"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("saved the model to mnist-784-8.safetensors"), "\(r.stderr)")
        #expect(dir.contents() == ["mnist-784-8.safetensors"])
        let e = try runCLI(["encode", "mnist-784-8.safetensors", "mnist", "--indices", "0-9", "--out", "c.npy", "-q"], in: dir.path)
        #expect(e.status == 0, "\(e.stderr)")
    }
}
