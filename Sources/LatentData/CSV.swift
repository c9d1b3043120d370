import Foundation
import LatentCore

/// A numeric table read from a CSV file: an optional header and the values, one row per line.
public struct CSVTable: Sendable {
    /// The column names when the first line is a header, else `nil`.
    public var columnNames: [String]?
    /// The values, one row per data line.
    public var values: Matrix
    /// The line of the file each row was read from (1-based), for messages.
    public var lineNumbers: [Int]
    /// The label column read as text (see `CSV.read(_:labelColumn:)`): its index among the
    /// file's columns and its cells, one per row; `values` then holds the other columns.
    public var labelText: (column: Int, cells: [String])?

    /// A table; `lineNumbers` defaults to consecutive lines after the header.
    public init(columnNames: [String]?, values: Matrix, lineNumbers: [Int]? = nil) {
        self.columnNames = columnNames
        self.values = values
        let first = columnNames == nil ? 1 : 2
        self.lineNumbers = lineNumbers ?? Array(first..<(first + values.rows))
    }
}

/// Comma-separated values: numeric tables in, numeric tables out.
///
/// Reading accepts `,`, tab or `;` as the delimiter (whichever the first line uses, in that
/// order of preference), `\n` or `\r\n` line ends, blank lines, spaces around cells and
/// double-quoted cells. The first line is a header when any of its cells is not a number, or
/// when its cells are the column numbers 0, 1, …, n−1 or 1, …, n for n ≥ 10 (as pandas
/// writes them).
/// Every other cell must be a finite number: errors name the file, the line and the column.
///
/// ```swift
/// let table = try CSV.read("features.csv")
/// try CSV.write(codes, to: "codes.csv", columnNames: ["z1", "z2"])
/// ```
public enum CSV {
    /// Reads a numeric table (gzip-compressed files are accepted too).
    /// - Throws: `DataError` naming the file and, for bad cells, the line and column.
    public static func read(_ path: String) throws -> CSVTable {
        try parse(try InputFile.contents(of: path), path: path)
    }

    /// Reads a table whose label column (chosen by `labelColumn`) is kept as text, so that it
    /// may hold words (`cat`, `T-shirt/top`) as well as numbers; `labelText` then holds it and
    /// `values` the other columns.
    ///
    /// The column is the one `labelColumn` names (by index, or by header name), or for
    /// `.automatic` the header's one label-named column (`label`, `class`, `y`, …), else the
    /// one column whose first data cell is not a number. A first line whose only non-numbers
    /// are in that column is data, not a header (`cat,0.5,1.5`; one label per line). When no
    /// column qualifies, the table is read as `read(_:)` reads it.
    /// - Throws: `DataError` naming the file and, for bad cells, the line and column.
    public static func read(_ path: String, labelColumn: CSVLabelColumn) throws -> CSVTable {
        try parse(try InputFile.contents(of: path), path: path, labelColumn: labelColumn)
    }

    /// Writes `matrix`, one row per line, with an optional header line. Whole numbers are
    /// written without a decimal point, other values in the shortest form that reads back
    /// to the same `Float`. The file is written atomically.
    /// - Throws: `MatrixError.shapeMismatch` when `columnNames` does not have one name per
    ///   column; `OutputError` when the file cannot be written.
    public static func write(_ matrix: Matrix, to path: String, columnNames: [String]? = nil) throws {
        try AtomicFile.write(try encode(matrix, columnNames: columnNames), to: path)
    }

    /// The bytes `write(_:to:columnNames:)` writes.
    public static func encode(_ matrix: Matrix, columnNames: [String]? = nil) throws -> Data {
        var out = [UInt8]()
        out.reserveCapacity(matrix.count * 4 + 64)
        if let columnNames {
            guard columnNames.count == matrix.columns else {
                throw MatrixError.shapeMismatch("\(columnNames.count) column names for \(matrix.columns) columns")
            }
            out.append(contentsOf: columnNames.map(quotedIfNeeded).joined(separator: ",").utf8)
            out.append(0x0A)
        }
        matrix.withUnsafeBufferPointer { p in
            for i in 0..<matrix.rows {
                for j in 0..<matrix.columns {
                    if j > 0 { out.append(0x2C) }
                    appendNumber(p[i * matrix.columns + j], to: &out)
                }
                out.append(0x0A)
            }
        }
        return Data(out)
    }

    /// Writes integer labels one per line under an optional header.
    public static func write(labels: [Int], to path: String, columnName: String? = "label") throws {
        var text = columnName.map { quotedIfNeeded($0) + "\n" } ?? ""
        for l in labels { text += "\(l)\n" }
        try AtomicFile.write(text, to: path)
    }

    private static func appendNumber(_ v: Float, to out: inout [UInt8]) {
        if v == v.rounded(), abs(v) < 1e7 {
            out.append(contentsOf: String(Int(v)).utf8)
        } else {
            out.append(contentsOf: v.description.utf8)
        }
    }

    private static func quotedIfNeeded(_ name: String) -> String {
        guard name.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return name }
        return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Parses CSV bytes into a numeric table.
    /// - Parameter path: named in errors.
    public static func parse(_ data: Data, path: String) throws -> CSVTable {
        try parse(data, path: path, chunkBytes: 1 << 22)
    }

    /// `parse(_:path:)` with concurrent chunks of about `chunkBytes` (tests use small ones).
    static func parse(_ data: Data, path: String, chunkBytes: Int = 1 << 22, labelColumn: CSVLabelColumn? = nil) throws -> CSVTable {
        try data.withUnsafeBytes { raw in
            var parser = CSVParser(bytes: raw.bindMemory(to: UInt8.self), path: path, chunkBytes: chunkBytes)
            parser.labelChoice = labelColumn
            return try parser.table()
        }
    }
}

/// The byte-level CSV reader behind `CSV.parse`.
///
/// The first non-blank line fixes the delimiter, the header and the column count. The rest is
/// cut at line ends into chunks (a number depending only on the file size) that are parsed
/// concurrently and joined in order; a file with quote characters is parsed in one chunk, since
/// a quoted cell may hold a line end.
struct CSVParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let path: String
    private var delimiter: UInt8 = 0x2C
    /// True when a tab is padding around cells rather than the delimiter.
    private var tabIsPadding = true

    private static let quote: UInt8 = 0x22, newline: UInt8 = 0x0A, carriageReturn: UInt8 = 0x0D
    /// Bytes per chunk when parsing concurrently.
    private let chunkBytes: Int
    /// Which column to keep as text (nil: every column is numeric).
    var labelChoice: CSVLabelColumn?
    /// The column kept as text, once the first lines have chosen it.
    private var textColumn: Int?

    init(bytes: UnsafeBufferPointer<UInt8>, path: String, chunkBytes: Int = 1 << 22) {
        self.bytes = bytes
        self.path = path
        self.chunkBytes = chunkBytes
    }

    /// The rows parsed from one chunk, or the first error in it.
    private struct Chunk {
        var values = [Float]()
        var lines = [Int]()
        var texts = [String]()
        var error: Error?
    }

    mutating func table() throws -> CSVTable {
        // The first non-blank line (after a UTF-8 byte-order mark): delimiter, header, column count.
        let hasByteOrderMark = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        var position = hasByteOrderMark ? 3 : 0, lineNumber = 0
        var first: (start: Int, end: Int)?
        while position < bytes.count, first == nil {
            let (start, end, next) = line(from: position, quotes: true)
            position = next
            lineNumber += 1
            if !isBlank(start, end) { first = (start, end) }
        }
        guard let first else { throw DataError.malformed(path: path, reason: "file has no data (only blank lines)") }
        delimiter = Self.detectDelimiter(bytes, first.start, first.end)
        tabIsPadding = delimiter != 0x09
        let cells = textCells(first.start, first.end)
        let columns = cells.count, columnsLine = lineNumber
        var header: [String]?
        if cells.contains(where: { CSVNumber.parse($0) == nil }) || Self.areColumnIndices(cells) {
            header = cells.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
        } else {
            position = first.start
            lineNumber -= 1
        }
        if let labelChoice {
            let dataCells = header == nil ? cells : firstDataCells(from: position)
            let (column, named) = Self.textColumn(labelChoice, header: header, dataCells: dataCells)
            textColumn = column
            // A first line whose only non-numbers are in the text column is data.
            if let column, header != nil, !named, labelChoice == .automatic,
               cells.indices.allSatisfy({ $0 == column || CSVNumber.parse(cells[$0]) != nil }) {
                header = nil
                position = first.start
                lineNumber -= 1
            }
        }

        // The data lines, in chunks that start at line starts.
        let hasQuotes = memchr(bytes.baseAddress! + position, Int32(Self.quote), bytes.count - position) != nil
        let nChunks = hasQuotes ? 1 : max(1, (bytes.count - position) / chunkBytes)
        var bounds = [position]
        for c in 1..<max(nChunks, 1) {
            var k = max(bounds[c - 1], position + (bytes.count - position) * c / nChunks)
            while k < bytes.count && bytes[k - 1] != Self.newline { k += 1 }
            bounds.append(k)
        }
        bounds.append(bytes.count)
        var firstLines = [lineNumber + 1]
        for c in 0..<(bounds.count - 2) { firstLines.append(firstLines[c] + countNewlines(bounds[c], bounds[c + 1])) }

        var chunks = [Chunk](repeating: Chunk(), count: bounds.count - 1)
        let parser = UnsafeSendable(self), starts = bounds, lines = firstLines
        chunks.withUnsafeMutableBufferPointer { buffer in
            let out = UnsafeSendable(buffer)
            Parallel.forEachChunk(count: buffer.count, chunks: buffer.count) { c, _ in
                var chunk = Chunk()
                do {
                    try parser.value.parseRows(starts[c], starts[c + 1], firstLine: lines[c], quotes: hasQuotes,
                                               columns: columns, columnsLine: columnsLine, into: &chunk)
                } catch {
                    chunk.error = error
                }
                out.value[c] = chunk
            }
        }
        if let error = chunks.lazy.compactMap(\.error).first { throw error }
        let rows = chunks.reduce(0) { $0 + $1.lines.count }
        guard rows > 0 else { throw DataError.malformed(path: path, reason: "file has a header but no data rows") }
        let values = chunks.count == 1 ? chunks[0].values : chunks.flatMap(\.values)
        let matrix = try Matrix(rows: rows, columns: columns - (textColumn == nil ? 0 : 1), elements: values)
        var table = CSVTable(columnNames: header, values: matrix, lineNumbers: chunks.count == 1 ? chunks[0].lines : chunks.flatMap(\.lines))
        if let textColumn { table.labelText = (textColumn, chunks.count == 1 ? chunks[0].texts : chunks.flatMap(\.texts)) }
        return table
    }

    private func countNewlines(_ start: Int, _ end: Int) -> Int {
        var n = 0, k = start
        while k < end, let p = memchr(bytes.baseAddress! + k, Int32(Self.newline), end - k) {
            n += 1
            k = bytes.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return n
    }

    /// Parses the data lines in `bytes[start..<end]`, the first of which is line `firstLine`.
    private func parseRows(_ start: Int, _ end: Int, firstLine: Int, quotes: Bool, columns: Int, columnsLine: Int,
                           into chunk: inout Chunk) throws {
        chunk.values.reserveCapacity(estimatedCount(columns: columns, bytes: end - start))
        var position = start, lineNumber = firstLine - 1
        while position < end {
            let (lineStart, lineEnd, next) = line(from: position, quotes: quotes)
            position = next
            lineNumber += 1
            if isBlank(lineStart, lineEnd) { continue }
            let before = chunk.values.count
            let textsBefore = chunk.texts.count
            try numericCells(lineStart, lineEnd, lineNumber: lineNumber, into: &chunk.values, texts: &chunk.texts)
            let found = chunk.values.count - before + chunk.texts.count - textsBefore
            guard found == columns else {
                throw DataError.malformed(path: path, reason: "line \(lineNumber) has \(found) field\(found == 1 ? "" : "s"), expected \(columns) as on line \(columnsLine) (ragged row)")
            }
            chunk.lines.append(lineNumber)
        }
    }

    /// The cells of the first non-blank line at or after `position` (empty when none).
    private func firstDataCells(from position: Int) -> [[UInt8]] {
        var k = position
        while k < bytes.count {
            let (start, end, next) = line(from: k, quotes: true)
            if !isBlank(start, end) { return textCells(start, end) }
            k = next
        }
        return []
    }

    /// The column `choice` keeps as text, and whether a header name chose it (see
    /// `CSV.read(_:labelColumn:)`).
    static func textColumn(_ choice: CSVLabelColumn, header: [String]?, dataCells: [[UInt8]]) -> (column: Int?, named: Bool) {
        let columns = dataCells.count
        switch choice {
        case .none:
            return (nil, false)
        case .index(let i):
            let k = i < 0 ? columns + i : i
            return (k >= 0 && k < columns ? k : nil, false)
        case .name(let name):
            return (header?.firstIndex { $0.lowercased() == name.lowercased() }, true)
        case .automatic:
            if let header {
                let named = header.indices.filter { CSVTable.labelColumnNames.contains(header[$0].lowercased()) }
                if named.count == 1 { return (named[0], true) }
            }
            // Words, not gaps: an empty cell is a missing number.
            let words = dataCells.indices.filter { k in
                dataCells[k].contains { !CSVNumber.isSpace($0) && $0 != quote } && CSVNumber.parse(dataCells[k]) == nil
            }
            return (words.count == 1 ? words[0] : nil, false)
        }
    }

    /// True when the cells read 0, 1, …, n−1 or 1, 2, …, n with n ≥ 10: column numbers, as
    /// `pandas.DataFrame.to_csv(index=False)` writes for unnamed columns, not data. (Shorter
    /// runs like `1,2,3` are too plausible as data.)
    static func areColumnIndices(_ cells: [[UInt8]]) -> Bool {
        guard cells.count >= 10 else { return false }
        let numbers = cells.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }.map { Int($0) }
        return numbers == (0..<cells.count).map { $0 } || numbers == (1...cells.count).map { $0 }
    }

    /// Rough number of values in `count` bytes of lines of `columns` numbers.
    private func estimatedCount(columns: Int, bytes count: Int) -> Int {
        min(count / 2 + columns, count / max(1, 2 * columns) * columns + columns)
    }

    /// The line starting at `position`: its content range (without `\r\n`) and the next start.
    /// With `quotes`, a line end inside a quoted cell does not end the line.
    private func line(from position: Int, quotes: Bool) -> (start: Int, end: Int, next: Int) {
        var k = position
        if quotes {
            var inQuotes = false
            while k < bytes.count {
                let b = bytes[k]
                if b == Self.quote { inQuotes.toggle() } else if b == Self.newline && !inQuotes { break }
                k += 1
            }
        } else if let p = memchr(bytes.baseAddress! + position, Int32(Self.newline), bytes.count - position) {
            k = bytes.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
        } else {
            k = bytes.count
        }
        var end = k
        if end > position && bytes[end - 1] == Self.carriageReturn { end -= 1 }
        // Past the newline, but never past the end: a last line without a newline must not
        // leave the caller at count + 1 (memchr would then be asked for −1 bytes).
        return (position, end, min(k + 1, bytes.count))
    }

    private func isBlank(_ start: Int, _ end: Int) -> Bool {
        var k = start
        while k < end { if !CSVNumber.isSpace(bytes[k]) { return false }; k += 1 }
        return true
    }

    @inline(__always)
    private func isPadding(_ b: UInt8) -> Bool { b == 0x20 || (b == 0x09 && tabIsPadding) }

    /// `,` if the line has one outside quotes, else tab, else `;`, else `,` (one column).
    private static func detectDelimiter(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt8 {
        var seen = Set<UInt8>()
        var inQuotes = false
        for k in start..<end {
            if bytes[k] == quote { inQuotes.toggle() } else if !inQuotes { seen.insert(bytes[k]) }
        }
        for candidate: UInt8 in [0x2C, 0x09, 0x3B] where seen.contains(candidate) { return candidate }
        return 0x2C
    }

    /// The cells of a line as byte arrays, quotes removed (`""` inside quotes is one `"`).
    private func textCells(_ start: Int, _ end: Int) -> [[UInt8]] {
        var cells = [[UInt8]]()
        var cell = [UInt8]()
        var inQuotes = false
        var k = start
        while k < end {
            let b = bytes[k]
            if inQuotes {
                if b == Self.quote {
                    if k + 1 < end && bytes[k + 1] == Self.quote { cell.append(b); k += 1 } else { inQuotes = false }
                } else {
                    cell.append(b)
                }
            } else if b == Self.quote {
                inQuotes = true
            } else if b == delimiter {
                cells.append(cell); cell.removeAll()
            } else {
                cell.append(b)
            }
            k += 1
        }
        cells.append(cell)
        return cells
    }

    /// Parses every cell of a data line as a finite number, appending them to `row`.
    private func numericCells(_ start: Int, _ end: Int, lineNumber: Int, into row: inout [Float], texts: inout [String]) throws {
        var k = start
        var column = 1
        let textColumn = (self.textColumn ?? -2) + 1
        while true {
            let cellStart = k
            if column == textColumn {
                let (text, next) = textCell(from: k, end)
                guard !text.isEmpty else {
                    throw DataError.invalidValue(path: path, reason: "line \(lineNumber), column \(column): empty label (missing value)")
                }
                texts.append(text)
                k = next
                if k >= end { return }
                k += 1
                column += 1
                continue
            }
            while k < end && isPadding(bytes[k]) { k += 1 }
            let quoted = k < end && bytes[k] == Self.quote
            if quoted { k += 1 }
            guard let (v, next) = CSVNumber.parsePrefix(bytes, k, end) else {
                throw cellError(cellStart, end, lineNumber: lineNumber, column: column)
            }
            k = next
            if quoted {
                guard k < end && bytes[k] == Self.quote else { throw cellError(cellStart, end, lineNumber: lineNumber, column: column) }
                k += 1
            }
            while k < end && isPadding(bytes[k]) { k += 1 }
            guard k == end || bytes[k] == delimiter else { throw cellError(cellStart, end, lineNumber: lineNumber, column: column) }
            guard v.isFinite else {
                // A number spelled without "inf" that became infinite is beyond Float32's range.
                let spelled = bytes[cellStart..<k].contains { $0 == UInt8(ascii: "i") || $0 == UInt8(ascii: "I") }
                let what = v.isNaN ? "NaN is not allowed"
                    : spelled ? "infinity is not allowed"
                    : "\(String(decoding: bytes[cellStart..<k], as: UTF8.self).trimmingCharacters(in: .whitespaces)) does not fit in Float32 (largest magnitude about 3.4e38); scale the data down"
                throw DataError.invalidValue(path: path, reason: "line \(lineNumber), column \(column): \(what)")
            }
            row.append(v)
            if k == end { return }
            k += 1
            column += 1
        }
    }

    /// The text of the cell starting at `start`, without padding or quotes (`""` inside quotes is
    /// one `"`), and the index of the delimiter after it (or `lineEnd`).
    private func textCell(from start: Int, _ lineEnd: Int) -> (String, Int) {
        var k = start
        while k < lineEnd && isPadding(bytes[k]) { k += 1 }
        var cell = [UInt8]()
        if k < lineEnd && bytes[k] == Self.quote {
            k += 1
            while k < lineEnd {
                if bytes[k] == Self.quote {
                    if k + 1 < lineEnd && bytes[k + 1] == Self.quote { cell.append(Self.quote); k += 2; continue }
                    k += 1
                    break
                }
                cell.append(bytes[k])
                k += 1
            }
            while k < lineEnd && bytes[k] != delimiter { k += 1 }
        } else {
            while k < lineEnd && bytes[k] != delimiter { cell.append(bytes[k]); k += 1 }
            while let last = cell.last, isPadding(last) { cell.removeLast() }
        }
        return (String(decoding: cell, as: UTF8.self), k)
    }

    /// The error for the cell starting at `start` (it runs to the next delimiter or `lineEnd`).
    private func cellError(_ start: Int, _ lineEnd: Int, lineNumber: Int, column: Int) -> DataError {
        var a = start, b = start
        while b < lineEnd && bytes[b] != delimiter { b += 1 }
        while a < b && isPadding(bytes[a]) { a += 1 }
        while b > a && isPadding(bytes[b - 1]) { b -= 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[a..<b]), as: UTF8.self)
        let reason: String
        if text.isEmpty {
            reason = "line \(lineNumber), column \(column): empty cell (missing value)"
        } else {
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            reason = "line \(lineNumber), column \(column): '\(shown)' is not a number"
        }
        return .invalidValue(path: path, reason: reason)
    }
}

/// Fast parsing of decimal numbers from bytes.
enum CSVNumber {
    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    /// 10^e for 0 ≤ e ≤ 22 (all exact in `Double`).
    @inline(__always)
    private static func powerOfTen(_ e: Int) -> Double {
        switch e {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        case 15: return 1e15
        case 16: return 1e16
        case 17: return 1e17
        case 18: return 1e18
        case 19: return 1e19
        case 20: return 1e20
        case 21: return 1e21
        default: return 1e22
        }
    }

    /// Parses a whole cell; `nil` when it is not a number. `nan`, `inf` and `infinity` (any
    /// case, signed) parse to NaN and ±infinity so callers can name them.
    static func parse(_ cell: [UInt8]) -> Float? {
        cell.withUnsafeBufferPointer { p in
            var a = 0, b = p.count
            while a < b && isSpace(p[a]) { a += 1 }
            while b > a && isSpace(p[b - 1]) { b -= 1 }
            guard let (v, next) = parsePrefix(p, a, b), next == b else { return nil }
            return v
        }
    }

    /// Parses the number that starts at `bytes[start]` and ends before `end` or at the first
    /// byte that cannot continue it.
    /// - Returns: the value and the index after the number, or `nil` when no number starts there.
    static func parsePrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Float, Int)? {
        guard start < end else { return nil }
        var k = start
        var negative = false
        if bytes[k] == 0x2D || bytes[k] == 0x2B { negative = bytes[k] == 0x2D; k += 1 }
        var mantissa: UInt64 = 0
        var significant = 0, exponent = 0, digits = 0
        var exact = true
        while k < end, bytes[k] &- 0x30 < 10 {
            let d = UInt64(bytes[k] &- 0x30)
            if significant < 19 { mantissa = mantissa &* 10 &+ d; if mantissa > 0 { significant += 1 } } else { exponent += 1; exact = exact && d == 0 }
            digits += 1; k += 1
        }
        if k < end && bytes[k] == 0x2E {
            k += 1
            while k < end, bytes[k] &- 0x30 < 10 {
                let d = UInt64(bytes[k] &- 0x30)
                if significant < 19 { mantissa = mantissa &* 10 &+ d; exponent -= 1; if mantissa > 0 { significant += 1 } } else { exact = exact && d == 0 }
                digits += 1; k += 1
            }
        }
        guard digits > 0 else { return special(bytes, start, end) }
        if k < end && (bytes[k] == 0x65 || bytes[k] == 0x45) {
            k += 1
            var expNegative = false
            if k < end && (bytes[k] == 0x2D || bytes[k] == 0x2B) { expNegative = bytes[k] == 0x2D; k += 1 }
            var e = 0, expDigits = 0
            while k < end, bytes[k] &- 0x30 < 10 { if e < 100_000 { e = e * 10 + Int(bytes[k] &- 0x30) }; expDigits += 1; k += 1 }
            guard expDigits > 0 else { return nil }
            exponent += expNegative ? -e : e
        }
        let value: Double
        if exact && mantissa < (1 << 53) && abs(exponent) <= 22 {
            let m = Double(mantissa)
            value = exponent == 0 ? m : (exponent > 0 ? m * powerOfTen(exponent) : m / powerOfTen(-exponent))
        } else {
            value = slowParse(bytes, start, k)
        }
        return (Float(negative ? -value : value), k)
    }

    /// `strtod` on a copy, for numbers the fast path cannot round correctly (returns |value|).
    private static func slowParse(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double {
        var text = [CChar](repeating: 0, count: end - start + 1)
        for k in start..<end { text[k - start] = CChar(bitPattern: bytes[k]) }
        return abs(strtod(text, nil))
    }

    /// NaN and infinity spelled out (`nan`, `inf`, `infinity`, any case, signed).
    private static func special(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Float, Int)? {
        var k = start
        if k < end && (bytes[k] == 0x2D || bytes[k] == 0x2B) { k += 1 }
        while k < end && k - start < 10 && (bytes[k] | 0x20) >= 0x61 && (bytes[k] | 0x20) <= 0x7A { k += 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<k]), as: UTF8.self).lowercased()
        switch text {
        case "nan", "+nan", "-nan": return (.nan, k)
        case "inf", "+inf", "infinity", "+infinity": return (.infinity, k)
        case "-inf", "-infinity": return (-.infinity, k)
        default: return nil
        }
    }
}

/// Which column of a CSV file holds the labels.
public enum CSVLabelColumn: Sendable, Equatable {
    /// Decide from the file (see `CSVTable.labelColumn(_:path:)`).
    case automatic
    /// No column holds labels.
    case none
    /// The column at this 0-based index; negative indices count from the end (-1 is the last).
    case index(Int)
    /// The column with this header name (compared without case).
    case name(String)
}

extension CSVTable {
    /// Header names that mark a label column.
    static let labelColumnNames: Set<String> = ["label", "labels", "class", "target", "y", "digit"]

    /// The index of the label column that `choice` selects, or `nil` for none.
    ///
    /// `.automatic` applies these rules in order:
    /// 1. A header with exactly one column named `label`, `labels`, `class`, `target`, `y` or
    ///    `digit` (any case): that column.
    /// 2. The MNIST-as-CSV layout: at least 65 columns, every value a whole number in
    ///    0–255, and the first column (else the last) holds at least two distinct values, all
    ///    whole numbers in 0–99: that column. (A corner-pixel column is almost always constant,
    ///    so "label last" files are not mistaken for "label first".)
    /// 3. Otherwise there is no label column.
    /// - Throws: `DataError` when an index is out of range or a name is not in the header.
    public func labelColumn(_ choice: CSVLabelColumn, path: String) throws -> Int? {
        let columns = values.columns
        switch choice {
        case .none:
            return nil
        case .index(let i):
            let k = i < 0 ? columns + i : i
            guard k >= 0 && k < columns else {
                throw DataError.invalidArgument("\(path): label column \(i) is out of range (the file has \(columns) columns, indices 0…\(columns - 1) or -1…-\(columns))")
            }
            return k
        case .name(let name):
            guard let columnNames else {
                throw DataError.invalidArgument("\(path): has no header line, so no column is named '\(name)'; give the label column by index")
            }
            guard let k = columnNames.firstIndex(where: { $0.lowercased() == name.lowercased() }) else {
                throw DataError.invalidArgument("\(path): no column is named '\(name)' (columns: \(columnNames.prefix(8).joined(separator: ", "))\(columnNames.count > 8 ? ", …" : ""))")
            }
            return k
        case .automatic:
            if let columnNames {
                let named = columnNames.indices.filter { Self.labelColumnNames.contains(columnNames[$0].lowercased()) }
                if named.count == 1 { return named[0] }
            }
            guard columns > Dataset.minimumPixelColumns, values.valueSummary().allBytes else { return nil }
            for k in [0, columns - 1] where values.columnLooksLikeLabels(k) { return k }
            return nil
        }
    }

    /// The samples without column `labelColumn`, and that column as integer labels.
    /// - Throws: `DataError` when a label is not a whole number (naming its line).
    public func splittingLabels(at labelColumn: Int, path: String) throws -> (samples: Matrix, labels: [Int]) {
        let rows = values.rows, columns = values.columns
        var labels = [Int](repeating: 0, count: rows)
        var samples = Matrix(rows: rows, columns: columns - 1)
        try values.withUnsafeBufferPointer { src in
            try samples.withUnsafeMutableBufferPointer { dst in
                for i in 0..<rows {
                    let v = src[i * columns + labelColumn]
                    guard let l = Int(exactly: v) else {
                        throw DataError.invalidValue(path: path, reason: "line \(lineNumbers[i]), column \(labelColumn + 1): label \(v) is not a whole number")
                    }
                    labels[i] = l
                    var o = i * (columns - 1)
                    for j in 0..<columns where j != labelColumn { dst[o] = src[i * columns + j]; o += 1 }
                }
            }
        }
        return (samples, labels)
    }
}

extension Matrix {
    /// True when column `j` holds at least two distinct values, all whole numbers in 0–99.
    func columnLooksLikeLabels(_ j: Int) -> Bool {
        var seen = Set<Float>()
        for i in 0..<rows {
            let v = self[i, j]
            guard v >= 0, v <= 99, v == v.rounded(.towardZero) else { return false }
            seen.insert(v)
        }
        return seen.count >= 2
    }
}
