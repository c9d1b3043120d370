import Foundation
import LatentCore

/// The labels of a set of samples: one class number per sample, and the classes' names when
/// known (`classNames[c]` names class `c`).
///
/// Labels given as words (a CSV column of `cat`/`dog`, a `.txt` file of `T-shirt/top` lines,
/// an `.npy` or `.npz` string array) become class numbers with the words as class names. The
/// classes are the distinct words **sorted** by Unicode code point, as `numpy.unique` and
/// scikit-learn's `LabelEncoder` sort them: so the same words get the same numbers in every
/// file and every subset, whatever order the rows come in (`["dog", "cat", "dog"]` gives
/// `[1, 0, 1]` and names `["cat", "dog"]`). A column is read as words when any of its cells is
/// not a number; numbers stay numbers (`3` and `3.0` are class 3).
///
/// ```swift
/// let labels = try LabelSet.load("species.csv")       // words → classes, names from the words
/// let digits = try LabelSet.load("mnist")            // 10,000 labels 0–9, names "0" … "9"
/// let test = try LabelSet.load("fashion-mnist", part: .test)
/// ```
public struct LabelSet: Sendable, Equatable {
    /// One class number per sample (`Dataset.load` refuses negative ones).
    public var values: [Int]
    /// The name of each class, indexed by class number, when known.
    public var classNames: [String]?

    /// Labels `values`, named by `classNames` when given.
    public init(_ values: [Int], classNames: [String]? = nil) {
        self.values = values
        self.classNames = classNames
    }

    /// Labels from words: class `c` is the `c`-th distinct word in sorted order.
    public init(words: [String]) {
        let names = Array(Set(words)).sorted()
        let number = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        self.init(words.map { number[$0]! }, classNames: names)
    }

    /// The number of samples.
    public var count: Int { values.count }

    /// The labels of the samples at `indices`, in that order (class names unchanged).
    public func subset(_ indices: [Int]) -> LabelSet {
        LabelSet(indices.map { values[$0] }, classNames: classNames)
    }

    /// Labels from text cells: numbers when every cell is one, else words.
    /// - Parameters:
    ///   - cells: one label per sample, as written in the file.
    ///   - path: named in errors.
    ///   - lineNumbers: the line of each cell (1-based), for errors; `nil` to name elements.
    ///   - column: the 1-based column of the cells, for errors.
    /// - Throws: `DataError.invalidValue` when a number is not a whole number.
    public init(cells: [String], path: String, lineNumbers: [Int]? = nil, column: Int? = nil) throws {
        func place(_ k: Int) -> String {
            guard let lineNumbers else { return "element \(k)" }
            return "line \(lineNumbers[k])" + (column.map { ", column \($0)" } ?? "")
        }
        var numbers = [Int]()
        numbers.reserveCapacity(cells.count)
        for (k, cell) in cells.enumerated() {
            if let n = Int(cell) {
                numbers.append(n)
            } else if let v = CSVNumber.parse(Array(cell.utf8)) {
                guard v.isFinite, v == v.rounded(), let n = Int(exactly: v) else {
                    throw DataError.invalidValue(path: path, reason: "\(place(k)): label \(cell) is not a whole number")
                }
                numbers.append(n)
            } else {
                self.init(words: cells)
                return
            }
        }
        self.init(numbers)
    }
}

extension LabelSet {
    /// Loads labels from what `Dataset.load` accepts as data.
    ///
    /// - A dataset name: `mnist` (its 10,000 labels), `fashion-mnist` (the labels of `part`),
    ///   each with its class names.
    /// - An IDX labels file (`…-labels-idx1-ubyte`, gzip'd or not).
    /// - `.npy`: a 1-D (or N × 1) array of integers, whole floats, or strings (`<U…`, `|S…`).
    /// - `.npz`: the labels member `NPZArchive.selection(part:)` picks (`y`, `labels`, …,
    ///   optionally `_train`/`_test`), or an archive's only 1-D member.
    /// - `.csv`, `.tsv`, `.txt`: one label per line, or the label column of a table (see
    ///   `CSV.read(_:labelColumn:)`); numbers or words.
    ///
    /// - Parameters:
    ///   - spec: a dataset name or a path.
    ///   - part: for datasets and archives with a train/test split, which part (default all).
    ///   - column: for tables with several columns, which one holds the labels.
    /// - Throws: `DataError` naming the file and what is wrong with it.
    public static func load(_ spec: String, part: DatasetPart = .all, column: CSVLabelColumn = .automatic) throws -> LabelSet {
        switch spec.lowercased() {
        case "mnist":
            guard part != .train else {
                throw DataError.invalidArgument("mnist: the bundled MNIST is the 10,000-digit test set; it has no train part")
            }
            return LabelSet(try IDX.readLabels(try Dataset.bundledMNISTFile("t10k-labels-idx1-ubyte.gz")), classNames: Dataset.digitClassNames)
        case "fashion-mnist", "fashion":
            let files = try Dataset.fashionMNISTFiles(part: part)
            return LabelSet(try files.flatMap { try IDX.readLabels($0.labels) }, classNames: Dataset.fashionClassNames)
        default:
            break
        }
        try Dataset.checkExists(spec)
        let ext = MatrixIO.fileExtension(spec)
        if part != .all && ext != "npz" {
            throw DataError.invalidArgument("\(spec): has no train/test parts (part \(part.rawValue) applies to fashion-mnist and to .npz archives with _train/_test members)")
        }
        switch ext {
        case "npy":
            let data = try InputFile.contents(of: spec)
            if try NPY.holdsText(data, path: spec) { return try fromText(NPY.parseText(data, path: spec), path: spec) }
            return LabelSet(try NPY.labels(from: try NPY.parse(data, path: spec), path: spec))
        case "npz":
            return try fromArchive(try NPZ.read(spec), part: part)
        case "csv", "tsv", "txt":
            return try fromTable(spec, column: column)
        default:
            guard URL(fileURLWithPath: spec).lastPathComponent.lowercased().contains("idx1") || ext == "idx" else {
                throw DataError.malformed(path: spec, reason: "unrecognised labels file type (expected a dataset name, an IDX labels file, .npy, .npz, .csv or .txt)")
            }
            return LabelSet(try IDX.readLabels(spec))
        }
    }

    /// Labels from a 1-D string array.
    static func fromText(_ array: NPYTextArray, path: String) throws -> LabelSet {
        try checkOneDimensional(array.shape, path: path)
        return try LabelSet(cells: array.values, path: path)
    }

    /// Throws unless `shape` is 1-D or N × 1, as labels are.
    static func checkOneDimensional(_ shape: [Int], path: String) throws {
        guard shape.count == 1 || (shape.count == 2 && shape[1] == 1) else {
            throw DataError.malformed(path: path, reason: "labels must be a 1-D array, found shape \(shape)")
        }
    }

    /// The labels member of an archive (see `load`).
    static func fromArchive(_ archive: NPZArchive, part: DatasetPart) throws -> LabelSet {
        if let members = try? archive.selection(part: part).labels {
            return try archive.labels(members: members)
        }
        let oneD = archive.names.filter { archive.shape(of: $0).count == 1 }
        guard part == .all, oneD.count == 1 else {
            throw DataError.malformed(path: archive.path, reason: "no member holds the \(part == .all ? "" : "\(part.rawValue) ")labels; members: \(archive.memberSummary) (name it y or labels, optionally with _train/_test)")
        }
        return try archive.labels(members: oneD)
    }

    /// Labels from a text table: its one column, or its label column.
    static func fromTable(_ path: String, column: CSVLabelColumn) throws -> LabelSet {
        let table = try CSV.read(path, labelColumn: column)
        if let text = table.labelText {
            return try LabelSet(cells: text.cells, path: path, lineNumbers: table.lineNumbers, column: text.column + 1)
        }
        guard table.values.columns == 1 else {
            throw DataError.malformed(path: path, reason: "a labels file needs one label per line, found \(table.values.columns) columns (or a header naming one column label or class)")
        }
        let labels = try table.splittingLabels(at: 0, path: path).labels
        // The table's values are Float32, whose whole numbers are exact only below 2^24: larger
        // labels are read again from their text, so two neighbours are never merged.
        guard labels.contains(where: { abs($0) >= 1 << 24 }) else { return LabelSet(labels) }
        let lines = String(decoding: try InputFile.contents(of: path), as: UTF8.self)
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let exact = lines.compactMap { Int($0) }
        guard exact.count == labels.count else {
            throw DataError.invalidValue(path: path, reason: "labels beyond ±16777215 must be written as plain whole numbers (no decimal point or exponent), one per line")
        }
        return LabelSet(exact)
    }
}
