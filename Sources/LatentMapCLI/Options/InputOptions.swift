import ArgumentParser
import Foundation
import LatentMap

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
/// `--subsample`, `--labels`, `--label-column`, `--subset`/`--indices`.
struct InputOptions: ParsableArguments {
    @Argument(help: "Dataset: mnist (bundled), fashion-mnist, or a file (IDX, .npy, .npz, .csv).")
    var data: String = "mnist"

    @Option(help: "Part of a dataset with a train/test split: train, test or all.") var part: DatasetPart = .all

    @Option(help: "Keep only these classes (data and labels alike), comma-separated numbers or names (e.g. 1,5,6 or Coat,Bag).")
    var classes: String?

    @Option(help: "Use a seeded random subset of this many samples.") var subsample: Int?

    @Option(help: ArgumentHelp("Labels, one per sample: a dataset (mnist, fashion-mnist with --part), an IDX labels file, .npz, .npy, .csv or .txt; numbers or words (words become classes named by them, in sorted order). Replaces any the data has. Without it, the labels written beside a matrix are used (codes.npy → codes.labels.npy and codes.classes.txt; a label column in CSV).",
                               valueName: "labels"))
    var labels: String?

    @Option(help: ArgumentHelp("Use only the rows (0-based, in this order) listed in this file (.npy, .txt or .csv), such as train --split-out writes. Applied before --classes and --subsample.",
                               valueName: "file"))
    var subset: String?

    @Option(help: ArgumentHelp("Use only these rows (0-based, in this order), e.g. 0,5,10-20. Applied before --classes and --subsample.",
                               valueName: "list"))
    var indices: String?

    @Option(help: ArgumentHelp("CSV label column (of DATA when it is a CSV, else of the --labels file): auto, none, first, last, a 0-based index, or a header name.", valueName: "column"))
    var labelColumn: CSVLabelColumn = .automatic

    @Flag(inversion: .prefixedNo,
          help: "Deskew the images first (each one sheared upright about its centre of mass, the classic preprocessing of handwritten digits). Default: on in pipeline and compare for the bundled mnist, off otherwise; a model trained on deskewed images always deskews what it reads.")
    var deskew: Bool?

    /// True when DATA is the bundled MNIST (`mnist`), where `pipeline` and `compare` deskew by
    /// default.
    var isBundledMNIST: Bool { data.lowercased() == "mnist" }

    func validate() throws {
        if let subsample { try OptionLimits.check(subsample, "subsample", atMost: Int.max) }
        if subset != nil && indices != nil { throw CLIError.exclusive("subset", "indices") }
        _ = try rowSelection(reading: false)
        guard classTokens().map({ !$0.isEmpty }) ?? true else { throw CLIError("--classes: no class given") }
    }

    /// The `--classes` tokens (numbers or names), or nil without the option.
    func classTokens() -> [String]? { classes.map(Self.classTokens) }

    /// A `--classes` value split into its numbers or names.
    static func classTokens(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `--indices`, or (when `reading`) the file `--subset` names.
    func rowSelection(reading: Bool = true) throws -> RowSelection? {
        if let indices { return try RowSelection.parse(indices, source: "--indices") }
        if let subset, reading { return try RowSelection.load(subset) }
        return nil
    }

    /// Loads the dataset, picks `--subset`/`--indices` rows, selects classes (by number or
    /// name), subsamples with `seed`, then deskews the images when `--deskew` (or, without
    /// `--deskew`/`--no-deskew`, `deskewByDefault`) says so.
    func load(seed: UInt64, deskewByDefault: Bool = false) throws -> Dataset {
        var d = try Dataset.load(data, part: part, labels: labels, labelColumn: labelColumn)
        if let rows = try rowSelection() { d = try d.selecting(rows: rows) }
        if let tokens = classTokens() { d = try d.selecting(classes: try d.classLabels(tokens)) }
        if let subsample, subsample < d.count { d = d.subsampled(subsample, seed: seed) }
        if deskew ?? deskewByDefault {
            do { d = try d.deskewed() } catch { throw CLIError("--deskew: \(data) has no single-channel images to deskew (\(d.dimension) values per sample, no image shape)") }
        }
        return d
    }

    /// Loads the dataset with the seed of `seed`.
    func load(_ seed: SeedOptions, deskewByDefault: Bool = false) throws -> Dataset {
        try load(seed: seed.seed, deskewByDefault: deskewByDefault)
    }
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
