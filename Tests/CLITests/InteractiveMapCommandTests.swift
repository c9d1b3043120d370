import Foundation
import Testing
import TestSupport

@Suite struct InteractiveMapCommandTests {
    /// `points` rows of x,y around three centres, and their labels one per line.
    func writeEmbedding(in dir: TemporaryDirectory, points: Int = 30, nanAt: Int? = nil) throws {
        var lines = ["x,y"], labels: [String] = []
        for k in 0..<points {
            let c = k % 3
            lines.append(k == nanAt ? "nan,1" : "\(Double(c * 10) + Double(k % 7) * 0.1),\(Double(c % 2 * 8) + Double(k % 5) * 0.1)")
            labels.append(String(c))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir.file("emb.csv"), atomically: true, encoding: .utf8)
        try (labels.joined(separator: "\n") + "\n").write(toFile: dir.file("labels.txt"), atomically: true, encoding: .utf8)
    }

    func expectOneErrorLineAndNoPage(_ r: CLIResult, mentioning words: [String], in dir: TemporaryDirectory) {
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(lines.first?.hasPrefix("Error:") == true, "\(r.stderr)")
        for word in words { #expect(r.stderr.contains(word), "\(r.stderr)") }
        #expect(!dir.contents().contains { $0.hasSuffix(".html") || $0.contains(".tmp-") })
    }

    @Test func aMapOfTheBundledDigitsCarriesTheirImagesLabelsAndNames() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let pca = try runCLI(["pca", "mnist", "--components", "2", "--formats", "png", "--out", "pca", "--quiet"], in: dir.path)
        #expect(pca.status == 0, "\(pca.stderr)")
        let r = try runCLI(["plot", "interactive", "pca/scores.npy", "mnist", "--title", "MNIST PCA", "--out", "map.html"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("wrote map.html"))
        let html = try String(contentsOfFile: dir.file("map.html"), encoding: .utf8)
        #expect(html.contains("id=\"lm-thumbnails\""))
        #expect(html.contains("<title>MNIST PCA</title>"))
        #expect(html.contains("\"classCounts\":[980,1135,1032,1010,982,892,958,1028,974,1009]"))
        // 10,000 digits at 16 grey levels: about 2.5 MB, not the 8 MB of bytes.
        let size = try FileManager.default.attributesOfItem(atPath: dir.file("map.html"))[.size] as! Int
        #expect(size > 1_000_000 && size < 4_000_000, "\(size) bytes")
    }

    @Test func labelsClassNamesAndValuesFromFiles() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try writeEmbedding(in: dir)
        try "zero\none\ntwo\n".write(toFile: dir.file("names.txt"), atomically: true, encoding: .utf8)
        try (0..<30).map { "\(Double($0) / 10)" }.joined(separator: "\n").write(toFile: dir.file("v.txt"), atomically: true, encoding: .utf8)
        let r = try runCLI(["plot", "interactive", "emb.csv", "--labels", "labels.txt", "--class-names", "names.txt",
                            "--values", "v.txt", "--value-label", "error", "--out", "map.html", "--quiet"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        let html = try String(contentsOfFile: dir.file("map.html"), encoding: .utf8)
        #expect(html.contains("\"classNames\":[\"zero\",\"one\",\"two\"]"))
        #expect(html.contains("\"valueLabel\":\"error\"") && html.contains("id=\"lm-values\""))
        #expect(!html.contains("id=\"lm-thumbnails\""))
    }

    @Test func imagesForAnotherNumberOfPointsAreOneErrorLine() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try writeEmbedding(in: dir)
        let r = try runCLI(["plot", "interactive", "emb.csv", "mnist", "--out", "map.html"], in: dir.path)
        expectOneErrorLineAndNoPage(r, mentioning: ["mnist", "30", "10000"], in: dir)
    }

    @Test func labelsForAnotherNumberOfPointsAreOneErrorLine() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try writeEmbedding(in: dir)
        try "0\n1\n".write(toFile: dir.file("short.txt"), atomically: true, encoding: .utf8)
        let r = try runCLI(["plot", "interactive", "emb.csv", "--labels", "short.txt", "--out", "map.html"], in: dir.path)
        expectOneErrorLineAndNoPage(r, mentioning: ["short.txt", "labels"], in: dir)
    }

    @Test func aNaNPositionIsOneErrorLine() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try writeEmbedding(in: dir, nanAt: 12)
        let r = try runCLI(["plot", "interactive", "emb.csv", "--labels", "labels.txt", "--out", "map.html"], in: dir.path)
        expectOneErrorLineAndNoPage(r, mentioning: ["emb.csv", "NaN"], in: dir)
        // The same in a .npy file, which can hold NaN.
        var npy = Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0])
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }"
        header += String(repeating: " ", count: 63 - (header.count + 10) % 64) + "\n"
        npy += Data([UInt8(header.count), 0]) + Data(header.utf8)
        for v: Float in [0, 1, 2, .nan, 4, 5] { npy += withUnsafeBytes(of: v.bitPattern.littleEndian) { Data($0) } }
        try npy.write(to: URL(fileURLWithPath: dir.file("emb.npy")))
        let n = try runCLI(["plot", "interactive", "emb.npy", "--out", "map.html"], in: dir.path)
        expectOneErrorLineAndNoPage(n, mentioning: ["emb.npy", "row 2", "NaN"], in: dir)
    }

    @Test func aMissingImageFileIsOneErrorLine() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try writeEmbedding(in: dir)
        let r = try runCLI(["plot", "interactive", "emb.csv", "no-such-images.npy", "--out", "map.html"], in: dir.path)
        expectOneErrorLineAndNoPage(r, mentioning: ["no-such-images.npy"], in: dir)
    }

    @Test func anOutputThatIsNotHTMLIsRejectedBeforeAnyWork() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try writeEmbedding(in: dir)
        let r = try runCLI(["plot", "interactive", "emb.csv", "--out", "map.png"], in: dir.path)
        #expect(r.status != 0)
        #expect(r.stderr.contains("--out") && r.stderr.contains(".html"))
        #expect(dir.contents() == ["emb.csv", "labels.txt"])
    }
}
