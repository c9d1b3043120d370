import Foundation
import LatentMap

/// What every fuzz target shares: a scratch file per process, and the rule that a parser may
/// throw its module's error but must do nothing else (crash, hang, return NaN unannounced).
public enum Fuzz {
    /// A per-process scratch directory for targets that go through the path-based loaders.
    public static let directory: String = {
        // In memory (/dev/shm) where there is one: on disk, writing the input was most of the time.
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()
        let dir = base + "latentmap-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // libFuzzer ends a bounded run with exit(): remove the scratch files then.
        atexit { try? FileManager.default.removeItem(atPath: Fuzz.directory) }
        return dir
    }()

    /// Writes `bytes` to the scratch file called `name` and returns its path.
    public static func file(_ name: String, _ bytes: UnsafeRawBufferPointer) -> String {
        let path = directory + "/" + name
        // Plain POSIX writes: FileManager.createFile writes atomically and syncs, which made
        // the path-based targets 50 times slower.
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot write the scratch file \(path)")
        if let base = bytes.baseAddress, !bytes.isEmpty { _ = write(fd, base, bytes.count) }
        close(fd)
        return path
    }

    /// One worker thread: waking worker threads for inputs of a few bytes cost more than the
    /// parsing, and libFuzzer runs one input at a time anyway.
    static let serial = ExecutionContext(threads: 1)

    /// Runs `body` on one thread, accepting any thrown `DataError`, `NetsError`,
    /// `SafetensorsError` or `TSNEError` (the parsers' way of saying "bad file"). Any other error
    /// means a parser leaked an unexpected failure: stop the fuzzer.
    public static func expectingDataErrors(_ body: () throws -> Void) {
        do { try serial.run(body) } catch is DataError {
        } catch is NetsError {
        } catch is SafetensorsError {
        } catch is TSNEError {
        } catch {
            fatalError("unexpected error type \(type(of: error)): \(error)")
        }
    }

    /// A loaded dataset must be internally consistent: this checks the invariants every
    /// consumer relies on, so a parser that returns garbage instead of throwing is caught too.
    public static func check(_ d: Dataset) {
        precondition(d.samples.count == d.samples.rows * d.samples.columns, "matrix storage does not match its shape")
        precondition(d.samples.isFinite, "a loaded dataset holds NaN or infinity")
        if let labels = d.labels { precondition(labels.count == d.samples.rows, "labels do not match the samples") }
        if let shape = d.imageShape { precondition(shape.count == d.samples.columns, "image shape does not match the columns") }
    }
}
