import ArgumentParser
import LatentMap

/// Options every command that computes something takes.
struct RuntimeOptions: ParsableArguments {
    @Option(help: "Worker threads for parallel loops and OpenBLAS (results do not depend on it).")
    var threads: Int?

    @Flag(name: .shortAndLong, help: "Print no progress.")
    var quiet = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    /// Applies `--threads`.
    func apply() {
        if let threads { Parallel.threadCount = threads }
    }
}

/// Choice of the train/test part of a dataset.
extension DatasetPart: ExpressibleByArgument {}
