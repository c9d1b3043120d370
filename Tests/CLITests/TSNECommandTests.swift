import Foundation
import Testing
import TestSupport

@Suite struct TSNECommandTests {
    @Test func smallRunPrintsOneJSONLineWithKLAndMetrics() throws {
        let r = try runCLI(["tsne", "mnist", "--subsample", "300", "--perplexity", "10", "--iterations", "200", "--exaggeration-iterations", "50",
                            "--metrics", "--json", "-q"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(json["n"] as? Int == 300)
        #expect(json["input_dims"] as? Int == 50)          // 784 pixels reduced to 50 by default
        let kl = try #require(json["kl"] as? Double)
        #expect(kl > 0 && kl.isFinite)
        let acc = try #require(json["knn10_acc"] as? Double)
        #expect(acc > 0.5)
        #expect(json["trust10"] as? Double ?? 0 > 0.8)
        #expect(r.stderr.isEmpty)                           // -q: nothing on stderr
    }

    @Test func progressAndTimingsGoToStandardError() throws {
        let r = try runCLI(["tsne", "mnist", "--subsample", "100", "--perplexity", "5", "--iterations", "50"])
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("affinities"))
        #expect(r.stderr.contains("KL"))
    }

    @Test func tooLargePerplexityIsOneErrorLineNamingTheAllowedValues() throws {
        let r = try runCLI(["tsne", "mnist", "--subsample", "20", "--perplexity", "30", "-q"])
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(r.stderr.contains("perplexity 30 is too large for 20 points"))
        #expect(r.stderr.contains("below 19"))
    }

    @Test func badChoicesAreRejectedBeforeAnyWork() throws {
        for args in [["--method", "fft"], ["--dims", "4"], ["--learning-rate", "-3"], ["--out", "x.txt"]] {
            let r = try runCLI(["tsne", "mnist"] + args)
            #expect(r.status != 0, "\(args) was accepted")
            #expect(!r.stderr.isEmpty)
        }
    }
}
