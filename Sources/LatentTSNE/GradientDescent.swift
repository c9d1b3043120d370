import LatentCore

/// The learning rate of gradient descent.
public enum LearningRate: Sendable, Equatable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    /// max(N / exaggeration, 50), with the exaggeration of the current phase (Belkina et al.
    /// 2019; openTSNE's `auto`, which is scikit-learn's `auto` in openTSNE's gradient scale).
    case auto
    /// A fixed rate, in openTSNE's scale (4× scikit-learn's, whose gradient carries the factor 4).
    case fixed(Double)

    public init(floatLiteral value: Double) { self = .fixed(value) }
    public init(integerLiteral value: Int) { self = .fixed(Double(value)) }

    /// The rate for `count` points at `exaggeration`.
    public func value(count: Int, exaggeration: Double) -> Double {
        switch self {
        case .auto: return max(Double(count) / max(exaggeration, 1e-12), 50)
        case .fixed(let v): return v
        }
    }
}

/// Momentum and per-coordinate gains of the t-SNE gradient descent (Jacobs 1988, as in every
/// reference implementation); kept between `optimize` calls.
public struct GradientDescentState: Sendable, Equatable {
    /// Per-coordinate gains, N × d row-major, starting at 1.
    public internal(set) var gains: [Float]
    /// The previous update, N × d row-major, starting at 0.
    public internal(set) var update: [Float]

    /// The smallest increment of a gain after a step in a consistent direction (openTSNE's `min_gain`).
    public static let minimumGain: Float = 0.01

    init(count: Int) {
        gains = [Float](repeating: 1, count: count)
        update = [Float](repeating: 0, count: count)
    }

    /// One step, exactly as openTSNE: where the gradient's sign differs from the previous
    /// update's the gain grows by 0.2, elsewhere it becomes 0.8·gain + 0.01; then
    /// update = momentum·update − rate·gain·gradient, positions += update, and the positions
    /// are re-centred on the origin. `maxGradientNorm` (optional) first clips each point's
    /// gradient to that Euclidean norm.
    mutating func step(positions: inout Matrix, gradient: inout [Float], learningRate: Float, momentum: Float,
                       maxGradientNorm: Float?) {
        let d = positions.columns, n = positions.rows
        if let maxGradientNorm {
            for i in 0..<n {
                var s: Float = 0
                for c in 0..<d { s += gradient[i * d + c] * gradient[i * d + c] }
                let coeff = maxGradientNorm / (s.squareRoot() + 1e-6)
                if coeff < 1 { for c in 0..<d { gradient[i * d + c] *= coeff } }
            }
        }
        var sums = [Double](repeating: 0, count: d)
        let minGain = GradientDescentState.minimumGain
        gradient.withUnsafeBufferPointer { g in
            gains.withUnsafeMutableBufferPointer { gain in
                update.withUnsafeMutableBufferPointer { u in
                    positions.withUnsafeMutableBufferPointer { y in
                        for k in 0..<(n * d) {
                            let gk = g[k], uk = u[k]
                            let flipped = (gk > 0) != (uk > 0) || (gk < 0) != (uk < 0)
                            gain[k] = flipped ? gain[k] + 0.2 : gain[k] * 0.8 + minGain
                            let step = momentum * uk - learningRate * gain[k] * gk
                            u[k] = step
                            y[k] += step
                        }
                        for i in 0..<n { for c in 0..<d { sums[c] += Double(y[i * d + c]) } }
                        for c in 0..<d {
                            let mean = Float(sums[c] / Double(n))
                            for i in 0..<n { y[i * d + c] -= mean }
                        }
                    }
                }
            }
        }
    }
}
