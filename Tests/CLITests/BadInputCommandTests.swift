import Foundation
import Testing
import TestSupport

/// Degenerate data at the command line: a correct result or one clear error line, never a
/// crash, NaN or a half-written file.
@Suite struct BadInputCommandTests {
    /// `rows` CSV lines of 64 whole numbers from `value(row, column)`.
    static func csv(rows: Int, _ value: (Int, Int) -> Int) -> String {
        (0..<rows).map { i in (0..<64).map { j in String(value(i, j)) }.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    static func trainLosses(_ r: CLIResult) throws -> [Double] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return try #require(json["train_loss"] as? [Double])
    }

    @Test func trainingOnFewerSamplesThanOneBatchWorks() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try BadInputCommandTests.csv(rows: 12) { i, j in (i * 37 + j * 11) % 256 }.write(toFile: dir.file("tiny.csv"), atomically: true, encoding: .utf8)
        let r = try runCLI(["train", "tiny.csv", "--layers", "64-8-2", "--epochs", "2", "--batch", "128", "--json", "-q",
                            "--out", "m.safetensors"], in: dir.path)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let losses = try BadInputCommandTests.trainLosses(r)
        #expect(losses.count == 2 && losses.allSatisfy { $0.isFinite && $0 > 0 })
        #expect(dir.contents() == ["m.safetensors", "tiny.csv"])
    }

    @Test func trainingOnZeroVarianceImagesGivesFiniteLosses() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try BadInputCommandTests.csv(rows: 40) { _, _ in 0 }.write(toFile: dir.file("zeros.csv"), atomically: true, encoding: .utf8)
        let r = try runCLI(["train", "zeros.csv", "--layers", "64-8-2", "--epochs", "2", "--json", "-q"], in: dir.path)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(try BadInputCommandTests.trainLosses(r).allSatisfy(\.isFinite))
    }

    @Test func scatterOfAnEmbeddingWithNaNIsOneErrorLineAndNoFigure() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try "x,y\n1,2\nnan,3\n4,5\n".write(toFile: dir.file("emb.csv"), atomically: true, encoding: .utf8)
        let r = try runCLI(["plot", "scatter", "emb.csv", "--out", "s.svg"], in: dir.path)
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("emb.csv") && r.stderr.contains("NaN"))
        #expect(dir.contents() == ["emb.csv"])
    }

    @Test func tsneOnFewerPointsThanThreePerplexitiesUsesThemAllOrRefusesAtNMinusOne() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // 20 points: perplexity 10 (N < 3·perplexity) runs over all 19 others; 30 is refused.
        try BadInputCommandTests.csv(rows: 20) { i, j in (i * 53 + j * 7) % 256 }.write(toFile: dir.file("few.csv"), atomically: true, encoding: .utf8)
        let ok = try runCLI(["tsne", "few.csv", "--perplexity", "10", "--iterations", "50", "--json", "-q"], in: dir.path)
        #expect(ok.status == 0, "stderr: \(ok.stderr)")
        #expect(ok.stdout.contains("\"finite\":true"))
        let refused = try runCLI(["tsne", "few.csv", "--perplexity", "30", "-q"], in: dir.path)
        #expect(refused.status != 0)
        #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains("below 19"))
    }
}
