import ArgumentParser
import Foundation
import LatentMap

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

/// The dataset a command reads (the DATA argument), and how much of it: `--part`, `--classes`,
/// `--subsample`, `--labels`, `--label-column`.
struct InputOptions: ParsableArguments {
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
        if let subsample { try OptionLimits.check(subsample, "subsample", atMost: Int.max) }
        _ = try parsedClasses()
    }

    func parsedClasses() throws -> Set<Int>? {
        guard let classes else { return nil }
        var out = Set<Int>()
        for part in classes.split(separator: ",") {
            guard let v = Int(part.trimmingCharacters(in: .whitespaces)), v >= 0 else {
                throw CLIError("--classes: '\(part)' is not a class number (expected e.g. 1,5,6)")
            }
            out.insert(v)
        }
        guard !out.isEmpty else { throw CLIError("--classes: no class given") }
        return out
    }

    /// Loads the dataset, selects classes, then subsamples with `seed`.
    func load(seed: UInt64) throws -> Dataset {
        var d = try Dataset.load(data, part: part, labels: labels, labelColumn: labelColumn)
        if let c = try parsedClasses() { d = try d.selecting(classes: c) }
        if let subsample, subsample < d.count { d = d.subsampled(subsample, seed: seed) }
        return d
    }

    /// Loads the dataset with the seed of `seed`.
    func load(_ seed: SeedOptions) throws -> Dataset { try load(seed: seed.seed) }
}

/// The former name of `InputOptions` (kept while other files move over).
typealias DataOptions = InputOptions

/// `--seed`: one default, 1, for every command (the pipeline's), so that leaving it out always
/// means the same run.
struct SeedOptions: ParsableArguments {
    static let defaultSeed: UInt64 = 1

    @Option(help: "Random seed: every random choice of the command (initialisation, shuffling, subsets, noise, drawing order) follows from it.")
    var seed: UInt64 = SeedOptions.defaultSeed
}
