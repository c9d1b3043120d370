import LatentCore

extension DenseLayer {
    /// Whether `squaredErrorPass` over `rows` samples gives exactly the values of the separate
    /// passes it replaces: the units come in whole eight-lane blocks, and `rows × units` is
    /// small enough that the loss, the derivative and the column sums each run as one chunk.
    func fusesSquaredError(rows: Int) -> Bool {
        units % 8 == 0 && rows * units < parallelElementThreshold
    }

    /// The output layer of a mean-squared-error step after its product `z = x·W`, one row at a
    /// time while the row is in cache: `y = f(z + b)` in place (`activateRow`), the loss
    /// `Σ (y − t)²` over the rows, `g = 2(y − t)/total` times `f'(z)` into `gradient`, and the
    /// bias gradient `Σ_r g` into `biasGradient`. Returns the loss summed over the rows.
    ///
    /// The same arithmetic, in the same order, as `addBiasAndActivate`, `Loss.sum` (eight
    /// running sums over the flattened rows, added in lane order) and
    /// `derivativeAndColumnSums`, so the bytes do not change; only the passes over memory do.
    /// - Precondition: `fusesSquaredError(rows:)`.
    func squaredErrorPass(_ z: UnsafeMutablePointer<Float>, rows: Int, bias: UnsafePointer<Float>, target: UnsafePointer<Float>,
                          meanOver total: Int, gradient: UnsafeMutablePointer<Float>,
                          biasGradient sums: UnsafeMutablePointer<Float>) -> Double {
        precondition(fusesSquaredError(rows: rows), "the fused output pass needs whole eight-lane blocks and one chunk")
        let columns = units, f = activation
        let twice = 2 * (1 / Float(total))
        var lanes = SIMD8<Float>()
        sums.initialize(repeating: 0, count: columns)
        for r in 0..<rows {
            let y = z + r * columns, t = target + r * columns, g = gradient + r * columns
            activateRow(y, columns: columns, bias: bias, activation: f)
            var j = 0
            while j < columns {
                let d = load8(y, j) - load8(t, j)
                lanes += d * d
                let gz = twice * d
                let low = derivative(gz.lowHalf, load(y + j), f), high = derivative(gz.highHalf, load(y + j + 4), f)
                store(low, g + j)
                store(high, g + j + 4)
                store(load(sums + j) + low, sums + j)
                store(load(sums + j + 4) + high, sums + j + 4)
                j += 8
            }
        }
        var partial: Float = 0
        for i in 0..<8 { partial += lanes[i] }
        return 0 + Double(partial)
    }
}
