import Foundation
import LatentMap

/// A file a command writes after long work, checked before the work starts: a missing folder on
/// the way to it is created, and a path that cannot be written (a folder of that name, a file
/// where a folder should be, a read-only or forbidden folder) is refused now, in one `Error:`
/// line naming the option, rather than after an hour of training.
struct OutputPath {
    /// The path as given.
    let path: String
    /// The folder holding it, with the folders this check created.
    let folder: OutputFolder

    /// Checks `path`, the value of `--option`.
    /// - Throws: `CLIError` naming the option, the path and the reason.
    init(_ path: String, option: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        do {
            folder = try OutputFolder(creating: directory)
        } catch OutputError.cannotWrite(let folderPath, let reason) {
            throw CLIError("--\(option): \(path): cannot write: folder \(folderPath): \(reason)")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CLIError("--\(option): \(path): cannot write: it is a folder")
        }
        // Creating (and removing) a file beside it is the one test that sees every reason.
        let probe = directory + "/.\(url.lastPathComponent).probe-\(getpid())"
        let descriptor = open(probe, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else {
            let reason = FileSystemError.reason(errno: errno)
            folder.removeIfEmpty()
            throw CLIError("--\(option): \(path): cannot write: \(reason)")
        }
        close(descriptor)
        unlink(probe)
    }
}
