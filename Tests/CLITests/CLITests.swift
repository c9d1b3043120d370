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
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CLIResult(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                     stderr: String(decoding: e, as: UTF8.self))
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
