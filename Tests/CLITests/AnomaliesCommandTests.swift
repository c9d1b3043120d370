import Foundation
import LatentCore
import LatentData
import Testing
import TestSupport

@Suite struct AnomaliesCommandTests {
    @Test func aCorruptedImageRanksFirst() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let t = try runCLI(["train", "mnist", "--subsample", "300", "--layers", "784-32-8", "--epochs", "3",
                            "--out", "m.safetensors", "-q"], in: dir.path)
        #expect(t.status == 0, "\(t.stderr)")
        // 60 digits, with number 17 replaced by a checkerboard no digit model reconstructs.
        var images = try Dataset.load("mnist").subsampled(60, seed: 4).samples
        images.setRow(17, to: (0..<784).map { Float(($0 / 28 + $0 % 28) % 2) })
        try MatrixIO.write(images, to: dir.file("x.npy"))
        let r = try runCLI(["anomalies", "m.safetensors", "x.npy", "--top", "5", "--out", "a", "-q"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.file("a")).sorted()
        #expect(files == ["errors.npy", "gallery.png", "gallery.svg", "histogram.png", "histogram.svg", "ranking.csv"])
        let rows = try String(contentsOfFile: dir.file("a/ranking.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 61)
        #expect(rows[0] == "rank,index,label,error")
        #expect(rows[1].hasPrefix("1,17,,"))
        let errors = try MatrixIO.readMatrix(dir.file("a/errors.npy"))
        #expect(errors.rows == 60 && errors.elements.max() == errors[17, 0])
    }

    @Test func aModelForOtherDataIsOneErrorLine() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let t = try runCLI(["train", "mnist", "--subsample", "50", "--layers", "784-4", "--epochs", "1", "--out", "m.safetensors", "-q"],
                           in: dir.path)
        #expect(t.status == 0, "\(t.stderr)")
        try "a,b,c\n1,2,3\n4,5,6\n".write(toFile: dir.file("t.csv"), atomically: true, encoding: .utf8)
        let r = try runCLI(["anomalies", "m.safetensors", "t.csv", "--out", "a"], in: dir.path)
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("784"))
        #expect(dir.contents() == ["m.safetensors", "t.csv"])
    }
}
