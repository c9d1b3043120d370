import Foundation
import Testing
import TestSupport

/// Second-round reliability at the command line: extreme but legal values, wide data and one
/// clear error line for each kind of nonsense.
@Suite struct ReliabilityCommandTests {
    /// `rows` CSV lines of `columns` whole numbers (0…255) from `value(row, column)`.
    static func csv(rows: Int, columns: Int, _ value: (Int, Int) -> Int) -> String {
        (0..<rows).map { i in (0..<columns).map { j in String(value(i, j)) }.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    static func oneErrorLine(_ r: CLIResult, containing parts: [String]) -> Bool {
        let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        return r.status != 0 && lines.count == 1 && parts.allSatisfy { lines[0].contains($0) }
    }

    @Test func oneHugeLabelIsOneMoreClassForInfoScatterMetricsAndClassify() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try ReliabilityCommandTests.csv(rows: 120, columns: 8) { i, j in (i * 31 + j * 17) % 256 }
            .write(toFile: dir.file("x.csv"), atomically: true, encoding: .utf8)
        try (0..<120).map { $0 == 7 ? "100000000" : String($0 % 10) }.joined(separator: "\n")
            .write(toFile: dir.file("y.txt"), atomically: true, encoding: .utf8)
        let info = try runCLI(["info", "x.csv", "--labels", "y.txt"], in: dir.path, timeout: 30)
        #expect(!info.timedOut && info.result.status == 0)
        #expect(info.result.stdout.contains("11 classes") && info.result.stdout.split(separator: "\n").count < 30)
        let tsne = try runCLI(["tsne", "x.csv", "--labels", "y.txt", "--perplexity", "10", "--iterations", "50", "--metrics", "-q",
                               "--out", "e.npy"], in: dir.path, timeout: 60)
        #expect(!tsne.timedOut && tsne.result.status == 0, "\(tsne.result.stderr)")
        let scatter = try runCLI(["plot", "scatter", "e.npy", "--labels", "y.txt", "--out", "s.png"], in: dir.path, timeout: 30)
        #expect(!scatter.timedOut && scatter.result.status == 0, "\(scatter.result.stderr)")
        let classify = try runCLI(["classify", "x.csv", "--labels", "y.txt", "--epochs", "2", "--hidden", "8", "-q"], in: dir.path, timeout: 60)
        #expect(!classify.timedOut && !classify.crashed && classify.result.status == 0, "\(classify.result.stderr)")
        #expect(classify.result.stdout.contains("11 classes"))
        // As many classes as samples: not class numbers.
        try (0..<120).map { String($0 * 1000) }.joined(separator: "\n").write(toFile: dir.file("ids.txt"), atomically: true, encoding: .utf8)
        let ids = try runCLI(["classify", "x.csv", "--labels", "ids.txt", "--epochs", "1", "-q"], in: dir.path)
        #expect(ReliabilityCommandTests.oneErrorLine(ids, containing: ["120 classes"]), "\(ids.stderr)")
    }

    @Test func negativeValuesAfterASpaceAreCheckedAsValues() throws {
        let lr = try runCLI(["train", "mnist", "--layers", "784-8-2", "--lr", "-1"])
        #expect(ReliabilityCommandTests.oneErrorLine(lr, containing: ["--learning-rate must be positive"]), "\(lr.stderr)")
        let threads = try runCLI(["tsne", "mnist", "--threads", "-3"])
        #expect(ReliabilityCommandTests.oneErrorLine(threads, containing: ["--threads must be at least 1, got -3"]), "\(threads.stderr)")
    }

    @Test func wideDataEmbedsAndReduces() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try ReliabilityCommandTests.csv(rows: 40, columns: 3_072) { i, j in (i * 7 + j * 13 + (i % 4) * 60) % 256 }
            .write(toFile: dir.file("wide.csv"), atomically: true, encoding: .utf8)
        let tsne = try runCLI(["tsne", "wide.csv", "--perplexity", "5", "--iterations", "50", "-q", "--out", "e.npy"], in: dir.path)
        #expect(tsne.status == 0, "\(tsne.stderr)")
        #expect(tsne.stdout.isEmpty, "LAPACK printed: \(tsne.stdout)")
        let pca = try runCLI(["pca", "wide.csv", "--components", "3", "-q", "--out", "p", "--formats", "svg"], in: dir.path)
        #expect(pca.status == 0, "\(pca.stderr)")
    }

    @Test func nonsenseIsRefusedInOneLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try ReliabilityCommandTests.csv(rows: 30, columns: 5) { i, j in (i * 3 + j) % 7 }
            .write(toFile: dir.file("five.csv"), atomically: true, encoding: .utf8)
        let scatter = try runCLI(["plot", "scatter", "five.csv", "--out", "s.png"], in: dir.path)
        #expect(ReliabilityCommandTests.oneErrorLine(scatter, containing: ["five.csv", "5 columns"]), "\(scatter.stderr)")
        let three = (0..<30).map { i in "\(i),\(i * 2 % 7),\(i % 3)" }.joined(separator: "\n") + "\n"
        try three.write(toFile: dir.file("three.csv"), atomically: true, encoding: .utf8)
        let thumbs = try runCLI(["plot", "thumbnails", "three.csv", "mnist", "--subsample", "30", "--out", "t.png"], in: dir.path)
        #expect(ReliabilityCommandTests.oneErrorLine(thumbs, containing: ["N × 2"]), "\(thumbs.stderr)")
        let cell = try runCLI(["plot", "gallery", "mnist", "--count", "4", "--cell-width", "1e9", "--out", "g.png"], in: dir.path)
        #expect(ReliabilityCommandTests.oneErrorLine(cell, containing: ["cell width"]), "\(cell.stderr)")
        let signed = ReliabilityCommandTests.csv(rows: 30, columns: 8) { i, j in (i * 5 + j) % 11 - 5 }
        try signed.write(toFile: dir.file("signed.csv"), atomically: true, encoding: .utf8)
        let bce = try runCLI(["train", "signed.csv", "--layers", "8-4-8", "--loss", "bce", "--epochs", "1", "-q"], in: dir.path)
        #expect(ReliabilityCommandTests.oneErrorLine(bce, containing: ["bce", "signed.csv"]), "\(bce.stderr)")
        let zero = try runCLI(["tsne", "mnist", "--subsample", "40", "--perplexity", "5", "--iterations", "0"], in: dir.path)
        #expect(ReliabilityCommandTests.oneErrorLine(zero, containing: ["--iterations must be at least 1"]), "\(zero.stderr)")
        let same = try runCLI(["tsne", "mnist", "--subsample", "40", "--perplexity", "5", "--iterations", "20", "--checkpoint", "e.npy", "--out", "./e.npy"], in: dir.path)
        #expect(ReliabilityCommandTests.oneErrorLine(same, containing: ["--checkpoint and --out"]), "\(same.stderr)")
        #expect(dir.contents() == ["five.csv", "signed.csv", "three.csv"])
    }

    @Test func failingFolderCommandsLeaveNoEmptyFolder() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // Values around 1e28: PCA refuses them after its folder would have been made.
        try (0..<20).map { i in (0..<4).map { j in "\(Double(i * 4 + j) * 1e27)" }.joined(separator: ",") }.joined(separator: "\n")
            .write(toFile: dir.file("huge.csv"), atomically: true, encoding: .utf8)
        let pca = try runCLI(["pca", "huge.csv", "--components", "2", "-q", "--out", "out/pca"], in: dir.path)
        #expect(ReliabilityCommandTests.oneErrorLine(pca, containing: ["too far from its column's mean"]), "\(pca.stderr)")
        let train = try runCLI(["train", "huge.csv", "--layers", "4-2-4", "--epochs", "1", "-q"], in: dir.path)
        #expect(ReliabilityCommandTests.oneErrorLine(train, containing: ["huge.csv", "too large to train on"]), "\(train.stderr)")
        let model = try runCLI(["train", "mnist", "--subsample", "30", "--layers", "784-8-2", "--epochs", "1", "-q", "--out", "m.safetensors"],
                               in: dir.path)
        #expect(model.status == 0)
        try ReliabilityCommandTests.csv(rows: 30, columns: 16) { i, j in (i + j) % 256 }.write(toFile: dir.file("x16.csv"), atomically: true, encoding: .utf8)
        let pipeline = try runCLI(["pipeline", "x16.csv", "--model", "m.safetensors", "-q", "--out", "pipe"], in: dir.path)
        #expect(pipeline.status != 0)
        #expect(dir.contents() == ["huge.csv", "m.safetensors", "x16.csv"])
    }
}
