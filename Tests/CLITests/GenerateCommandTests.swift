import Foundation
import LatentCore
import LatentData
import Testing
import TestSupport

@Suite struct GenerateCommandTests {
    /// Trains a small dense autoencoder with a `code`-value code on 200 digits.
    func train(code: Int, in dir: TemporaryDirectory) throws {
        let t = try runCLI(["train", "mnist", "--subsample", "200", "--layers", "784-32-\(code)", "--epochs", "2",
                            "--out", "m\(code).safetensors", "-q"], in: dir.path)
        #expect(t.status == 0, "\(t.stderr)")
    }

    func isPNG(_ path: String) throws -> Bool {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(4)) == [0x89, 0x50, 0x4E, 0x47]
    }

    @Test func interpolateWritesOneStripOrSeveral() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try train(code: 2, in: dir)
        let a = try runCLI(["interpolate", "m2.safetensors", "mnist", "--from", "0", "--to", "1", "--steps", "6", "--out", "i.png", "-q"],
                           in: dir.path)
        #expect(a.status == 0, "\(a.stderr)")
        #expect(try isPNG(dir.file("i.png")))
        let b = try runCLI(["interpolate", "m2.safetensors", "mnist", "--pairs", "0:1,2:3,4:5", "--originals", "--out", "s.svg", "-q"],
                           in: dir.path)
        #expect(b.status == 0, "\(b.stderr)")
        let bad = try runCLI(["interpolate", "m2.safetensors", "mnist", "--from", "0", "--to", "10000", "--out", "bad.png"], in: dir.path)
        #expect(bad.status != 0)
        #expect(bad.stderr.split(separator: "\n").count == 1 && bad.stderr.contains("10000"))
        #expect(dir.contents() == ["i.png", "m2.safetensors", "s.svg"])
    }

    @Test func walkCoversA2DCodeAndHoldsTheRestOfALargerOneAtTheMean() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try train(code: 2, in: dir)
        try train(code: 3, in: dir)
        let a = try runCLI(["walk", "m2.safetensors", "--range", "-3:3", "--steps", "5", "--out", "w.png", "-q"], in: dir.path)
        #expect(a.status == 0, "\(a.stderr)")
        #expect(try isPNG(dir.file("w.png")))
        let refused = try runCLI(["walk", "m3.safetensors", "--out", "w3.png"], in: dir.path)
        #expect(refused.status != 0)
        #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains("DATA"))
        let b = try runCLI(["walk", "m3.safetensors", "mnist", "--subsample", "100", "--dims", "0,2", "--steps", "4",
                            "--out", "w3.pdf", "-q"], in: dir.path)
        #expect(b.status == 0, "\(b.stderr)")
        let badDims = try runCLI(["walk", "m3.safetensors", "mnist", "--dims", "0,3", "--out", "x.png"], in: dir.path)
        #expect(badDims.status != 0 && badDims.stderr.contains("3-D code"))
        #expect(dir.contents() == ["m2.safetensors", "m3.safetensors", "w.png", "w3.pdf"])
    }

    @Test func sampleDecodesSeededCodesFromTheFittedGaussian() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try train(code: 2, in: dir)
        for (name, seed) in [("a", "3"), ("b", "3"), ("c", "4")] {
            let r = try runCLI(["sample", "m2.safetensors", "mnist", "--subsample", "300", "--count", "400", "--seed", seed,
                                "--out", "\(name).png", "--codes-out", "\(name).npy", "-q"], in: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let a = try MatrixIO.readMatrix(dir.file("a.npy")), b = try MatrixIO.readMatrix(dir.file("b.npy"))
        let c = try MatrixIO.readMatrix(dir.file("c.npy"))
        #expect(a.rows == 400 && a.columns == 2)
        #expect(a == b)
        #expect(a != c)
        // The samples spread like the codes they were fitted to.
        _ = try runCLI(["encode", "m2.safetensors", "mnist", "--subsample", "300", "--seed", "3", "--out", "codes.npy", "-q"], in: dir.path)
        let codes = try MatrixIO.readMatrix(dir.file("codes.npy"))
        for k in 0..<2 {
            let sd = Double(codes.columnStandardDeviations()[k])
            #expect(abs(Double(a.columnMeans()[k] - codes.columnMeans()[k])) < 0.25 * sd)
            #expect(abs(Double(a.columnStandardDeviations()[k]) / sd - 1) < 0.2)
        }
    }
}
