import Foundation

/// Reads whole input files the same way in every module, so every reader reports the same
/// reasons in one line: no such file, a directory, not a regular file (a FIFO or device),
/// permission denied, or what the file system said.
///
/// ```swift
/// do { let bytes = try FileContents.read("model.safetensors") }
/// catch let failure as FileContents.Failure { print("model.safetensors: cannot read: \(failure.reason)") }
/// ```
public enum FileContents {
    /// Why a file could not be read.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        /// What is wrong, e.g. "it is a directory".
        public let reason: String
        /// True when nothing exists at the path.
        public let isMissing: Bool
        public var description: String { reason }
    }

    /// The bytes of `path`, memory-mapped when `mapped` (the default).
    /// - Throws: `Failure` when the path is missing, not a regular file, or unreadable.
    public static func read(_ path: String, mapped: Bool = true) throws -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            throw Failure(reason: FileSystemError.reason(errno: code), isMissing: code == ENOENT)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw Failure(reason: "it is a directory", isMissing: false)
        default: throw Failure(reason: "not a regular file", isMissing: false)
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: mapped ? .alwaysMapped : [])
        } catch {
            throw Failure(reason: FileSystemError.reason(error), isMissing: false)
        }
    }

    /// The text of `path` as UTF-8.
    /// - Throws: `Failure` as `read`, or with "not UTF-8 text".
    public static func text(_ path: String) throws -> String {
        let data = try read(path, mapped: false)
        guard let text = String(data: data, encoding: .utf8) else { throw Failure(reason: "not UTF-8 text", isMissing: false) }
        return text
    }
}
