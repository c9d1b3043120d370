import Foundation
import LatentCore

/// A set of samples (images or feature vectors), one per row, with optional integer labels.
///
/// Images are stored as `Float` in [0, 1] (bytes divided by 255), row-major, one flattened image
/// per row. Datasets are values: `subsampled`, `split` and `selecting` return new ones.
public struct Dataset: Sendable {
    /// A short name for messages and figure titles ("mnist", a file name).
    public var name: String
    /// N × D samples.
    public var samples: Matrix
    /// One label per sample, or `nil` for unlabelled data.
    public var labels: [Int]?
    /// The image shape when the samples are images (D == shape.count).
    public var imageShape: TensorShape?
    /// Names of the classes, indexed by label, when known.
    public var classNames: [String]?
    /// How the samples were read, for reports: the file's members or columns, element type
    /// and any scaling (e.g. `x (60000×28×28 |u1), y (60000 <i8); pixels ÷ 255`).
    public var source: String?
    /// Each sample's row in the data as loaded (0-based), once `subset` and the selections
    /// built on it have picked or reordered rows; `nil` while sample `i` is row `i`. Held-out
    /// indices written from a selected dataset are these, so `--subset` finds the same rows.
    public var rowNumbers: [Int]?
    /// Whether the images were deskewed (`deskewed()`), so that a model trained on them can
    /// say its inputs need it.
    public var isDeskewed = false

    public init(name: String, samples: Matrix, labels: [Int]? = nil, imageShape: TensorShape? = nil,
                classNames: [String]? = nil) {
        if let labels { precondition(labels.count == samples.rows, "\(labels.count) labels for \(samples.rows) samples") }
        if let imageShape { precondition(imageShape.count == samples.columns, "image shape \(imageShape) does not match \(samples.columns) columns") }
        self.name = name
        self.samples = samples
        self.labels = labels
        self.imageShape = imageShape
        self.classNames = classNames
    }

    /// Number of samples.
    public var count: Int { samples.rows }
    /// Dimension of each sample.
    public var dimension: Int { samples.columns }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        var out = Dataset(name: name, samples: samples.rows(at: indices), labels: labels.map { l in indices.map { l[$0] } },
                          imageShape: imageShape, classNames: classNames)
        out.source = source
        out.isDeskewed = isDeskewed
        out.rowNumbers = rowNumbers.map { rows in indices.map { rows[$0] } } ?? indices
        return out
    }

    /// The labels with the class names, as written beside a matrix made from these samples
    /// (`MatrixIO.write(_:labels:to:columnNames:)`); nil when unlabelled.
    public var labelSet: LabelSet? { labels.map { LabelSet($0, classNames: classNames) } }

    /// The row in the data as loaded of each sample (see `rowNumbers`).
    public var loadedRows: [Int] { rowNumbers ?? Array(0..<count) }

    /// A seeded random subset of `count` samples (all of them, shuffled, if `count >= self.count`).
    public func subsampled(_ count: Int, seed: UInt64) -> Dataset {
        var rng = SeededGenerator(seed: seed)
        var idx = Array(0..<self.count)
        idx.shuffle(using: &rng)
        return subset(Array(idx.prefix(max(0, count))))
    }

    /// The first `count` samples.
    public func prefix(_ count: Int) -> Dataset {
        subset(Array(0..<min(count, self.count)))
    }

    /// A seeded split into training and validation parts; `validationFraction` in [0, 1).
    public func split(validationFraction: Double, seed: UInt64) throws -> (train: Dataset, validation: Dataset) {
        guard validationFraction >= 0, validationFraction < 1 else {
            throw DataError.invalidArgument("validation fraction must be in [0, 1), got \(validationFraction)")
        }
        var rng = SeededGenerator(seed: seed)
        var idx = Array(0..<count)
        idx.shuffle(using: &rng)
        let nVal = Int((Double(count) * validationFraction).rounded())
        return (subset(Array(idx[nVal...])), subset(Array(idx[..<nVal])))
    }

    /// Only the samples whose label is in `classes` (labels keep their values).
    public func selecting(classes: Set<Int>) throws -> Dataset {
        guard let labels else { throw DataError.invalidArgument("\(name): cannot select classes of unlabelled data") }
        let idx = labels.indices.filter { classes.contains(labels[$0]) }
        guard !idx.isEmpty else {
            throw DataError.invalidArgument("\(name): no samples with labels \(classes.sorted().map(String.init).joined(separator: ", "))")
        }
        return subset(idx)
    }

    /// Each distinct label (ascending) and how many samples carry it (empty when unlabelled).
    public func labelCounts() -> [(label: Int, count: Int)] {
        guard let labels else { return [] }
        let classes = LabelClasses(labels)
        return Array(zip(classes.values, classes.counts)).map { (label: $0.0, count: $0.1) }
    }

    /// The name of class `label`: from `classNames`, or the number itself.
    public func className(_ label: Int) -> String {
        if let classNames, label >= 0, label < classNames.count { return classNames[label] }
        return String(label)
    }
}
