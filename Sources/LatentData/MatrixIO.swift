import Foundation
import LatentCore

/// Reading and writing matrices and label lists, with the format chosen by the file extension.
///
/// ```swift
/// try MatrixIO.write(embedding, to: "embedding.csv", columnNames: ["x", "y"])
/// try MatrixIO.write(codes, to: "codes.npy")
/// let labels = try MatrixIO.readLabels("labels.txt")
/// ```
public enum MatrixIO {
    /// Extensions `write` understands.
    public static let writableExtensions = [".npy", ".csv"]

    /// Writes `matrix` as `.npy` (float32) or `.csv` (with `columnNames` as a header line,
    /// ignored for `.npy`), atomically.
    /// - Throws: `OutputError.unsupportedExtension` for any other extension;
    ///   `OutputError.cannotWrite` when the file cannot be written.
    public static func write(_ matrix: Matrix, to path: String, columnNames: [String]? = nil) throws {
        switch fileExtension(path) {
        case "npy": try NPY.write(matrix, to: path)
        case "csv": try CSV.write(matrix, to: path, columnNames: columnNames)
        default: throw OutputError.unsupportedExtension(path: path, allowed: writableExtensions)
        }
    }

    /// Writes `matrix` and, beside it, its labels (see `LabelSet+Sidecar`): for `.npy` the
    /// files `NAME.labels.npy` and `NAME.classes.txt`, for `.csv` a last column named `label`
    /// (under a header: `columnNames`, else `x1`, `x2`, …) and `NAME.classes.txt`. Without
    /// labels, label files left beside `path` by an earlier run are removed.
    ///
    /// The label files are written first, so a failure leaves the previous matrix as it was
    /// (and names `path`); when the matrix itself cannot be written, the new label files are
    /// removed again.
    /// - Throws: as `write(_:to:columnNames:)`.
    public static func write(_ matrix: Matrix, labels: LabelSet?, to path: String, columnNames: [String]? = nil) throws {
        let ext = fileExtension(path)
        guard ["npy", "csv"].contains(ext) else { throw OutputError.unsupportedExtension(path: path, allowed: writableExtensions) }
        guard let labels else {
            try write(matrix, to: path, columnNames: columnNames)
            LabelSet.removeSidecars(besideMatrix: path)
            return
        }
        precondition(labels.count == matrix.rows, "\(labels.count) labels for \(matrix.rows) rows")
        do {
            if ext == "csv" {
                try? FileManager.default.removeItem(atPath: LabelSet.sidecarPath(besideMatrix: path))
                try labels.writeClassNames(besideMatrix: path)
            } else {
                try labels.writeSidecar(besideMatrix: path)
            }
        } catch OutputError.cannotWrite(let labelsPath, let reason) {
            throw OutputError.cannotWrite(path: path, reason: "its labels \(labelsPath): \(reason)")
        }
        do {
            if ext == "csv" {
                let names = (columnNames ?? (0..<matrix.columns).map { "x\($0 + 1)" }) + [labelColumnName]
                var table = Matrix(rows: matrix.rows, columns: matrix.columns + 1)
                for i in 0..<matrix.rows {
                    for j in 0..<matrix.columns { table[i, j] = matrix[i, j] }
                    table[i, matrix.columns] = Float(labels.values[i])
                }
                try CSV.write(table, to: path, columnNames: names)
            } else {
                try write(matrix, to: path, columnNames: columnNames)
            }
        } catch {
            LabelSet.removeSidecars(besideMatrix: path)
            throw error
        }
    }

    /// The header name of the labels column of a CSV matrix.
    public static let labelColumnName = "label"

    /// Writes labels as `.npy` (1-D int64), or `.csv` / `.txt` (one per line; `.csv` under a
    /// `label` header line), atomically.
    /// - Throws: `OutputError.unsupportedExtension` for any other extension.
    public static func write(labels: [Int], to path: String) throws {
        switch fileExtension(path) {
        case "npy": try NPY.write(labels: labels, to: path)
        case "csv": try CSV.write(labels: labels, to: path)
        case "txt": try CSV.write(labels: labels, to: path, columnName: nil)
        default: throw OutputError.unsupportedExtension(path: path, allowed: [".npy", ".csv", ".txt"])
        }
    }

    /// Reads a matrix from `.npy`, `.npz` (its samples member, chosen as `Dataset.load` does),
    /// or `.csv` / `.tsv` / `.txt` (all columns; a header line is skipped). A trailing `.gz`
    /// is allowed.
    /// Values are not scaled. NaN and infinity are rejected, as `Dataset.load` rejects them.
    /// - Throws: `DataError` naming the file and the problem.
    public static func readMatrix(_ path: String) throws -> Matrix {
        if case "csv" = fileExtension(path) { return try readCSVMatrix(path).matrix }
        return try readNumbers(path)
    }

    /// Reads a matrix as `readMatrix` does, with the labels that travel with it: for `.npy` and
    /// `.csv` the labels file beside it (`codes.labels.npy`), for `.csv` a column named
    /// `label` (numbers or words), for `.npz` its labels member, each with the class names of
    /// `codes.classes.txt` when the labels carry none.
    /// - Throws: `DataError` naming the matrix or the labels file.
    public static func readLabelledMatrix(_ path: String) throws -> (matrix: Matrix, labels: LabelSet?) {
        var matrix: Matrix
        var labels: LabelSet?
        switch fileExtension(path) {
        case "csv": (matrix, labels) = try readCSVMatrix(path)
        case "npz":
            let archive = try NPZ.read(path)
            let read = try archive.samples(part: .all)
            matrix = read.samples
            labels = read.labels
            try Dataset.checkFinite(matrix, matrix.valueSummary(), path: path, stored: archive.storedValue(members: try archive.selection(part: .all).samples))
        default: matrix = try readNumbers(path)
        }
        if labels == nil { labels = try LabelSet.sidecar(besideMatrix: path, rows: matrix.rows) }
        if labels != nil && labels?.classNames == nil { labels?.classNames = try LabelSet.sidecarClassNames(besideMatrix: path) }
        return (matrix, labels)
    }

    /// A CSV matrix without its `label` column, and that column's labels.
    private static func readCSVMatrix(_ path: String) throws -> (matrix: Matrix, labels: LabelSet?) {
        let table = try CSV.read(path, labelColumn: .name(labelColumnName))
        guard let text = table.labelText else { return (table.values, nil) }
        return (table.values, try LabelSet(cells: text.cells, path: path, lineNumbers: table.lineNumbers, column: text.column + 1))
    }

    /// `readMatrix` for the formats without a label column.
    private static func readNumbers(_ path: String) throws -> Matrix {
        let matrix: Matrix
        var stored: ((Int) -> Double)?   // values as stored, to name a float64 beyond Float32's range
        switch fileExtension(path) {
        case "npy":
            let array = try NPY.read(path)
            matrix = array.matrix()
            if array.elementType.isFloatingPoint { stored = { array.floatValue(at: $0) } }
        case "npz":
            let archive = try NPZ.read(path)
            matrix = try archive.samples(part: .all).samples
            stored = archive.storedValue(members: try archive.selection(part: .all).samples)
        case "csv", "tsv", "txt": return try CSV.read(path).values  // the parser rejects NaN and infinity
        default: throw unrecognised(path, expected: ".npy, .npz, .csv, .tsv or .txt")
        }
        try Dataset.checkFinite(matrix, matrix.valueSummary(), path: path, stored: stored)
        return matrix
    }

    /// Reads labels as class numbers from anything `LabelSet.load` reads (words become
    /// classes in sorted order; their names are dropped: use `LabelSet.load` to keep them).
    /// - Throws: `DataError` naming the file and the problem.
    public static func readLabels(_ path: String) throws -> [Int] {
        try LabelSet.load(path).values
    }

    /// The lowercased extension without a trailing `.gz` (`x.csv.gz` → `csv`).
    static func fileExtension(_ path: String) -> String {
        var url = URL(fileURLWithPath: path)
        if url.pathExtension.lowercased() == "gz" { url.deletePathExtension() }
        return url.pathExtension.lowercased()
    }

    private static func unrecognised(_ path: String, expected: String) -> DataError {
        .malformed(path: path, reason: "unrecognised file type (expected \(expected))")
    }
}
