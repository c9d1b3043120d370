import Foundation
import LatentCore

/// Rows picked by index: a list such as `0,5,10-20`, or a file of indices such as the held-out
/// rows `train --split-out` writes.
///
/// Indices are 0-based rows of the data as loaded, kept in the order given; `a-b` is rows `a`
/// to `b` inclusive. A file holds indices (or ranges) separated by commas, spaces or line
/// ends, optionally under a one-word header line (`index`), or is a 1-D integer `.npy`. Every
/// index must be a row of the data and may appear only once: a typo is one error line naming
/// the list or file, the place and the fault, never a silently shorter or repeated selection.
///
/// ```swift
/// let held = try RowSelection.load("held-out.txt")
/// let test = try digits.selecting(rows: held)
/// let few = try digits.selecting(rows: try RowSelection.parse("0,5,10-20"))   // 13 digits
/// ```
public struct RowSelection: Sendable, Equatable {
    /// The pieces as given; a single index is a range of one.
    public var ranges: [ClosedRange<Int>]
    /// What the indices came from (an option such as `--indices`, or a path), named in errors.
    public var source: String
    /// Where each piece was given (`"element 3"`, `"line 2"`), for errors.
    var places: [String]

    /// The rows `indices`, in that order.
    public init(indices: [Int], source: String) {
        self.ranges = indices.map { $0...$0 }
        self.source = source
        self.places = indices.indices.map { "element \($0)" }
    }

    init(ranges: [ClosedRange<Int>], source: String, places: [String]) {
        self.ranges = ranges
        self.source = source
        self.places = places
    }

    /// Parses `0,5,10-20` (commas or spaces between pieces).
    /// - Parameter source: the option named in errors (default `--indices`).
    /// - Throws: `DataError.invalidValue` naming `source` and the piece that is not an index or
    ///   a range, or when there is none.
    public static func parse(_ list: String, source: String = "--indices") throws -> RowSelection {
        var selection = RowSelection(ranges: [], source: source, places: [])
        for token in tokens(list) {
            selection.ranges.append(try range(token, source: source, place: nil))
            selection.places.append("'\(token)'")
        }
        guard !selection.ranges.isEmpty else { throw DataError.invalidValue(path: source, reason: "no index given (expected e.g. 0,5,10-20)") }
        return selection
    }

    /// Reads a file of indices: `.npy` (1-D integers), or `.txt` / `.csv` / `.tsv` (indices and
    /// ranges separated by commas, spaces or line ends, an optional one-word header line).
    /// - Throws: `DataError` naming the file and the line or element at fault.
    public static func load(_ path: String) throws -> RowSelection {
        guard FileManager.default.fileExists(atPath: path) else { throw DataError.fileNotFound(path: path) }
        switch MatrixIO.fileExtension(path) {
        case "npy":
            let values = try NPY.labels(from: try NPY.read(path), path: path)
            if let k = values.firstIndex(where: { $0 < 0 }) {
                throw DataError.invalidValue(path: path, reason: "element \(k): \(values[k]) is not a row index (indices are 0, 1, 2, …)")
            }
            guard !values.isEmpty else { throw DataError.malformed(path: path, reason: "holds no index") }
            return RowSelection(indices: values, source: path)
        case "txt", "csv", "tsv":
            guard let text = String(data: try InputFile.contents(of: path), encoding: .utf8) else {
                throw DataError.malformed(path: path, reason: "an index file must be text (UTF-8)")
            }
            var selection = RowSelection(ranges: [], source: path, places: [])
            for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let pieces = tokens(String(line))
                // A header: the first line, one word.
                if k == 0, pieces.count == 1, pieces[0].allSatisfy({ $0.isLetter || $0 == "_" }) { continue }
                for token in pieces {
                    selection.ranges.append(try range(token, source: path, place: "line \(k + 1)"))
                    selection.places.append("line \(k + 1)")
                }
            }
            guard !selection.ranges.isEmpty else { throw DataError.malformed(path: path, reason: "holds no index") }
            return selection
        default:
            throw DataError.malformed(path: path, reason: "unrecognised index file type (expected .npy, .txt or .csv)")
        }
    }

    /// Writes `indices`: `.npy` (1-D int64), `.txt` (one per line) or `.csv` (one per line
    /// under an `index` header), atomically.
    /// - Throws: `OutputError` for another extension or when the file cannot be written.
    public static func write(_ indices: [Int], to path: String) throws {
        switch MatrixIO.fileExtension(path) {
        case "csv": try CSV.write(labels: indices, to: path, columnName: "index")
        case "npy", "txt": try MatrixIO.write(labels: indices, to: path)
        default: throw OutputError.unsupportedExtension(path: path, allowed: [".npy", ".txt", ".csv"])
        }
    }

    /// The selected rows of data with `rowCount` rows, in the order given.
    /// - Parameter name: the data, named in errors.
    /// - Throws: `DataError.invalidValue` naming `source` when an index is out of range or a
    ///   row is selected twice.
    public func indices(rowCount: Int, of name: String) throws -> [Int] {
        var seen = [Int](repeating: -1, count: rowCount)
        var out = [Int]()
        out.reserveCapacity(ranges.count)
        for (piece, range) in ranges.enumerated() {
            let at = places[piece].hasPrefix("'") ? "" : places[piece] + ": "
            guard range.upperBound < rowCount else {
                let bad = range.lowerBound >= rowCount ? range.lowerBound : range.upperBound
                throw DataError.invalidValue(path: source, reason: "\(at)index \(bad) is out of range: \(name) has \(rowCount) rows (0…\(rowCount - 1))")
            }
            for i in range {
                if seen[i] >= 0 {
                    let pieces = seen[i] == piece ? places[piece] : "\(places[seen[i]]) and \(places[piece])"
                    throw DataError.invalidValue(path: source, reason: "row \(i) is selected twice (\(pieces))")
                }
                seen[i] = piece
                out.append(i)
            }
        }
        return out
    }

    /// The pieces of `text`, split at commas, semicolons and white space.
    private static func tokens(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isWhitespace }).map(String.init)
    }

    /// `12` or `10-20`.
    private static func range(_ token: String, source: String, place: String?) throws -> ClosedRange<Int> {
        let parts = token.split(separator: "-", omittingEmptySubsequences: false)
        let numbers = parts.map { part in part.allSatisfy(\.isASCII) ? Int(part) : nil }
        let at = place.map { "\($0): " } ?? ""
        guard (1...2).contains(parts.count), numbers.allSatisfy({ $0 != nil }) else {
            throw DataError.invalidValue(path: source, reason: "\(at)'\(token)' is not a row index or a range (indices are 0, 1, 2, …; e.g. 0,5,10-20)")
        }
        let low = numbers[0]!, high = numbers.last!!
        guard low <= high else {
            throw DataError.invalidValue(path: source, reason: "\(at)range '\(token)' runs backwards (write \(high)-\(low))")
        }
        return low...high
    }
}

extension Dataset {
    /// The samples `selection` picks, in its order (see `RowSelection`).
    /// - Throws: `DataError` naming the selection's source when an index is out of range or
    ///   repeated.
    public func selecting(rows selection: RowSelection) throws -> Dataset {
        subset(try selection.indices(rowCount: count, of: name))
    }
}
