import Foundation
import LatentCore

/// Per-point Gaussian bandwidths found by binary search, so that each conditional distribution
/// P(j|i) has the requested perplexity (van der Maaten & Hinton 2008).
///
/// For row i with squared distances d_j, P(j|i) ∝ exp(−β (d_j − d_min)); the shift by the
/// smallest distance leaves P unchanged but keeps the nearest term at exactly 1, so the sum never
/// underflows, however far the points are. The entropy H = log Σ + β Σ d p / Σ decreases with β;
/// the search brackets β (doubling or halving until the target is bracketed, then bisecting)
/// until |H − log(perplexity)| < `tolerance`, for at most `maximumSteps` steps. Duplicates (equal
/// distances) get equal probabilities; when more points share the smallest distance than the
/// perplexity, the target is out of reach and the row becomes uniform over them.
enum PerplexitySearch {
    /// Entropy tolerance in nats.
    static let tolerance = 1e-5
    /// Bound on the binary-search steps per point.
    static let maximumSteps = 200

    /// Fills `probabilities` (rows × width) with P(j|i) for each row of `squaredDistances`.
    ///
    /// Rows are independent; they run in parallel over chunks fixed by the row count.
    static func conditionalProbabilities(squaredDistances: UnsafePointer<Float>, rows: Int, width: Int,
                                         perplexity: Double, probabilities: UnsafeMutablePointer<Float>) {
        let dist = UnsafeSendable(squaredDistances), prob = UnsafeSendable(probabilities)
        let target = log(perplexity)
        Parallel.forEachChunk(count: rows, chunks: Parallel.defaultChunks(for: rows, minimumPerChunk: 16)) { _, range in
            for i in range {
                calibrateRow(dist.value + i * width, width: width, target: target, output: prob.value + i * width)
            }
        }
    }

    /// Calibrates one row and writes its normalised probabilities; returns the final entropy.
    @discardableResult
    static func calibrateRow(_ d: UnsafePointer<Float>, width: Int, target: Double,
                             output p: UnsafeMutablePointer<Float>) -> Double {
        var dMin = Float.infinity
        var mean = 0.0
        for j in 0..<width { dMin = min(dMin, d[j]); mean += Double(d[j]) }
        mean = mean / Double(width) - Double(dMin)
        var beta = mean > 0 ? 1 / mean : 1
        var lo = 0.0, hi = Double.infinity
        var entropy = 0.0
        var sum = 1.0
        for _ in 0..<maximumSteps {
            // β·d in Double: β may grow huge when the target is out of reach (duplicates), and
            // Float(β) · 0 would then be ∞ · 0 = NaN.
            var s = 0.0, sd = 0.0
            for j in 0..<width {
                let shifted = d[j] - dMin
                let e = Foundation.exp(Float(-beta * Double(shifted)))
                p[j] = e
                s += Double(e)
                sd += Double(shifted * e)
            }
            sum = s
            entropy = log(s) + beta * sd / s
            let diff = entropy - target
            // Past 1e250 the distribution no longer changes: the target cannot be reached (more
            // duplicates at the minimum distance than the perplexity), so keep this best row.
            if abs(diff) < tolerance || beta > 1e250 { break }
            if diff > 0 {
                lo = beta
                beta = hi.isFinite ? (beta + hi) / 2 : beta * 2
            } else {
                hi = beta
                beta = (beta + lo) / 2
            }
        }
        let inv = Float(1 / sum)
        for j in 0..<width { p[j] *= inv }
        return entropy
    }
}
