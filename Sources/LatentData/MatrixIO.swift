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

    /// Reads integer labels from `.npy` (1-D, any integer type or whole floats), `.csv` or
    /// `.txt` (one label per line, an optional header line).
    /// - Throws: `DataError` when the file holds more than one column or a label is not a
    ///   whole number.
    public static func readLabels(_ path: String) throws -> [Int] {
        switch fileExtension(path) {
        case "npy": return try NPY.readLabels(path)
        case "csv", "tsv", "txt":
            let table = try CSV.read(path)
            guard table.values.columns == 1 else {
                throw DataError.malformed(path: path, reason: "a labels file needs one value per line, found \(table.values.columns) columns")
            }
            return try table.splittingLabels(at: 0, path: path).labels
        default: throw unrecognised(path, expected: ".npy, .csv or .txt")
        }
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
