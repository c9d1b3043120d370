import Foundation
import Testing
import TestSupport

@Suite struct TrainResumeTests {
    let common = ["train", "mnist", "--subsample", "200", "--layers", "784-16-3", "--batch", "50", "--seed", "4",
                  "--prior", "swissroll", "--lambda", "0.2", "--sigma", "1", "--noise", "0.1", "-q"]

    @Test func aResumedRunWritesTheSameModelFileAsAnUninterruptedOne() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let whole = try runCLI(common + ["--epochs", "4", "--out", "whole.safetensors"], in: dir.path)
        #expect(whole.status == 0, "\(whole.stderr)")
        let first = try runCLI(common + ["--epochs", "2", "--checkpoint", "ck.safetensors"], in: dir.path)
        #expect(first.status == 0, "\(first.stderr)")
        let rest = try runCLI(common + ["--epochs", "4", "--resume", "ck.safetensors", "--out", "resumed.safetensors",
                                        "--history", "h.csv"], in: dir.path)
        #expect(rest.status == 0, "\(rest.stderr)")
        let a = try Data(contentsOf: URL(fileURLWithPath: dir.file("whole.safetensors")))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir.file("resumed.safetensors")))
        #expect(a == b)
        let csv = try String(contentsOfFile: dir.file("h.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 5)                 // header + all four epochs
        // The checkpointed first run had no --out: its model went to the default path.
        #expect(dir.contents() == ["ck.safetensors", "h.csv", "mnist-784-16-3.safetensors", "resumed.safetensors", "whole.safetensors"])
    }

    @Test(arguments: [
        (["--layers", "784-16-4", "--prior", "swissroll"], "--prior swissroll needs a 3-value code, the model's code has 4"),
        (["--layers", "784-16-1", "--prior", "gmm"], "--prior gmm needs a code of at least 2 values"),
        (["--layers", "784-16-3", "--lambda", "0.1"], "--lambda and --sigma need --prior"),
        (["--layers", "784-16-3", "--prior", "gaussian", "--sigma", "0"], "--sigma must be positive"),
        (["--layers", "784-16-3", "--prior", "banana"], "banana"),
        (["--layers", "784-16-3", "--checkpoint-every", "2"], "--checkpoint-every needs --checkpoint"),
        (["--layers", "784-16-3", "--checkpoint", "ck.bin"], "--checkpoint must end in .safetensors"),
        (["--layers", "784-16-3", "--resume", "missing.safetensors"], "missing.safetensors"),
    ])
    func badPriorAndCheckpointOptionsAreOneErrorLine(arguments: [String], message: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let r = try runCLI(["train", "mnist", "--subsample", "50", "--epochs", "1", "-q"] + arguments, in: dir.path)
        #expect(r.status != 0)
        // One error line (option errors found while parsing are followed by ArgumentParser's usage hint).
        let first = try #require(r.stderr.split(separator: "\n").first)
        #expect(first.hasPrefix("Error: ") && first.contains(message), "\(r.stderr)")
        #expect(dir.contents().isEmpty)
    }

    @Test func resumingWithAnotherArchitectureOrSeedNamesTheCheckpointAndTheDifference() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let base = ["train", "mnist", "--subsample", "100", "--batch", "50", "-q"]
        let first = try runCLI(base + ["--layers", "784-8-2", "--epochs", "1", "--checkpoint", "ck.safetensors"], in: dir.path)
        #expect(first.status == 0, "\(first.stderr)")
        let arch = try runCLI(base + ["--layers", "784-16-2", "--epochs", "2", "--resume", "ck.safetensors"], in: dir.path)
        #expect(arch.status != 0)
        #expect(arch.stderr.split(separator: "\n").count == 1)
        #expect(arch.stderr.contains("ck.safetensors") && arch.stderr.contains("architecture"), "\(arch.stderr)")
        let seed = try runCLI(base + ["--layers", "784-8-2", "--epochs", "2", "--seed", "9", "--resume", "ck.safetensors"], in: dir.path)
        #expect(seed.status != 0)
        #expect(seed.stderr.contains("seed was 1, now 9"), "\(seed.stderr)")
        let model = try runCLI(base + ["--layers", "784-8-2", "--epochs", "1", "--out", "m.safetensors"], in: dir.path)
        #expect(model.status == 0)
        let wrong = try runCLI(base + ["--layers", "784-8-2", "--epochs", "2", "--resume", "m.safetensors"], in: dir.path)
        #expect(wrong.stderr.contains("m.safetensors") && wrong.stderr.contains("not a training checkpoint"), "\(wrong.stderr)")
    }

    @Test func anInterruptedRunKeepsACompleteCheckpointAndSaysSo() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let process = Process()
        process.executableURL = productsDirectory().appendingPathComponent("latentmap")
        process.arguments = ["train", "mnist", "--subsample", "2000", "--layers", "784-64-3", "--batch", "32", "--epochs", "1000",
                             "--checkpoint", "ck.safetensors"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.runSerially()
        // Interrupt once the first checkpoint exists (checked every 50 ms, for at most 5 minutes).
        for _ in 0..<6000 where process.isRunning && !FileManager.default.fileExists(atPath: dir.file("ck.safetensors")) {
            usleep(50_000)
        }
        process.interrupt()
        let stderr = String(decoding: err.fileHandleForReading.readAllRetryingInterrupts(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(dir.contents() == ["ck.safetensors"], "\(dir.contents())")
        #expect(stderr.contains("checkpoint of epoch 1 saved to ck.safetensors"), "\(stderr)")
        #expect(stderr.contains("interrupted"), "\(stderr)")
        // The checkpoint is complete: it parses, and only the requested epoch count is refused.
        let resumed = try runCLI(["train", "mnist", "--subsample", "2000", "--layers", "784-64-3", "--batch", "32", "--epochs", "1",
                                  "--resume", "ck.safetensors", "-q"], in: dir.path)
        #expect(resumed.status != 0)
        #expect(resumed.stderr.contains("ck.safetensors: the checkpoint already has"), "\(resumed.stderr)")
    }
}
