import Foundation
import Testing
import TestSupport

/// Runs the built `latentmap` binary and captures its output.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

func runCLI(_ arguments: [String], in directory: String? = nil) throws -> CLIResult {
    let binary = productsDirectory().appendingPathComponent("latentmap")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.runSerially()
    let o = out.fileHandleForReading.readAllRetryingInterrupts()
    let e = err.fileHandleForReading.readAllRetryingInterrupts()
    process.waitUntilExit()
    return CLIResult(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                     stderr: String(decoding: e, as: UTF8.self))
}

/// How a bounded run ended: normally (with `result`), by a signal, or killed after the timeout.
struct BoundedRun {
    var result: CLIResult
    var signalled: Bool
    var timedOut: Bool

    /// Signs of a crash in the output: a Swift runtime trap, a fatal error or a backtrace.
    var crashed: Bool {
        signalled || ["Fatal error", "Backtrac", "Program crashed", "Swift runtime failure", "Segmentation fault"]
            .contains { result.stderr.contains($0) }
    }
}

/// Runs the CLI like `runCLI`, but kills it after `timeout` seconds and reports signals.
func runCLI(_ arguments: [String], in directory: String? = nil, timeout: Double) throws -> BoundedRun {
    let process = Process()
    process.executableURL = productsDirectory().appendingPathComponent("latentmap")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    try process.runSerially()
    // Drain both pipes while waiting, so a chatty process cannot block on a full pipe.
    final class Box: @unchecked Sendable { var data = Data() }
    let o = Box(), e = Box()
    let readers = DispatchGroup()
    DispatchQueue.global().async(group: readers) { o.data = out.fileHandleForReading.readAllRetryingInterrupts() }
    DispatchQueue.global().async(group: readers) { e.data = err.fileHandleForReading.readAllRetryingInterrupts() }
    var timedOut = false
    if finished.wait(timeout: .now() + timeout) == .timedOut {
        timedOut = true
        process.terminate()
        if finished.wait(timeout: .now() + 5) == .timedOut { kill(process.processIdentifier, SIGKILL); finished.wait() }
    }
    readers.wait()
    let result = CLIResult(status: process.terminationStatus, stdout: String(decoding: o.data, as: UTF8.self),
                           stderr: String(decoding: e.data, as: UTF8.self))
    return BoundedRun(result: result, signalled: !timedOut && process.terminationReason == .uncaughtSignal, timedOut: timedOut)
}

/// The directory holding the built products (where the test bundle lives).
func productsDirectory() -> URL {
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    return Bundle.main.bundleURL
}

@Suite struct InfoCommandTests {
    @Test func infoOnBundledMNISTReportsShapeAndDigitCounts() throws {
        let r = try runCLI(["info", "mnist"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("10000 × 784"))
        for n in [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009] { #expect(r.stdout.contains("\t\(n)\t")) }
    }

    @Test func unknownDatasetIsOneErrorLineAndNonZeroExit() throws {
        let r = try runCLI(["info", "no-such-dataset"])
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(r.stderr.contains("no-such-dataset"))
    }
}
