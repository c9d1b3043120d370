import Foundation

/// Writes files so that a reader never sees half of one: the bytes go to a temporary file
/// beside the target, are flushed to the disk (`fsync`, every `write` and `close` checked),
/// and only then is the temporary renamed over the target. A failed write (disk full,
/// read-only file system) leaves the previous file as it was and names the user's path, never
/// the temporary one. An interrupted run leaves either the old file or the complete new one;
/// a `.name.tmp-PID` file left by a killed process is removed by the next write of the same
/// file once no process with that PID is alive.
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    /// - Throws: `OutputError.cannotWrite` naming the path and the reason.
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { tmp in
            try writeAll(data, toNewFile: tmp, reportingAs: path)
        }
    }

    /// Writes `text` (UTF-8) to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Lets `produce` write a temporary file, checks that it reached the disk, then renames it
    /// to `path`.
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
        removeStaleTemporaries(of: path)
        let tmp = temporaryPath(for: path)
        TemporaryFiles.register(tmp)
        defer { TemporaryFiles.unregister(tmp) }
        do {
            try produce(tmp)
            guard FileManager.default.fileExists(atPath: tmp) else {
                throw OutputError.cannotWrite(path: path, reason: "nothing was written")
            }
            try synchronize(tmp, reportingAs: path)
        } catch {
            if unlink(tmp) != 0 && errno == EISDIR { try? FileManager.default.removeItem(atPath: tmp) }
            throw error
        }
        if rename(tmp, path) != 0 {
            let reason = FileSystemError.reason(errno: errno)
            unlink(tmp)
            throw OutputError.cannotWrite(path: path, reason: reason)
        }
    }

    /// The temporary name used while `path` is being written.
    public static func temporaryPath(for path: String) -> String {
        temporaryPath(for: path, pid: getpid())
    }

    static func temporaryPath(for path: String, pid: Int32) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(temporaryPrefix(for: path) + "\(pid)").path
    }

    private static func temporaryPrefix(for path: String) -> String {
        "." + URL(fileURLWithPath: path).lastPathComponent + ".tmp-"
    }

    /// Removes `.name.tmp-PID` files beside `path` whose process is no longer alive (left by a
    /// run killed with SIGKILL or a power cut). A live process's temporary is never touched.
    static func removeStaleTemporaries(of path: String) {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let prefix = temporaryPrefix(for: path)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid > 0, pid != getpid() else { continue }
            // kill(pid, 0) fails with ESRCH only when no such process exists.
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink((dir as NSString).appendingPathComponent(name))
            }
        }
    }

    /// Creates `tmp` and writes all of `data` to it with checked `write` calls (the file is
    /// flushed and closed by `synchronize`).
    static func writeAll(_ data: Data, toNewFile tmp: String, reportingAs path: String) throws {
        let fd = TemporaryFiles.create(tmp)
        guard fd >= 0 else { throw OutputError.cannotWrite(path: path, reason: FileSystemError.reason(errno: errno)) }
        var failure: Int32 = 0
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard var p = raw.baseAddress else { return }
            var left = raw.count
            while left > 0 {
                let n = Foundation.write(fd, p, min(left, 1 << 30))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if n == 0 { failure = ENOSPC; return }
                p += n
                left -= n
            }
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure != 0 { throw OutputError.cannotWrite(path: path, reason: FileSystemError.reason(errno: failure)) }
    }

    /// Flushes `tmp` to the disk (`fsync`) and checks the result: a full disk or an I/O error
    /// that the writer's buffered writes did not report shows up here, before the rename.
    static func synchronize(_ tmp: String, reportingAs path: String) throws {
        var info = stat()
        guard stat(tmp, &info) == 0 else {
            throw OutputError.cannotWrite(path: path, reason: FileSystemError.reason(errno: errno))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw OutputError.cannotWrite(path: path, reason: "the temporary file is not a regular file")
        }
        let fd = open(tmp, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw OutputError.cannotWrite(path: path, reason: FileSystemError.reason(errno: errno)) }
        var failure: Int32 = 0
        if fsync(fd) != 0 { failure = errno }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure != 0 { throw OutputError.cannotWrite(path: path, reason: FileSystemError.reason(errno: failure)) }
    }
}

/// Temporary files being written right now, so a signal handler can remove them.
public enum TemporaryFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths = Set<String>()

    /// Set by `removeAll`: the process is exiting, so no new temporary may appear.
    nonisolated(unsafe) private static var closed = false

    static func register(_ p: String) { lock.lock(); paths.insert(p); lock.unlock() }
    static func unregister(_ p: String) { lock.lock(); paths.remove(p); lock.unlock() }

    /// Creates `p` for writing (a file descriptor, or −1 with `errno`), under the same lock
    /// as `removeAll`: a signal either comes first (and nothing is created, `EINTR`) or finds
    /// the file and removes it, so none is left behind by an interrupted run.
    static func create(_ p: String) -> Int32 {
        lock.lock()
        guard !closed else { lock.unlock(); errno = EINTR; return -1 }
        let fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        let code = errno
        lock.unlock()
        errno = code
        return fd
    }

    /// Removes every temporary file still registered (called on SIGINT/SIGTERM); none can be
    /// created afterwards.
    public static func removeAll() {
        lock.lock(); closed = true; let all = paths; paths.removeAll(); lock.unlock()
        for p in all { unlink(p) }
    }
}

/// A folder a command writes its outputs into: created with any missing parents, and removed
/// again by `removeIfEmpty()` when the command failed before writing anything into it, so a
/// refused run leaves no empty folder behind.
///
/// ```swift
/// let folder = try OutputFolder(creating: "out")
/// defer { folder.removeIfEmpty() }       // keeps it once a file is in it
/// ```
public struct OutputFolder: Sendable {
    /// The folder's path as given.
    public let path: String
    /// The folders this call created, deepest first.
    private let created: [String]

    /// Creates `path` (and missing parents) unless it is already a folder.
    /// - Throws: `OutputError.cannotWrite` naming `path` when it is a file or cannot be created.
    public init(creating path: String) throws {
        self.path = path
        var missing: [String] = []
        var url = URL(fileURLWithPath: path).standardizedFileURL
        var isDir: ObjCBool = false
        while !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && url.path != "/" {
            missing.append(url.path)
            url = url.deletingLastPathComponent()
        }
        if missing.isEmpty && !isDir.boolValue {
            throw OutputError.cannotWrite(path: path, reason: "it is a file, not a folder")
        }
        if !missing.isEmpty && !isDir.boolValue {
            throw OutputError.cannotWrite(path: path, reason: "\(url.path) is a file, not a folder")
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw OutputError.cannotWrite(path: path, reason: FileSystemError.reason(error))
        }
        created = missing
    }

    /// Removes the folders `init` created that are still empty (deepest first).
    public func removeIfEmpty() {
        for folder in created where (try? FileManager.default.contentsOfDirectory(atPath: folder))?.isEmpty == true {
            rmdir(folder)
        }
    }
}
