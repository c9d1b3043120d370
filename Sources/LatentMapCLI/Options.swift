import Foundation
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

/// The dataset a command reads, and how much of it.
struct DataOptions: ParsableArguments {
    @Argument(help: "Dataset: mnist (bundled), fashion-mnist, or a file (IDX, .npy, .npz, .csv).")
    var data: String = "mnist"

    @Option(help: "Part of a dataset with a train/test split: train, test or all.")
    var part: DatasetPart = .all

    @Option(help: "Keep only these classes, comma-separated (e.g. 1,5,6).")
    var classes: String?

    @Option(help: "Use a seeded random subset of this many samples.")
    var subsample: Int?

    func validate() throws {
        if let subsample, subsample < 1 { throw ValidationError("--subsample must be at least 1, got \(subsample)") }
        _ = try parsedClasses()
    }

    func parsedClasses() throws -> Set<Int>? {
        guard let classes else { return nil }
        var out = Set<Int>()
        for part in classes.split(separator: ",") {
            guard let v = Int(part.trimmingCharacters(in: .whitespaces)), v >= 0 else {
                throw ValidationError("--classes: '\(part)' is not a class number (expected e.g. 1,5,6)")
            }
            out.insert(v)
        }
        guard !out.isEmpty else { throw ValidationError("--classes: no class given") }
        return out
    }

    /// Loads the dataset, selects classes, then subsamples with `seed`.
    func load(seed: UInt64) throws -> Dataset {
        var d = try Dataset.load(data, part: part)
        if let c = try parsedClasses() { d = try d.selecting(classes: c) }
        if let subsample, subsample < d.count { d = d.subsampled(subsample, seed: seed) }
        return d
    }
}
