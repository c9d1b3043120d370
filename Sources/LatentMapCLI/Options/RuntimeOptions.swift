import ArgumentParser
import Foundation
import LatentMap

/// Upper bounds of count options. Beyond them a value is a typing error: refusing it in one line
/// up front beats an overflow trap, an allocation failure or a run that never ends.
enum OptionLimits {
    /// Training epochs and t-SNE iterations.
    static let passes = 1_000_000
    /// Worker threads.
    static let threads = 1024
    /// Images per interpolation strip.
    static let steps = 1_000
    /// Images per gallery row.
    static let columns = 1_000
    /// Neighbours of a k-NN search or classifier.
    static let neighbors = 100_000

    /// Throws unless `value` is in `lower...upper`, naming `option`.
    static func check(_ value: Int, _ option: String, atLeast lower: Int = 1, atMost upper: Int) throws {
        guard value >= lower else { throw CLIError.option(option, "must be at least \(lower), got \(value)") }
        guard value <= upper else { throw CLIError.option(option, "must be at most \(upper), got \(value)") }
    }

    /// Throws unless `value` is in [0, 1) (`open`: (0, 1)), naming `option`.
    static func checkFraction(_ value: Double, _ option: String, open: Bool = false) throws {
        guard value >= 0, value < 1, !(open && value == 0) else {
            throw CLIError.option(option, "must be in \(open ? "(0, 1)" : "[0, 1)"), got \(value)")
        }
    }
}

/// True when `a` and `b` name the same file (after resolving `.`, `..` and symbolic links).
func sameFile(_ a: String, _ b: String) -> Bool {
    URL(fileURLWithPath: a).resolvingSymlinksInPath().standardizedFileURL.path
        == URL(fileURLWithPath: b).resolvingSymlinksInPath().standardizedFileURL.path
}

/// `--threads` and `-q/--quiet`: every command takes them (a test walks the command tree).
struct RuntimeOptions: ParsableArguments {
    @Option(help: "Worker threads for parallel loops and OpenBLAS (results do not depend on it).")
    var threads: Int?

    @Flag(name: .shortAndLong, help: "Print no progress.")
    var quiet = false

    func validate() throws {
        if let threads { try OptionLimits.check(threads, "threads", atMost: OptionLimits.threads) }
    }

    /// The execution context `--threads` asks for (`memoryLimit`: bytes, or nil for the
    /// available memory).
    func context(memoryLimit: Int? = nil) -> ExecutionContext {
        ExecutionContext(threads: threads, memoryLimit: memoryLimit)
    }

    /// Writes `message` on standard error unless `--quiet`.
    func note(_ message: @autoclosure () -> String) {
        if !quiet { ProgressBar.note(message()) }
    }
}

/// A command that takes `RuntimeOptions`: `LatentMapCommand.main` runs it in the execution
/// context its options describe, so every `fit` and `train` inside sees those threads and that
/// memory limit (as `ExecutionContext.current`).
protocol RunsInContext {
    var runtime: RuntimeOptions { get }
    var executionContext: ExecutionContext { get }
}

extension RunsInContext {
    var executionContext: ExecutionContext { runtime.context() }
}

extension LatentMapCommand.Train: RunsInContext {}
extension LatentMapCommand.Encode: RunsInContext {}
extension LatentMapCommand.Decode: RunsInContext {}
extension LatentMapCommand.Reconstruct: RunsInContext {}
extension LatentMapCommand.Pipeline: RunsInContext {}
extension LatentMapCommand.Compare: RunsInContext {}
extension LatentMapCommand.Classify: RunsInContext {}
extension LatentMapCommand.Sweep: RunsInContext {}
extension LatentMapCommand.PCACommand: RunsInContext {}
extension LatentMapCommand.Anomalies: RunsInContext {}
extension LatentMapCommand.Interpolate: RunsInContext {}
extension LatentMapCommand.Walk: RunsInContext {}
extension LatentMapCommand.Sample: RunsInContext {}
extension LatentMapCommand.Place: RunsInContext {}

extension LatentMapCommand.TSNECommand: RunsInContext {
    /// `--threads` and `--max-memory`.
    var executionContext: ExecutionContext { runtime.context(memoryLimit: maxMemory.flatMap(MemoryEstimate.parse)) }
}
extension LatentMapCommand.Plot.Scatter: RunsInContext {}
extension LatentMapCommand.Plot.Gallery: RunsInContext {}
extension LatentMapCommand.Plot.Thumbnails: RunsInContext {}
extension LatentMapCommand.Plot.Loss: RunsInContext {}
extension LatentMapCommand.Plot.Confusion: RunsInContext {}
extension LatentMapCommand.Plot.Interactive: RunsInContext {}
extension LatentMapCommand.Info: RunsInContext {}
extension LatentMapCommand.Augment: RunsInContext {}
extension LatentMapCommand.Neighbors: RunsInContext {}
