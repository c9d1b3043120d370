import Foundation
import Testing
import TestSupport

/// Every option that takes a value, of every command, at 0, −1, a huge value and NaN: the run
/// ends by itself (no signal, no hang, no backtrace), and a refusal is one `Error:` line.
///
/// The options are read from each command's `--help`, so a new option is swept without
/// changing this file. Each command starts from a tiny valid invocation (40 images of 4 × 4
/// pixels, one epoch, few iterations), so an accepted value finishes quickly and a refused one fails at
/// validation.
@Suite struct HostileOptionSweepTests {
    static let values = ["0", "-1", "9223372036854775807", "nan"]

    /// Options whose values name files or folders (a hostile "0" there would only be a file
    /// name) or are free text; everything else that takes a value is swept.
    static let textOptions: Set<String> = [
        "out", "labels", "values", "model", "history", "checkpoint", "resume", "confusion", "test", "test-labels",
        "codes-out", "plot", "save-map", "class-names", "title", "value-label", "x-label", "y-label", "help",
    ]

    /// A tiny valid invocation of each command (files from `Fixture`).
    static let commands: [[String]] = [
        ["info", "x-images-idx3-ubyte"],
        ["train", "x-images-idx3-ubyte", "--layers", "16-4-2", "--epochs", "1", "-q"],
        ["encode", "m.safetensors", "x-images-idx3-ubyte", "--out", "codes.npy"],
        ["decode", "m.safetensors", "codes.npy", "--out", "decoded.npy"],
        ["reconstruct", "m.safetensors", "x-images-idx3-ubyte"],
        ["tsne", "x-images-idx3-ubyte", "--iterations", "20", "--perplexity", "5", "-q"],
        ["place", "map.safetensors", "x-images-idx3-ubyte", "--iterations", "10", "-q"],
        ["plot", "scatter", "emb.npy", "--labels", "lab.txt", "--out", "s.png", "--dpi", "20"],
        ["plot", "gallery", "x-images-idx3-ubyte", "--count", "8", "--out", "g.png", "--dpi", "20"],
        ["plot", "thumbnails", "emb.npy", "x-images-idx3-ubyte", "--out", "t.png", "--dpi", "20"],
        ["plot", "loss", "h.csv", "--out", "l.png", "--dpi", "20"],
        ["plot", "confusion", "c.csv", "--out", "c.png", "--dpi", "20"],
        ["pipeline", "x-images-idx3-ubyte", "--epochs", "1", "--perplexity", "5", "--out", "pipe", "-q"],
        ["compare", "x-images-idx3-ubyte", "--epochs", "1", "--perplexity", "5", "--methods", "pca", "--out", "cmp", "-q"],
        ["classify", "x-images-idx3-ubyte", "--epochs", "1", "--hidden", "8", "-q"],
        ["sweep", "x-images-idx3-ubyte", "--latent", "2", "--encoder", "8", "--epochs", "1", "--classifier-epochs", "1",
         "--hidden", "8", "--k", "3", "--out", "sw", "--threads", "1"],
        ["pca", "x-images-idx3-ubyte", "--components", "2", "--out", "pcaout", "-q", "--formats", "svg"],
        ["anomalies", "m.safetensors", "x-images-idx3-ubyte", "--top", "4", "--out", "anom", "-q", "--formats", "svg"],
        ["interpolate", "m.safetensors", "x-images-idx3-ubyte", "--from", "0", "--to", "1", "--steps", "3", "--out", "i.png", "--dpi", "20"],
        ["walk", "m.safetensors", "x-images-idx3-ubyte", "--steps", "3", "--out", "w.png", "--dpi", "20"],
        ["sample", "m.safetensors", "x-images-idx3-ubyte", "--count", "4", "--out", "smp.png", "--dpi", "20"],
        ["cluster", "emb.npy", "--labels", "lab.txt", "--out", "clu", "-q", "--formats", "svg"],
    ]

    /// Files the base invocations read: a model, an embedding with labels, a history and a
    /// confusion matrix, made once with the CLI itself.
    struct Fixture: Sendable {
        let path: String
        func file(_ name: String) -> String { path + "/" + name }

        init() throws {
            let directory = try TemporaryDirectory()
            path = directory.path
            let d = path
            // 40 images of 4 × 4 pixels in four classes, as IDX files (labels beside the images).
            let pixels: [UInt8] = (0..<(40 * 16)).map { (k: Int) -> UInt8 in UInt8((k * 37 + (k / 16 % 4) * 50) % 256) }
            try HostileOptionSweepTests.idx(dims: [40, 4, 4], payload: pixels).write(to: URL(fileURLWithPath: directory.file("x-images-idx3-ubyte")))
            try HostileOptionSweepTests.idx(dims: [40], payload: (0..<40).map { UInt8($0 % 4) })
                .write(to: URL(fileURLWithPath: directory.file("x-labels-idx1-ubyte")))
            for args in [["train", "x-images-idx3-ubyte", "--layers", "16-4-2", "--epochs", "2", "-q",
                          "--out", "m.safetensors", "--history", "h.csv"],
                         ["encode", "m.safetensors", "x-images-idx3-ubyte", "--out", "codes.npy"],
                         ["tsne", "x-images-idx3-ubyte", "--iterations", "20", "--perplexity", "5", "-q", "--out", "emb.npy",
                          "--save-map", "map.safetensors"]] {
                let r = try runCLI(args, in: d)
                guard r.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
            }
            try (0..<40).map { String($0 % 4) }.joined(separator: "\n").write(toFile: directory.file("lab.txt"), atomically: true, encoding: .utf8)
            try "5,1,0\n2,7,1\n0,0,9\n".write(toFile: directory.file("c.csv"), atomically: true, encoding: .utf8)
        }
    }

    static let fixture = Result { try Fixture() }

    /// IDX bytes: magic (unsigned bytes, `dims.count` dimensions), big-endian sizes, payload.
    static func idx(dims: [Int], payload: [UInt8]) -> Data {
        var d = Data([0, 0, 0x08, UInt8(dims.count)])
        for v in dims { d.append(contentsOf: [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]) }
        d.append(contentsOf: payload)
        return d
    }

    /// The long options of `command` that take a value, read from its help.
    static func valueOptions(of command: [String]) throws -> [String] {
        let words = command.prefix { !$0.contains(".") && !$0.hasPrefix("x-") }
        let help = try runCLI(Array(words) + ["--help"])
        var names: [String] = []
        for line in help.stdout.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("--"), let space = trimmed.firstIndex(of: " ") else { continue }
            let option = trimmed[..<space]
            guard trimmed[space...].drop(while: { $0 == " " }).hasPrefix("<") else { continue }
            let name = String(option.dropFirst(2))
            if !textOptions.contains(name) && !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// `command` without `--option value` (when present), then with `--option value` appended.
    static func invocation(_ command: [String], option: String, value: String) -> [String] {
        var args = command
        if let i = args.firstIndex(of: "--" + option), i + 1 < args.count { args.removeSubrange(i...(i + 1)) }
        return args + ["--" + option, value]
    }

    @Test(arguments: commands)
    func everyValueOptionAtHostileValuesEndsCleanly(_ command: [String]) throws {
        let fixture = try HostileOptionSweepTests.fixture.get()
        let options = try HostileOptionSweepTests.valueOptions(of: command)
        #expect(!options.isEmpty, "no options found in the help of \(command.prefix(2))")
        let work = try TemporaryDirectory()
        defer { work.remove() }
        for name in ["m.safetensors", "codes.npy", "emb.npy", "lab.txt", "h.csv", "c.csv", "x-images-idx3-ubyte", "x-labels-idx1-ubyte",
                     "map.safetensors"] {
            try FileManager.default.copyItem(atPath: fixture.file(name), toPath: work.file(name))
        }
        for option in options {
            for value in HostileOptionSweepTests.values {
                let args = HostileOptionSweepTests.invocation(command, option: option, value: value)
                let run = try runCLI(args, in: work.path, timeout: 60)
                let shown = args.joined(separator: " ")
                #expect(!run.timedOut, "\(shown): still running after 60 s")
                #expect(!run.crashed, "\(shown): crashed: \(run.result.stderr.prefix(400))")
                if run.result.status != 0 && !run.timedOut {
                    let errors = run.result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
                    #expect(errors.count == 1, "\(shown): expected one Error: line, got: \(run.result.stderr.prefix(400))")
                    #expect(!run.result.stderr.contains("Error Domain="), "\(shown): raw Foundation error: \(run.result.stderr.prefix(300))")
                }
            }
        }
    }
}
