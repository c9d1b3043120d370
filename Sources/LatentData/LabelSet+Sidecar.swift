import Foundation
import LatentCore

/// Labels that travel with a matrix: the files written beside it.
///
/// A matrix `codes.npy` carries its labels in `codes.labels.npy` (1-D int64, one class number
/// per row) and its class names in `codes.classes.txt` (one name per line, line 1 naming
/// class 0). A CSV matrix `codes.csv` carries its labels as a last column named `label` and
/// its names in `codes.classes.txt` too. Readers (`MatrixIO.readLabelledMatrix`,
/// `Dataset.load`) pick these files up when no labels are given; writers
/// (`MatrixIO.write(_:labels:to:columnNames:)`) remove stale ones, so an unlabelled matrix never
/// inherits the labels of an earlier run.
extension LabelSet {
    /// Where the labels of the matrix at `path` go: `codes.npy` → `codes.labels.npy`.
    public static func sidecarPath(besideMatrix path: String) -> String {
        stem(of: path) + ".labels.npy"
    }

    /// Where the class names of the matrix at `path` go: `codes.npy` → `codes.classes.txt`.
    public static func classNamesPath(besideMatrix path: String) -> String {
        stem(of: path) + ".classes.txt"
    }

    /// The path without its extension (and without a trailing `.gz`).
    private static func stem(of path: String) -> String {
        var url = URL(fileURLWithPath: path)
        if url.pathExtension.lowercased() == "gz" { url.deletePathExtension() }
        let name = url.deletingPathExtension().lastPathComponent
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? name : folder + "/" + name
    }

    /// The labels written beside the matrix at `path` (with the class names beside it, if any),
    /// or nil when there are none.
    /// - Parameter rows: the matrix's row count, which the labels must match.
    /// - Throws: `DataError` naming the labels file when it cannot be read or its count differs.
    public static func sidecar(besideMatrix path: String, rows: Int) throws -> LabelSet? {
        let labelsPath = sidecarPath(besideMatrix: path)
        guard FileManager.default.fileExists(atPath: labelsPath) else { return nil }
        var labels = try load(labelsPath)
        guard labels.count == rows else {
            throw DataError.invalidValue(path: labelsPath, reason: "\(labels.count) labels but \(path) has \(rows) rows (left from another run? remove it, or give the labels explicitly)")
        }
        if labels.classNames == nil { labels.classNames = try sidecarClassNames(besideMatrix: path) }
        return labels
    }

    /// The class names written beside the matrix at `path`, or nil when there are none.
    /// - Throws: `DataError` when the file cannot be read or holds no names.
    public static func sidecarClassNames(besideMatrix path: String) throws -> [String]? {
        let namesPath = classNamesPath(besideMatrix: path)
        guard FileManager.default.fileExists(atPath: namesPath) else { return nil }
        return try readClassNames(namesPath)
    }

    /// Reads class names, one per line (surrounding spaces trimmed, trailing blank lines
    /// ignored): line 1 names class 0.
    /// - Throws: `DataError` when the file cannot be read, is not UTF-8, or holds no names.
    public static func readClassNames(_ path: String) throws -> [String] {
        guard let text = String(data: try InputFile.contents(of: path), encoding: .utf8) else {
            throw DataError.malformed(path: path, reason: "class names must be UTF-8 text, one per line")
        }
        var names = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        while names.last?.isEmpty == true { names.removeLast() }
        guard !names.isEmpty else { throw DataError.malformed(path: path, reason: "the file holds no class names") }
        return names
    }

    /// Writes the labels beside the matrix at `path` (`.labels.npy`, and `.classes.txt` when
    /// there are class names; a stale `.classes.txt` is removed when there are none).
    /// - Throws: `OutputError` when a file cannot be written.
    public func writeSidecar(besideMatrix path: String) throws {
        try NPY.write(labels: values, to: Self.sidecarPath(besideMatrix: path))
        try writeClassNames(besideMatrix: path)
    }

    /// Writes `classNames` to `.classes.txt` beside `path`, or removes a stale one.
    func writeClassNames(besideMatrix path: String) throws {
        let namesPath = Self.classNamesPath(besideMatrix: path)
        if let classNames {
            try AtomicFile.write(classNames.joined(separator: "\n") + "\n", to: namesPath)
        } else {
            try? FileManager.default.removeItem(atPath: namesPath)
        }
    }

    /// Removes the label files beside the matrix at `path`, if any.
    public static func removeSidecars(besideMatrix path: String) {
        try? FileManager.default.removeItem(atPath: sidecarPath(besideMatrix: path))
        try? FileManager.default.removeItem(atPath: classNamesPath(besideMatrix: path))
    }
}
