import Foundation
import Testing
import TestSupport

private func jsonLine(_ r: CLIResult) throws -> [String: Any] {
    let lines = r.stdout.split(separator: "\n")
    #expect(lines.count == 1, "stdout: \(r.stdout)")
    return try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
}

@Suite struct NeighborsCommandTests {
    @Test func approximateNeighboursReportTheirRecallWhenAsked() throws {
        let r = try runCLI(["neighbors", "mnist", "--subsample", "1500", "--k", "30", "--search", "approximate",
                            "--recall", "all", "--json", "-q"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let json = try jsonLine(r)
        #expect(json["search"] as? String == "approximate")
        #expect(json["n"] as? Int == 1500 && json["dims"] as? Int == 50)
        #expect(json["recall"] as? Double ?? 0 >= 0.98)
        #expect(json["recall_points"] as? Int == 1500)
        // Without --recall no exact search runs and no recall is printed.
        let plain = try jsonLine(try runCLI(["neighbors", "mnist", "--subsample", "1500", "--k", "30", "--json", "-q"]))
        #expect(plain["recall"] == nil)
        #expect(plain["search"] as? String == "exact")                // auto, below the crossover
    }

    @Test func tsneSaysWhichNeighbourSearchItUsed() throws {
        for (choice, expected) in [("approximate", "approximate"), ("auto", "exact")] {
            let r = try runCLI(["tsne", "mnist", "--subsample", "300", "--perplexity", "10", "--iterations", "20",
                                "--exaggeration-iterations", "10", "--method", "barnes-hut", "--neighbor-search", choice, "--json", "-q"])
            #expect(r.status == 0, "stderr: \(r.stderr)")
            #expect(try jsonLine(r)["neighbor_search"] as? String == expected)
        }
        let exact = try runCLI(["tsne", "mnist", "--subsample", "100", "--perplexity", "5", "--iterations", "5",
                                "--method", "exact", "--json", "-q"])
        #expect(try jsonLine(exact)["neighbor_search"] as? String == "all-pairs")
        // Progress of the preparation stages goes to standard error.
        let loud = try runCLI(["tsne", "mnist", "--subsample", "300", "--perplexity", "10", "--iterations", "5",
                               "--method", "barnes-hut", "--neighbor-search", "approximate"])
        #expect(loud.status == 0)
        #expect(loud.stderr.contains("neighbours: indexing") && loud.stderr.contains("affinities: done"))
    }

    @Test func augmentWritesTheSameBytesForAnyThreadCount() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        for threads in ["1", "2"] {
            let r = try runCLI(["augment", "mnist", "--count", "12000", "--threads", threads, "--out", dir.file("a\(threads).npy"),
                                "--labels-out", dir.file("l\(threads).npy"), "-q"])
            #expect(r.status == 0, "stderr: \(r.stderr)")
        }
        let one = try Data(contentsOf: URL(fileURLWithPath: dir.file("a1.npy")))
        let two = try Data(contentsOf: URL(fileURLWithPath: dir.file("a2.npy")))
        #expect(one == two)
        #expect(one.count > 12000 * 784)
        // The copies beyond the 10,000 sources are augmented: they differ from their sources.
        let header = one.count - 12000 * 784
        let source = one[(header + 5 * 784)..<(header + 6 * 784)], copy = one[(header + 10_005 * 784)..<(header + 10_006 * 784)]
        #expect(source != copy)
        // The augmented file loads as a labelled image dataset.
        let info = try runCLI(["info", dir.file("a1.npy"), "--labels", dir.file("l1.npy")])
        #expect(info.status == 0, "stderr: \(info.stderr)")
        #expect(info.stdout.contains("12000"))
    }

    @Test func badOptionsAreOneErrorLine() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let cases: [([String], String)] = [
            (["neighbors", "mnist", "--neighbors", "0"], "--neighbors"),
            (["neighbors", "mnist", "--k", "0"], "--neighbors"),
            (["neighbors", "mnist", "--recall", "some"], "--recall"),
            (["neighbors", "mnist", "--links", "1"], "--links"),
            (["neighbors", "mnist", "--subsample", "20", "--neighbors", "30"], "--neighbors 30"),
            (["tsne", "mnist", "--neighbor-search", "fast"], "--neighbor-search"),
            (["augment", "mnist", "--count", "0", "--out", dir.file("x.npy")], "--count"),
            (["augment", "mnist", "--out", dir.file("x.png")], "--out"),
            (["augment", "mnist", "--rotation", "-3", "--out", dir.file("x.npy")], "--rotation"),
        ]
        for (arguments, named) in cases {
            let r = try runCLI(arguments + ["-q"])
            #expect(r.status != 0, "\(arguments)")
            #expect(r.stderr.contains(named), "\(arguments): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }.count == 1, "\(arguments): \(r.stderr)")
        }
        #expect(dir.contents().isEmpty)
    }
}
