import Foundation
import Testing
import TestSupport

@Suite struct PlotCommandTests {
    /// A 3-blob embedding as CSV and its labels, one per line.
    func writeEmbedding(in dir: TemporaryDirectory, points: Int = 30) throws {
        var lines = ["x,y"], labels: [String] = []
        for k in 0..<points {
            let c = k % 3
            lines.append("\(Double(c * 10) + Double(k % 7) * 0.1),\(Double(c % 2 * 8) + Double(k % 5) * 0.1)")
            labels.append(String(c))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir.file("emb.csv"), atomically: true, encoding: .utf8)
        try (labels.joined(separator: "\n") + "\n").write(toFile: dir.file("labels.txt"), atomically: true, encoding: .utf8)
    }

    @Test func scatterWritesEachFormatFromTheExtension() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try writeEmbedding(in: dir)
        try "zero\none\ntwo\n".write(toFile: dir.file("names.txt"), atomically: true, encoding: .utf8)
        for ext in ["svg", "png", "pdf"] {
            let r = try runCLI(["plot", "scatter", "emb.csv", "--labels", "labels.txt", "--class-names", "names.txt",
                                "--title", "Blobs", "--out", "fig.\(ext)", "--dpi", "100"], in: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
        }
        #expect(dir.contents() == ["emb.csv", "fig.pdf", "fig.png", "fig.svg", "labels.txt", "names.txt"])
        let png = try Data(contentsOf: URL(fileURLWithPath: dir.file("fig.png")))
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    }

    @Test func mismatchedLabelsAreOneErrorLineAndNoFile() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try writeEmbedding(in: dir)
        try "0\n1\n".write(toFile: dir.file("short.txt"), atomically: true, encoding: .utf8)
        let r = try runCLI(["plot", "scatter", "emb.csv", "--labels", "short.txt", "--out", "fig.png"], in: dir.path)
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("labels"))
        #expect(!dir.contents().contains("fig.png"))
    }

    @Test func unknownExtensionIsRejectedBeforeAnyWork() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try writeEmbedding(in: dir)
        let r = try runCLI(["plot", "scatter", "emb.csv", "--out", "fig.jpg"], in: dir.path)
        #expect(r.status != 0)
        #expect(r.stderr.contains("fig.jpg") && r.stderr.contains(".svg"))
        #expect(dir.contents() == ["emb.csv", "labels.txt"])
    }

    @Test func galleryOfBundledMNIST() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let r = try runCLI(["plot", "gallery", "mnist", "--columns", "5", "--count", "10", "--captions", "--out", "g.png", "--dpi", "72"],
                           in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(dir.contents() == ["g.png"])
    }

    @Test func lossCurvesFromAHistoryWithMissingValidation() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try "epoch,train_loss,val_loss,seconds\n1,0.30,,1.2\n2,0.20,,1.1\n3,0.15,,1.1\n"
            .write(toFile: dir.file("history.csv"), atomically: true, encoding: .utf8)
        let r = try runCLI(["plot", "loss", "history.csv", "--out", "loss.svg"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(dir.contents() == ["history.csv", "loss.svg"])
        let bad = try runCLI(["plot", "loss", "history.csv", "--series", "nope", "--out", "x.svg"], in: dir.path)
        #expect(bad.status != 0 && bad.stderr.contains("nope"))
    }
}
