import Foundation

/// Writes files so that a reader never sees half of one: the bytes go to a temporary file
/// beside the target, which is then renamed over it. An interrupted run leaves either the old
/// file or the complete new one, plus at worst a `.name.tmp-PID` file that the next run's
/// cleanup or the user can delete.
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    /// - Throws: `OutputError.cannotWrite` naming the path and the reason.
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { tmp in
            try data.write(to: URL(fileURLWithPath: tmp))
        }
    }

    /// Writes `text` (UTF-8) to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Lets `produce` write a temporary file, then renames it to `path`.
    ///
    /// If `produce` throws, the temporary file is removed and the error passes through; the
    /// target is left as it was.
    public static func write(to path: String, _ produce: (_ temporaryPath: String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw OutputError.cannotWrite(path: path, reason: "directory \(dir) does not exist")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw OutputError.cannotWrite(path: path, reason: "it is a directory")
        }
        let tmp = temporaryPath(for: path)
        TemporaryFiles.register(tmp)
        defer { TemporaryFiles.unregister(tmp) }
        do {
            try produce(tmp)
        } catch {
            unlink(tmp)
            throw error
        }
        guard FileManager.default.fileExists(atPath: tmp) else {
            throw OutputError.cannotWrite(path: path, reason: "nothing was written")
        }
        if rename(tmp, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw OutputError.cannotWrite(path: path, reason: reason)
        }
    }

    /// The temporary name used while `path` is being written.
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = "." + url.lastPathComponent + ".tmp-\(getpid())"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }
}

/// Temporary files being written right now, so a signal handler can remove them.
public enum TemporaryFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths = Set<String>()

    static func register(_ p: String) { lock.lock(); paths.insert(p); lock.unlock() }
    static func unregister(_ p: String) { lock.lock(); paths.remove(p); lock.unlock() }

    /// Removes every temporary file still registered (called on SIGINT/SIGTERM).
    public static func removeAll() {
        lock.lock(); let all = paths; paths.removeAll(); lock.unlock()
        for p in all { unlink(p) }
    }
}
