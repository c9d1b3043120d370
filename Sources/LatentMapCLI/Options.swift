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

    /// The execution context `--threads` asks for (`memoryLimit`: bytes, or nil for the
    /// available memory).
    func context(memoryLimit: Int? = nil) -> ExecutionContext {
        ExecutionContext(threads: threads, memoryLimit: memoryLimit)
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

/// Choice of the train/test part of a dataset.
extension DatasetPart: ExpressibleByArgument {}

/// `--label-column`: `auto`, `none`, `first`, `last`, a 0-based index (negative counts from
/// the end), or a header name.
extension CSVLabelColumn: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "auto", "automatic": self = .automatic
        case "none": self = .none
        case "first": self = .index(0)
        case "last": self = .index(-1)
        default: self = Int(argument).map { .index($0) } ?? .name(argument)
        }
    }

    public var defaultValueDescription: String {
        switch self {
        case .automatic: return "auto"
        case .none: return "none"
        case .index(let i): return String(i)
        case .name(let n): return n
        }
    }
}

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

    @Option(help: ArgumentHelp("Labels for the data file (.npy, .csv or .txt, one per sample); replaces any it has.",
                               valueName: "file"))
    var labels: String?

    @Option(help: ArgumentHelp("CSV label column: auto, none, first, last, a 0-based index, or a header name.",
                               valueName: "column"))
    var labelColumn: CSVLabelColumn = .automatic

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
        var d = try Dataset.load(data, part: part, labels: labels, labelColumn: labelColumn)
        if let c = try parsedClasses() { d = try d.selecting(classes: c) }
        if let subsample, subsample < d.count { d = d.subsampled(subsample, seed: seed) }
        return d
    }
}

/// A problem with what a latent-space command was asked to do, found while running it (an
/// index out of range, a model that does not fit the data); printed as one line.
struct LatentCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The dataset's samples, after checking that they fit the model (one error line if not).
func modelInputs(_ dataset: Dataset, for model: Autoencoder, path: String) throws -> Matrix {
    guard dataset.dimension == model.inputSize else {
        throw LatentCommandError("\(dataset.name) has \(dataset.dimension) values per sample but \(path) expects \(model.inputSize)")
    }
    return dataset.samples
}
