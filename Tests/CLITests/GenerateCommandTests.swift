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

    @Test func walkTakesItsRangeFromTheChosenClassesOnly() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try train(code: 2, in: dir)
        for (name, extra) in [("all", [String]()), ("ones", ["--classes", "1"]), ("ones-again", ["--classes", "1"])] {
            let r = try runCLI(["walk", "m2.safetensors", "mnist", "--steps", "4", "--out", "\(name).npy.png", "-q"] + extra,
                               in: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let all = try Data(contentsOf: URL(fileURLWithPath: dir.file("all.npy.png")))
        let ones = try Data(contentsOf: URL(fileURLWithPath: dir.file("ones.npy.png")))
        #expect(ones == (try Data(contentsOf: URL(fileURLWithPath: dir.file("ones-again.npy.png")))))
        #expect(ones != all, "the digits 1 span a smaller part of the code than all digits")
        let noData = try runCLI(["walk", "m2.safetensors", "--classes", "1", "--out", "x.png"], in: dir.path)
        #expect(noData.status != 0 && noData.stderr.split(separator: "\n").count == 1 && noData.stderr.contains("--classes"))
        let unknown = try runCLI(["walk", "m2.safetensors", "mnist", "--classes", "12", "--out", "x.png"], in: dir.path)
        #expect(unknown.status != 0 && unknown.stderr.hasPrefix("Error:"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("x.png")))
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

    @Test func interpolateBetweenTwoClassesPicksTheirFirstOrASeededSample() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try train(code: 2, in: dir)
        let common = ["interpolate", "m2.safetensors", "mnist", "--subsample", "300", "--steps", "5", "--originals"]
        // The first 1 and the first 4 of the data as loaded, the same strip as by their indices.
        let labels = try Dataset.load("mnist").subsampled(300, seed: 1).labels ?? []
        let one = try #require(labels.firstIndex(of: 1)), four = try #require(labels.firstIndex(of: 4))
        for (name, extra) in [("c.png", ["--from-class", "1", "--to-class", "4"]),
                              ("i.png", ["--from", "\(one)", "--to", "\(four)"]),
                              ("r.png", ["--from-class", "1", "--to-class", "4", "--random", "--seed", "2"])] {
            let r = try runCLI(common + extra + ["--out", name, "-q"], in: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let bytes = try ["c.png", "i.png", "r.png"].map { try Data(contentsOf: URL(fileURLWithPath: dir.file($0))) }
        #expect(bytes[0] != bytes[1], "class captions (1, 4) should replace the index captions")
        #expect(bytes[0] != bytes[2], "a seeded random pick should differ from the first samples")
        let missing = try runCLI(common + ["--from-class", "1", "--to-class", "42", "--out", "x.png"], in: dir.path)
        #expect(missing.status != 0 && missing.stderr.split(separator: "\n").count == 1 && missing.stderr.contains("class 42"))
        let half = try runCLI(common + ["--from-class", "1", "--out", "x.png"], in: dir.path)
        #expect(half.status != 0 && half.stderr.contains("--to-class"))
        #expect(!dir.contents().contains("x.png"))
    }

    @Test func walkTakesARangePerAxisAndSampleAFullCovariance() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try train(code: 2, in: dir)
        for (name, range) in [("both.png", "-2:2"), ("each.png", "-2:2,-2:2"), ("other.png", "-2:2,-1:1")] {
            let r = try runCLI(["walk", "m2.safetensors", "--range", range, "--steps", "4", "--out", name, "-q"], in: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let bytes = try ["both.png", "each.png", "other.png"].map { try Data(contentsOf: URL(fileURLWithPath: dir.file($0))) }
        #expect(bytes[0] == bytes[1] && bytes[0] != bytes[2])
        let bad = try runCLI(["walk", "m2.safetensors", "--range", "-2:2,1:0", "--out", "x.png"], in: dir.path)
        #expect(bad.status != 0 && bad.stderr.contains("--range"))
        for covariance in ["diagonal", "full"] {
            let r = try runCLI(["sample", "m2.safetensors", "mnist", "--subsample", "300", "--count", "2000", "--covariance", covariance,
                                "--codes-out", "\(covariance).npy", "--out", "\(covariance).png", "-q"], in: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
        }
        _ = try runCLI(["encode", "m2.safetensors", "mnist", "--subsample", "300", "--out", "codes.npy", "-q"], in: dir.path)
        func correlation(_ m: Matrix) -> Double {
            let mean = m.columnMeans(), sd = m.columnStandardDeviations()
            var s = 0.0
            for r in 0..<m.rows { s += Double((m[r, 0] - mean[0]) * (m[r, 1] - mean[1])) }
            return s / Double(m.rows) / Double(sd[0] * sd[1])
        }
        let codes = correlation(try MatrixIO.readMatrix(dir.file("codes.npy")))
        let full = correlation(try MatrixIO.readMatrix(dir.file("full.npy")))
        let diagonal = correlation(try MatrixIO.readMatrix(dir.file("diagonal.npy")))
        #expect(abs(codes) > 0.2, "this 2-D code's values should be correlated (\(codes)) for the check to mean something")
        #expect(abs(full - codes) < 0.1, "full-covariance samples: correlation \(full), the codes' \(codes)")
        #expect(abs(diagonal) < 0.1, "diagonal samples: correlation \(diagonal)")
    }
}
