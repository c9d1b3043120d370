import Foundation
import LatentData
import Testing
import TestSupport

@Suite struct EncodeCommandTests {
    @Test func encodeDecodeAndReconstructUseTheSavedModel() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let t = try runCLI(["train", "mnist", "--subsample", "200", "--layers", "784-16-3", "--epochs", "1",
                            "--out", "m.safetensors", "-q"], in: dir.path)
        #expect(t.status == 0, "\(t.stderr)")
        let e = try runCLI(["encode", "m.safetensors", "mnist", "--subsample", "50", "--out", "codes.csv", "-q"], in: dir.path)
        #expect(e.status == 0, "\(e.stderr)")
        let rows = try String(contentsOfFile: dir.file("codes.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count >= 50)
        #expect(rows.last!.split(separator: ",").count == 4, "three code values and the label")
        let e2 = try runCLI(["encode", "m.safetensors", "mnist", "--subsample", "50", "--out", "codes.npy", "-q"], in: dir.path)
        #expect(e2.status == 0, "\(e2.stderr)")
        let d = try runCLI(["decode", "m.safetensors", "codes.npy", "--out", "images.npy", "-q"], in: dir.path)
        #expect(d.status == 0, "\(d.stderr)")
        let r = try runCLI(["reconstruct", "m.safetensors", "mnist", "--subsample", "50"], in: dir.path)
        #expect(r.status == 0 && r.stdout.contains("reconstruction MSE"))
        // The labels travel beside the codes (the CSV holds them in its label column).
        // decode passes the codes' labels on to the images.
        #expect(dir.contents() == ["codes.classes.txt", "codes.csv", "codes.labels.npy", "codes.npy", "images.classes.txt",
                                   "images.labels.npy", "images.npy", "m.safetensors"])
        #expect(try MatrixIO.readLabelledMatrix(dir.file("images.npy")).labels == (try MatrixIO.readLabelledMatrix(dir.file("codes.npy")).labels))
    }

    @Test func aDamagedModelIsOneErrorLineNamingTheFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Data("not a model at all".utf8).write(to: URL(fileURLWithPath: dir.file("bad.safetensors")))
        let r = try runCLI(["encode", "bad.safetensors", "mnist", "--out", "codes.npy"], in: dir.path)
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("bad.safetensors"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("codes.npy")))
    }
}
