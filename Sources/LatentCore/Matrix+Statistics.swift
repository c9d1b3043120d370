/// Row-wise and column-wise reductions. Sums run in `Double` so that long columns keep precision.
extension Matrix {
    /// Sum of each row (length `rows`).
    public func rowSums() -> [Float] {
        reduceRows { p, c in var s = 0.0; for j in 0..<c { s += Double(p[j]) }; return Float(s) }
    }

    /// Squared Euclidean norm of each row (length `rows`).
    public func rowSquaredNorms() -> [Float] {
        reduceRows { p, c in var s: Float = 0; for j in 0..<c { s += p[j] * p[j] }; return s }
    }

    /// Largest element of each row.
    public func rowMaxima() -> [Float] {
        reduceRows { p, c in var m = -Float.infinity; for j in 0..<c { m = Swift.max(m, p[j]) }; return m }
    }

    /// Index of the largest element of each row.
    public func rowArgmax() -> [Int] {
        withUnsafeBufferPointer { p in
            (0..<rows).map { i in
                var best = 0
                for j in 1..<Swift.max(columns, 1) where p[i * columns + j] > p[i * columns + best] { best = j }
                return best
            }
        }
    }

    private func reduceRows(_ f: (UnsafePointer<Float>, Int) -> Float) -> [Float] {
        withUnsafeBufferPointer { p in
            (0..<rows).map { i in f(p.baseAddress! + i * columns, columns) }
        }
    }

    /// Sum of each column (length `columns`).
    public func columnSums() -> [Float] { columnSumsDouble().map { Float($0) } }

    /// Mean of each column (length `columns`); zeros for an empty matrix.
    public func columnMeans() -> [Float] {
        guard rows > 0 else { return [Float](repeating: 0, count: columns) }
        return columnSumsDouble().map { Float($0 / Double(rows)) }
    }

    /// Population variance of each column (divides by `rows`).
    public func columnVariances() -> [Float] {
        guard rows > 0 else { return [Float](repeating: 0, count: columns) }
        let means = columnSumsDouble().map { $0 / Double(rows) }
        var acc = [Double](repeating: 0, count: columns)
        withUnsafeBufferPointer { p in
            for i in 0..<rows {
                let base = i * columns
                for j in 0..<columns { let d = Double(p[base + j]) - means[j]; acc[j] += d * d }
            }
        }
        return acc.map { Float($0 / Double(rows)) }
    }

    /// Population standard deviation of each column.
    public func columnStandardDeviations() -> [Float] { columnVariances().map { $0.squareRoot() } }

    private func columnSumsDouble() -> [Double] {
        var acc = [Double](repeating: 0, count: columns)
        withUnsafeBufferPointer { p in
            for i in 0..<rows {
                let base = i * columns
                for j in 0..<columns { acc[j] += Double(p[base + j]) }
            }
        }
        return acc
    }

    /// Sum of all elements, accumulated in `Double`.
    public func sum() -> Double {
        withUnsafeBufferPointer { p in var s = 0.0; for v in p { s += Double(v) }; return s }
    }

    /// Smallest and largest element, or `nil` for an empty matrix.
    public func range() -> (min: Float, max: Float)? {
        guard count > 0 else { return nil }
        return withUnsafeBufferPointer { p in
            var lo = p[0], hi = p[0]
            for v in p { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
            return (lo, hi)
        }
    }

    /// Subtracts `values[j]` from column `j` of every row.
    public mutating func subtractFromColumns(_ values: [Float]) {
        precondition(values.count == columns, "\(values.count) values for \(columns) columns")
        let c = columns, r = rows
        withUnsafeMutableBufferPointer { p in
            for i in 0..<r { for j in 0..<c { p[i * c + j] -= values[j] } }
        }
    }

    /// Multiplies column `j` of every row by `values[j]`.
    public mutating func scaleColumns(by values: [Float]) {
        precondition(values.count == columns, "\(values.count) values for \(columns) columns")
        let c = columns, r = rows
        withUnsafeMutableBufferPointer { p in
            for i in 0..<r { for j in 0..<c { p[i * c + j] *= values[j] } }
        }
    }

    /// Multiplies every element by `s`.
    public mutating func scale(by s: Float) {
        withUnsafeMutableBufferPointer { p in for k in p.indices { p[k] *= s } }
    }

    /// The columns shifted to zero mean.
    public func centered() -> (matrix: Matrix, means: [Float]) {
        var out = self
        let means = columnMeans()
        out.subtractFromColumns(means)
        return (out, means)
    }

    /// The columns shifted to zero mean and scaled to unit variance.
    ///
    /// A constant column (standard deviation below `epsilon`) is centred and left unscaled, so it
    /// becomes all zeros rather than NaN.
    public func standardized(epsilon: Float = 1e-8) -> (matrix: Matrix, means: [Float], standardDeviations: [Float]) {
        let means = columnMeans()
        let stds = columnStandardDeviations()
        var out = self
        out.subtractFromColumns(means)
        out.scaleColumns(by: stds.map { $0 > epsilon ? 1 / $0 : 1 })
        return (out, means, stds)
    }

    /// Element-wise sum.
    public static func + (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns,
                     "cannot add \(lhs.rows) × \(lhs.columns) and \(rhs.rows) × \(rhs.columns)")
        var out = lhs
        rhs.withUnsafeBufferPointer { b in out.withUnsafeMutableBufferPointer { a in for k in a.indices { a[k] += b[k] } } }
        return out
    }

    /// Element-wise difference.
    public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns,
                     "cannot subtract \(rhs.rows) × \(rhs.columns) from \(lhs.rows) × \(lhs.columns)")
        var out = lhs
        rhs.withUnsafeBufferPointer { b in out.withUnsafeMutableBufferPointer { a in for k in a.indices { a[k] -= b[k] } } }
        return out
    }

    /// Mean of the squared element-wise differences.
    public func meanSquaredDifference(to other: Matrix) -> Double {
        precondition(rows == other.rows && columns == other.columns,
                     "cannot compare \(rows) × \(columns) with \(other.rows) × \(other.columns)")
        guard count > 0 else { return 0 }
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                var s = 0.0
                for k in a.indices { let d = Double(a[k] - b[k]); s += d * d }
                return s / Double(count)
            }
        }
    }
}

extension Matrix {
    /// The largest distance from a column mean that squared-distance and covariance code
    /// accepts: its square, summed over many rows and columns, must stay finite in Float
    /// (about 3.4e38). Values beyond it come from unscaled or corrupt data.
    public static let largestCenteredMagnitude: Float = 1e15

    /// The first element (row, column, value) farther than `limit` from its column's mean, or
    /// nil; finite data only.
    public func firstFarFromColumnMean(beyond limit: Float = Matrix.largestCenteredMagnitude) -> (row: Int, column: Int, value: Float)? {
        let means = columnMeans()
        return withUnsafeBufferPointer { p in
            for i in 0..<rows {
                let base = i * columns
                for j in 0..<columns where abs(p[base + j] - means[j]) > limit { return (i, j, p[base + j]) }
            }
            return nil
        }
    }
}
