import Foundation
import Testing
import TestSupport

/// Runs every shell session of docs/workflows.md as written (with one training epoch, `E=1`),
/// so the documented workflows cannot drift from the CLI: each must succeed and write every file
/// it names after `--out`, `--gallery` or `--split-out`.
@Suite struct WorkflowSessionsTests {
    /// A session: its heading number and its shell lines.
    struct Session: CustomTestStringConvertible, Sendable {
        var number: Int
        var script: String
        var testDescription: String { "session \(number)" }

        /// The paths the session's commands are asked to write (continuation lines joined).
        var outputs: [String] {
            let words = script.replacingOccurrences(of: "\\\n", with: " ")
                .split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
            return zip(words, words.dropFirst()).compactMap { ["--out", "--gallery", "--split-out"].contains($0) ? $1 : nil }
        }
    }

    static let documentPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/workflows.md").standardizedFileURL.path

    /// The `sh` blocks of docs/workflows.md, each under its `## N.` heading.
    static func sessions() throws -> [Session] {
        let lines = try String(contentsOfFile: documentPath, encoding: .utf8).components(separatedBy: "\n")
        var sessions: [Session] = [], number: Int?, block: [String]?
        for line in lines {
            if line.hasPrefix("## "), let n = Int(line.dropFirst(3).prefix(while: \.isNumber)) { number = n }
            if line == "```sh" { block = []; continue }
            if line == "```", let body = block, let n = number {
                sessions.append(Session(number: n, script: body.joined(separator: "\n") + "\n")); block = nil; continue
            }
            block?.append(line)
        }
        return sessions
    }

    /// A small table in the shape session 6 describes: four measurements and a word label.
    static func writeFlowers(to path: String) throws {
        let centres: [(String, [Double])] = [("setosa", [5.0, 3.4, 1.5, 0.2]), ("versicolor", [5.9, 2.8, 4.3, 1.3]),
                                             ("virginica", [6.6, 3.0, 5.6, 2.0])]
        var state: UInt64 = 12345
        func jitter() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Double(state >> 11) / Double(1 << 53) - 0.5) * 0.6
        }
        var rows = ["sepal_length,sepal_width,petal_length,petal_width,species"]
        for i in 0..<90 {
            let (name, centre) = centres[i % 3]
            rows.append(centre.map { String(format: "%.2f", $0 + jitter()) }.joined(separator: ",") + "," + name)
        }
        try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func theDocumentHasEverySession() throws {
        let sessions = try Self.sessions()
        #expect(sessions.map(\.number) == Array(1...7))
        #expect(sessions.allSatisfy { !$0.outputs.isEmpty })
    }

    @Test(arguments: try WorkflowSessionsTests.sessions())
    func sessionRunsAsWritten(_ session: Session) throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        if session.script.contains("flowers.csv") { try Self.writeFlowers(to: dir.file("flowers.csv")) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-e", "-o", "pipefail", "-c", session.script]
        process.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = productsDirectory().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["E"] = "1"
        process.environment = environment
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.runSerially()
        let stderr = String(decoding: err.fileHandleForReading.readAllRetryingInterrupts(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "session \(session.number) failed:\n\(stderr.suffix(2000))")
        for path in session.outputs {
            let attributes = try? FileManager.default.attributesOfItem(atPath: dir.file(path))
            let isFolder = attributes?[.type] as? FileAttributeType == .typeDirectory
            let written = isFolder ? !dir.contents(of: path).isEmpty : (attributes?[.size] as? Int ?? 0) > 0
            #expect(written, "session \(session.number) did not write \(path)")
        }
    }
}

private extension TemporaryDirectory {
    func contents(of folder: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: file(folder))) ?? []
    }
}
