import Foundation
import Testing
import TestSupport

/// Every output format on a full (or nearly full) disk: either the complete file, or one
/// `Error:` line naming the file and saying the disk is full, with the previous file intact and
/// no temporary left. The disk is a small tmpfs the test mounts; without the right to mount
/// (not root, or no CAP_SYS_ADMIN in a container) the test is skipped with that reason.
@Suite(.serialized) struct FullDiskTests {
    /// Why a tmpfs cannot be mounted here, or nil when it can.
    static let cannotMount: String? = {
        guard let dir = try? TemporaryDirectory() else { return "no temporary directory" }
        defer { dir.remove() }
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir.path]) == 0 else {
            return "mount -t tmpfs failed (needs root with CAP_SYS_ADMIN)"
        }
        _ = run("/bin/umount", [dir.path])
        return nil
    }()

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// Free bytes on the file system holding `path`.
    static func available(_ path: String) -> Int {
        var s = statvfs()
        guard statvfs(path, &s) == 0 else { return 0 }
        return Int(s.f_bavail) * Int(s.f_frsize)
    }

    /// Fills the file system of `directory` until at most `free` bytes are left.
    static func fill(_ directory: String, leaving free: Int) {
        let path = directory + "/filler"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        let page = Data(count: 4096)
        while available(directory) > free {
            do { try handle.write(contentsOf: page) } catch { break }
        }
    }

    /// One output of each format: the arguments, with `TARGET` standing for the output file.
    static let outputs: [(name: String, arguments: [String])] = [
        ("s.pdf", ["plot", "scatter", "emb.npy", "--labels", "lab.txt", "--out", "TARGET"]),
        ("s.png", ["plot", "scatter", "emb.npy", "--labels", "lab.txt", "--out", "TARGET"]),
        ("s.svg", ["plot", "scatter", "emb.npy", "--labels", "lab.txt", "--out", "TARGET"]),
        ("e.npy", ["tsne", "mnist", "--subsample", "300", "--iterations", "20", "-q", "--out", "TARGET"]),
        ("e.csv", ["tsne", "mnist", "--subsample", "300", "--iterations", "20", "-q", "--out", "TARGET"]),
        ("c.ckpt", ["tsne", "mnist", "--subsample", "300", "--iterations", "20", "-q", "--checkpoint", "TARGET", "--checkpoint-every", "20"]),
        ("m.safetensors", ["train", "mnist", "--subsample", "30", "--layers", "784-8-2", "--epochs", "1", "-q", "--out", "TARGET"]),
        ("h.json", ["train", "mnist", "--subsample", "30", "--layers", "784-8-2", "--epochs", "60", "-q", "--history", "TARGET"]),
        ("h.csv", ["train", "mnist", "--subsample", "30", "--layers", "784-8-2", "--epochs", "60", "-q", "--history", "TARGET"]),
    ]

    @Test(.enabled(if: cannotMount == nil, "\(cannotMount ?? "")"))
    func everyOutputFormatFailsInOneLineOrIsCompleteAndKeepsThePreviousFile() throws {
        let work = try TemporaryDirectory()
        defer { work.remove() }
        let setup = try runCLI(["tsne", "mnist", "--subsample", "2000", "--iterations", "20", "-q", "--out", "emb.npy"], in: work.path)
        #expect(setup.status == 0, "\(setup.stderr)")
        try (0..<2000).map { String($0 % 10) }.joined(separator: "\n").write(toFile: work.file("lab.txt"), atomically: true, encoding: .utf8)
        let disk = work.file("disk")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: false)
        #expect(FullDiskTests.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", disk]) == 0)
        defer { FullDiskTests.run("/bin/umount", [disk]) }
        let previous = "previous contents\n"

        for (name, template) in FullDiskTests.outputs {
            // The size of the complete file, written with room to spare.
            let roomy = work.file("roomy-" + name)
            let reference = try runCLI(template.map { $0 == "TARGET" ? roomy : $0 }, in: work.path)
            #expect(reference.status == 0, "\(name): \(reference.stderr)")
            let completeSize = (try? FileManager.default.attributesOfItem(atPath: roomy)[.size] as? Int) ?? -1
            var failures = 0
            for free in [0, 4096, 16_384] {
                let target = disk + "/" + name
                try previous.write(toFile: target, atomically: false, encoding: .utf8)
                FullDiskTests.fill(disk, leaving: free)
                let run = try runCLI(template.map { $0 == "TARGET" ? target : $0 }, in: work.path, timeout: 120)
                try? FileManager.default.removeItem(atPath: disk + "/filler")
                #expect(!run.crashed && !run.timedOut, "\(name), \(free) bytes free: \(run.result.stderr)")
                let left = (try? FileManager.default.contentsOfDirectory(atPath: disk)) ?? []
                #expect(!left.contains { $0.contains(".tmp-") }, "\(name), \(free) bytes free: temporary left: \(left)")
                if run.result.status == 0 {
                    let bytes = FileManager.default.contents(atPath: target) ?? Data()
                    if name.hasPrefix("h.") {
                        // Histories hold timings, so their size varies: check they are whole.
                        let complete = name.hasSuffix(".json")
                            ? (try? JSONSerialization.jsonObject(with: bytes)) != nil
                            : String(decoding: bytes, as: UTF8.self).split(separator: "\n").count == 61
                        #expect(complete, "\(name), \(free) bytes free: exit 0 but the file is not complete")
                    } else {
                        #expect(bytes.count == completeSize, "\(name), \(free) bytes free: exit 0 but \(bytes.count) of \(completeSize) bytes")
                    }
                } else {
                    failures += 1
                    let lines = run.result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
                    #expect(lines.count == 1 && lines[0].contains(target) && lines[0].contains("the disk is full"),
                            "\(name), \(free) bytes free: \(run.result.stderr)")
                    #expect(try String(contentsOfFile: target, encoding: .utf8) == previous, "\(name): the previous file was replaced")
                }
                try? FileManager.default.removeItem(atPath: target)
            }
            #expect(failures >= 1, "\(name) was written on a full disk")
        }
    }

    @Test(.enabled(if: cannotMount == nil, "\(cannotMount ?? "")"))
    func aReadOnlyFileSystemIsNamed() throws {
        let work = try TemporaryDirectory()
        defer { work.remove() }
        let disk = work.file("ro")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: false)
        #expect(FullDiskTests.run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k,ro", "tmpfs", disk]) == 0)
        defer { FullDiskTests.run("/bin/umount", [disk]) }
        for args in [["tsne", "mnist", "--subsample", "40", "--iterations", "10", "--perplexity", "5", "-q", "--out", disk + "/e.npy"],
                     ["pca", "mnist", "--subsample", "30", "--components", "2", "-q", "--out", disk + "/pca"]] {
            let r = try runCLI(args, in: work.path)
            #expect(r.status != 0)
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(disk) && lines[0].contains("read-only"), "\(r.stderr)")
        }
    }
}
