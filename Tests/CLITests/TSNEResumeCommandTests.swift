import Foundation
import Testing
import TestSupport

/// `latentmap tsne --checkpoint/--resume/--max-memory`, and bad input at the command line.
@Suite struct TSNEResumeCommandTests {
    static let common = ["--subsample", "120", "--perplexity", "8", "--iterations", "70", "--exaggeration-iterations", "30",
                        "--pca", "10", "-q"]

    @Test(arguments: ["exact", "barnes-hut", "interpolation"])
    func resumedRunWritesTheSameBytesAsAnUninterruptedOne(method: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let args = ["tsne", "mnist", "--method", method] + TSNEResumeCommandTests.common
        let full = try runCLI(args + ["--out", "full.npy", "--checkpoint", "run.ckpt", "--checkpoint-every", "25"], in: dir.path)
        #expect(full.status == 0, "stderr: \(full.stderr)")
        // The last checkpoint (iteration 50) stays; resuming from it must give the same file.
        let resumed = try runCLI(args + ["--out", "resumed.npy", "--resume", "run.ckpt", "--threads", "1"], in: dir.path)
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
        let a = try Data(contentsOf: URL(fileURLWithPath: dir.file("full.npy")))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir.file("resumed.npy")))
        #expect(a.count > 120 * 2 * 4)
        #expect(a == b)
        #expect(dir.contents() == ["full.classes.txt", "full.labels.npy", "full.npy", "resumed.classes.txt", "resumed.labels.npy",
                                   "resumed.npy", "run.ckpt"], "no temporary files are left")
    }

    @Test func anInterruptedRunKeepsItsLastCheckpointAndResumesToTheUninterruptedBytes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let args = ["tsne", "mnist", "--subsample", "600", "--perplexity", "10", "--method", "barnes-hut", "--iterations", "100000", "-q"]
        let process = Process()
        process.executableURL = productsDirectory().appendingPathComponent("latentmap")
        process.arguments = args + ["--checkpoint", "run.ckpt", "--checkpoint-every", "20", "--out", "never.npy"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.runSerially()
        // Interrupt once a checkpoint exists (checked every 50 ms, for at most 5 minutes).
        for _ in 0..<6000 where process.isRunning && !FileManager.default.fileExists(atPath: dir.file("run.ckpt")) {
            usleep(50_000)
        }
        process.interrupt()
        let stderr = String(decoding: err.fileHandleForReading.readAllRetryingInterrupts(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + SIGINT)
        #expect(dir.contents() == ["run.ckpt"], "only the complete checkpoint is left: \(dir.contents())")
        #expect(stderr.contains("kept the t-SNE checkpoint of iteration") && stderr.contains("--resume run.ckpt"), "\(stderr)")
        // Resuming it with a total of the checkpoint's iteration + 30 gives the bytes of one run that long.
        let saved = try Data(contentsOf: URL(fileURLWithPath: dir.file("run.ckpt")))
        let header = String(decoding: saved.prefix(400), as: UTF8.self)
        let at = try #require(header.range(of: "\"iteration\":").map { header[$0.upperBound...].prefix { $0.isNumber } }.flatMap { Int($0) })
        let total = ["--iterations", String(at + 30)]
        let short = Array(args.dropLast(3)) + ["-q"]
        #expect(try runCLI(short + total + ["--resume", "run.ckpt", "--out", "resumed.npy"], in: dir.path).status == 0)
        #expect(try runCLI(short + total + ["--out", "whole.npy"], in: dir.path).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("resumed.npy")))
                == Data(contentsOf: URL(fileURLWithPath: dir.file("whole.npy"))))
    }

    @Test func resumingWithOtherSettingsIsOneErrorLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let args = ["tsne", "mnist"] + TSNEResumeCommandTests.common
        #expect(try runCLI(args + ["--checkpoint", "run.ckpt", "--checkpoint-every", "40"], in: dir.path).status == 0)
        let r = try runCLI(args + ["--resume", "run.ckpt", "--exaggeration", "4"], in: dir.path)
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("checkpoint does not belong to this run") && r.stderr.contains("exaggeration"))
    }

    @Test func aDamagedOrMissingCheckpointIsOneErrorLineNamingIt() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Data("LMTSNEC1 but then nothing sensible".utf8).write(to: URL(fileURLWithPath: dir.file("bad.ckpt")))
        for name in ["bad.ckpt", "missing.ckpt"] {
            let r = try runCLI(["tsne", "mnist", "--resume", name, "-q"], in: dir.path)
            #expect(r.status != 0)
            #expect(r.stderr.split(separator: "\n").count == 1)
            #expect(r.stderr.contains("\(name): not a usable t-SNE checkpoint"))
        }
    }

    @Test func aMemoryLimitBelowTheEstimateRefusesBeforeAnyWork() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let r = try runCLI(["tsne", "mnist", "--subsample", "500", "--method", "exact", "--max-memory", "1M", "--out", "y.npy", "-q"],
                           in: dir.path)
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("needs about") && r.stderr.contains("only 1.0 MB is available"))
        #expect(dir.contents().isEmpty)
        let bad = try runCLI(["tsne", "mnist", "--max-memory", "plenty"])
        #expect(bad.status != 0 && bad.stderr.contains("--max-memory"))
    }

    @Test func nonFiniteOrIdenticalInputIsOneErrorLineNamingTheProblem() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var rows = (0..<30).map { i in (0..<4).map { j in String(Float(i * 4 + j) / 7) }.joined(separator: ",") }
        rows[12] = "1,2,nan,4"
        try rows.joined(separator: "\n").write(toFile: dir.file("nan.csv"), atomically: true, encoding: .utf8)
        try String(repeating: "1,2,3\n", count: 30).write(toFile: dir.file("same.csv"), atomically: true, encoding: .utf8)
        for (file, message) in [("nan.csv", "NaN"), ("same.csv", "identical")] {
            let r = try runCLI(["tsne", file, "--perplexity", "5", "--label-column", "none", "-q"], in: dir.path)
            #expect(r.status != 0)
            #expect(r.stderr.split(separator: "\n").count == 1, "\(file): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(file): \(r.stderr)")
        }
    }
}
