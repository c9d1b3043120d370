import Foundation
import LatentMap

/// What every fuzz target shares: a scratch file per process, and the rule that a parser may
/// throw its module's error but must do nothing else (crash, hang, return NaN unannounced).
public enum Fuzz {
    /// A per-process scratch directory for targets that go through the path-based loaders.
    public static let directory: String = {
        let dir = NSTemporaryDirectory() + "latentmap-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// Writes `bytes` to the scratch file called `name` and returns its path.
    public static func file(_ name: String, _ bytes: UnsafeRawBufferPointer) -> String {
        let path = directory + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// Runs `body`, accepting any thrown `DataError` or `NetsError` (the parsers' way of saying
    /// "bad file"). Any other error means a parser leaked an unexpected failure: stop the fuzzer.
    public static func expectingDataErrors(_ body: () throws -> Void) {
        do { try body() } catch is DataError {
        } catch is NetsError {
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
        if let shape = d.imageShape { precondition(shape.pixelCount == d.samples.columns, "image shape does not match the columns") }
    }
}
