import ArgumentParser
import Foundation
import LatentMap

enum PaletteChoice: String, ExpressibleByArgument, CaseIterable {
    case tab10, colorblind
    var palette: Palette { self == .tab10 ? .tab10 : .colorBlindSafe }
}

/// How the points of a map are coloured: by class (`--labels`, `--class-names`, `--palette`) or
/// by a value with a colour bar (`--values`, `--value-label`). `plot scatter` and
/// `plot interactive` take them.
struct PointColorOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Class labels, one per point (a dataset, IDX, .npy, .npz, .csv or .txt; numbers or words); default: the labels written beside EMBEDDING (emb.labels.npy, or its CSV label column).", valueName: "labels"))
    var labels: String?

    @OptionGroup var classNames: ClassNameOptions

    @Option(help: ArgumentHelp("Colour by these values, one per point, with a colour bar.", valueName: "file"))
    var values: String?

    @Option(help: "The colour bar's label.") var valueLabel: String?
    @Option(help: "Class colours: tab10 or colorblind.") var palette: PaletteChoice = .tab10

    /// The labels of the points of `embedding`: `--labels` (anything `LabelSet.load` reads),
    /// else `carried` (the labels that travel with the embedding); one class per point, else one
    /// error line.
    func classes(points: Int, of embedding: String, carried: LabelSet? = nil) throws -> LabelSet? {
        guard let path = labels else { return carried }
        let classes = try LabelSet.load(path)
        guard classes.count == points else {
            throw CLIError.lengthMismatch("\(path): labels for the \(points) points of \(embedding)", expected: points, got: classes.count)
        }
        return classes
    }

    /// `--values`: one value per line (and, when `points` is given, one per point of
    /// `embedding`; nil without the option), else one error line.
    func values(points: Int?, of embedding: String) throws -> [Float]? {
        guard let path = values else { return nil }
        let v = try MatrixIO.readMatrix(path)
        guard v.columns == 1 else { throw CLIError("\(path): expected one value per line, found \(v.columns) columns") }
        if let points, v.rows != points {
            throw CLIError.lengthMismatch("\(path): values for the \(points) points of \(embedding)", expected: points, got: v.rows)
        }
        return v.elements
    }
}
