import Foundation

/// A dense matrix of `Float`, stored row-major in one contiguous array.
///
/// `Matrix` is a value type with copy-on-write storage (it wraps a Swift `Array`). Row `i`
/// occupies `elements[i * columns ..< (i + 1) * columns]`, so a matrix of N points in D dimensions
/// is N × D, one point per row, as every LatentMap module expects.
///
/// ```swift
/// var m = Matrix(rows: 2, columns: 3, repeating: 0)
/// m[1, 2] = 5
/// let t = m.transposed()            // 3 × 2
/// let g = m.multiplied(by: t)       // 2 × 2, through cblas_sgemm
/// ```
public struct Matrix: Sendable, Equatable {
    /// Number of rows (points).
    public let rows: Int
    /// Number of columns (dimensions).
    public let columns: Int
    /// The elements in row-major order; `count == rows * columns`.
    @inlinable public var elements: [Float] { storage }
    @usableFromInline internal var storage: [Float]

    /// A matrix of the given shape with every element set to `value`.
    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape must be non-negative, got \(rows) × \(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = [Float](repeating: value, count: rows * columns)
    }

    /// A matrix that takes `elements` (row-major) as its storage.
    /// - Throws: `MatrixError.shapeMismatch` when `elements.count != rows * columns`.
    public init(rows: Int, columns: Int, elements: [Float]) throws {
        guard rows >= 0, columns >= 0, elements.count == rows * columns else {
            throw MatrixError.shapeMismatch(
                "cannot make a \(rows) × \(columns) matrix from \(elements.count) elements")
        }
        self.rows = rows
        self.columns = columns
        self.storage = elements
    }

    /// A matrix from an array of equally long rows.
    /// - Throws: `MatrixError.shapeMismatch` when the rows differ in length.
    public init(_ rowArrays: [[Float]]) throws {
        let columns = rowArrays.first?.count ?? 0
        var elements = [Float]()
        elements.reserveCapacity(rowArrays.count * columns)
        for (i, row) in rowArrays.enumerated() {
            guard row.count == columns else {
                throw MatrixError.shapeMismatch("row \(i) has \(row.count) elements, row 0 has \(columns)")
            }
            elements.append(contentsOf: row)
        }
        self.rows = rowArrays.count
        self.columns = columns
        self.storage = elements
    }

    /// Builds a matrix by letting `body` fill the zero-initialised storage in place.
    public init(rows: Int, columns: Int, fill body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        self.init(rows: rows, columns: columns)
        try storage.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// The shape as `(rows, columns)`.
    @inlinable public var shape: (rows: Int, columns: Int) { (rows, columns) }

    /// The number of elements, `rows * columns`.
    @inlinable public var count: Int { rows * columns }

    /// The element at row `i`, column `j`.
    @inlinable
    public subscript(i: Int, j: Int) -> Float {
        get {
            assert(i >= 0 && i < rows && j >= 0 && j < columns, "Matrix index (\(i), \(j)) out of range \(rows) × \(columns)")
            return storage[i &* columns &+ j]
        }
        set {
            assert(i >= 0 && i < rows && j >= 0 && j < columns, "Matrix index (\(i), \(j)) out of range \(rows) × \(columns)")
            storage[i &* columns &+ j] = newValue
        }
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Float] {
        precondition(i >= 0 && i < rows, "row \(i) out of range 0..<\(rows)")
        return Array(elements[i * columns ..< (i + 1) * columns])
    }

    /// Replaces row `i`.
    public mutating func setRow(_ i: Int, to values: [Float]) {
        precondition(i >= 0 && i < rows, "row \(i) out of range 0..<\(rows)")
        precondition(values.count == columns, "row has \(values.count) values, matrix has \(columns) columns")
        storage.replaceSubrange(i * columns ..< (i + 1) * columns, with: values)
    }

    /// The contiguous block of rows in `range`.
    public func rows(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) out of range 0..<\(rows)")
        var out = Matrix(rows: range.count, columns: columns)
        out.storage.replaceSubrange(0..<out.count, with: elements[range.lowerBound * columns ..< range.upperBound * columns])
        return out
    }

    /// The rows at `indices`, in that order (repeats allowed).
    public func rows(at indices: [Int]) -> Matrix {
        var out = Matrix(rows: indices.count, columns: columns)
        let c = columns
        elements.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                for (k, i) in indices.enumerated() {
                    precondition(i >= 0 && i < rows, "row \(i) out of range 0..<\(rows)")
                    for j in 0..<c { dst[k * c + j] = src[i * c + j] }
                }
            }
        }
        return out
    }

    /// The columns in `range`, as a new matrix.
    public func columns(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= columns, "columns \(range) out of range 0..<\(columns)")
        var out = Matrix(rows: rows, columns: range.count)
        let c = columns, w = range.count, lo = range.lowerBound
        elements.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                for i in 0..<rows { for j in 0..<w { dst[i * w + j] = src[i * c + lo + j] } }
            }
        }
        return out
    }

    /// Stacks matrices with equal column counts on top of each other.
    public static func vstack(_ parts: [Matrix]) throws -> Matrix {
        guard let first = parts.first else { return Matrix(rows: 0, columns: 0) }
        var elements = [Float]()
        elements.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for p in parts {
            guard p.columns == first.columns else {
                throw MatrixError.shapeMismatch("cannot stack a matrix of \(p.columns) columns under one of \(first.columns)")
            }
            elements.append(contentsOf: p.elements)
        }
        return try Matrix(rows: parts.reduce(0) { $0 + $1.rows }, columns: first.columns, elements: elements)
    }

    /// The transpose, `columns × rows`.
    public func transposed() -> Matrix {
        var out = Matrix(rows: columns, columns: rows)
        let r = rows, c = columns
        elements.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                // Blocked to stay in cache for large matrices.
                let b = 32
                var i0 = 0
                while i0 < r {
                    var j0 = 0
                    while j0 < c {
                        for i in i0..<min(i0 + b, r) {
                            for j in j0..<min(j0 + b, c) { dst[j * r + i] = src[i * c + j] }
                        }
                        j0 += b
                    }
                    i0 += b
                }
            }
        }
        return out
    }

    /// The same elements read as a matrix of another shape.
    public func reshaped(rows newRows: Int, columns newColumns: Int) throws -> Matrix {
        try Matrix(rows: newRows, columns: newColumns, elements: elements)
    }

    /// Calls `body` with the elements borrowed as a buffer.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the elements borrowed as a mutable buffer.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }

    /// Applies `transform` to every element.
    public func map(_ transform: (Float) throws -> Float) rethrows -> Matrix {
        var out = self
        try out.storage.withUnsafeMutableBufferPointer { p in
            for k in p.indices { p[k] = try transform(p[k]) }
        }
        return out
    }

    /// True when every element is finite (no NaN, no infinity).
    public var isFinite: Bool {
        elements.withUnsafeBufferPointer { p in
            var ok = true
            for v in p where !v.isFinite { ok = false; break }
            return ok
        }
    }

    /// The (row, column) of the first non-finite element, if any.
    public func firstNonFinite() -> (row: Int, column: Int)? {
        guard let k = elements.firstIndex(where: { !$0.isFinite }) else { return nil }
        return (k / max(columns, 1), k % max(columns, 1))
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        let shown = min(rows, 6)
        var lines = ["Matrix \(rows) × \(columns)"]
        for i in 0..<shown {
            let vals = (0..<min(columns, 8)).map { String(format: "%.4g", self[i, $0]) }
            lines.append("  [" + vals.joined(separator: ", ") + (columns > 8 ? ", …]" : "]"))
        }
        if rows > shown { lines.append("  …") }
        return lines.joined(separator: "\n")
    }
}
