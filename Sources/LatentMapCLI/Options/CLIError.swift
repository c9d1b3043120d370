import ArgumentParser
import Foundation
import LatentMap

/// The command line's own error: a problem with what `latentmap` was asked to do (an option out
/// of range, an index past the end, a model that does not fit the data), thrown from `validate()`
/// or `run()` alike. `LatentMapCommand.main` prints it, like every other error, as one `Error:`
/// line. Library errors are not borrowed for the CLI's own checks; a library error the CLI can
/// improve (by naming the option behind it) is wrapped with `CLIError.naming(_:_:)`.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    /// `--name <message>`, e.g. `.option("epochs", "must be at least 1, got 0")`.
    static func option(_ name: String, _ message: String) -> CLIError {
        CLIError("--\(name) \(message)")
    }

    /// An option that needs another one: `--patience needs --val-split (…)`.
    static func needs(_ option: String, _ other: String, _ detail: String = "") -> CLIError {
        CLIError("--\(option) needs --\(other)" + (detail.isEmpty ? "" : " (\(detail))"))
    }

    /// Two options that do not go together.
    static func exclusive(_ options: String...) -> CLIError {
        CLIError("give at most one of " + options.map { "--\($0)" }.joined(separator: ", "))
    }

    /// `error`'s message with the option that led to it: `--option: message`.
    static func naming(_ option: String, _ error: Error) -> CLIError {
        CLIError("--\(option): \(oneLine(error))")
    }
}

/// The former name of `CLIError` (kept while other files move over).
typealias LatentCommandError = CLIError

/// Any error as the message of its one `Error:` line: a Foundation file error (which prints as
/// `Error Domain=NSCocoaErrorDomain Code=640 …`) becomes the user's path (never a hidden
/// temporary) and what happened; line breaks inside other messages become spaces.
func oneLine(_ error: Error) -> String {
    let ns = error as NSError
    if ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain {
        var path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path ?? "a file"
        // `.name.tmp-PID` → `name`: report the file the user asked for.
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        if name.hasPrefix("."), let range = name.range(of: ".tmp-", options: .backwards) {
            path = url.deletingLastPathComponent().appendingPathComponent(String(name[name.index(after: name.startIndex)..<range.lowerBound])).path
        }
        return "\(path): \(FileSystemError.reason(error))"
    }
    return String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
}

extension LatentMapCommand {
    /// The one error path. argument-parser's own errors (an unknown option, a missing value, a
    /// `ValidationError`) keep its format: an `Error:` line, then the usage. Every other error,
    /// `CLIError` or a library's, is printed as one `Error:` line.
    static func exit(reporting error: Error) -> Never {
        if error is ValidationError || error is CleanExit || error is ExitCode
            || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
            exit(withError: error)
        }
        exit(withError: CLIError(oneLine(error)))
    }
}

extension CLIError {
    /// `what: expected N, got M` (two inputs that must have one entry per point differ in length).
    static func lengthMismatch(_ what: String, expected: Int, got: Int) -> CLIError {
        CLIError("\(what): expected \(expected), got \(got)")
    }

    /// `path: cannot read: reason`.
    static func cannotRead(_ path: String, reason: String) -> CLIError {
        CLIError("\(path): cannot read: \(reason)")
    }
}
