import Foundation
@testable import LatentTSNE
import LatentCore

/// O(N²) reference computations in Double, independent of the library's kernels.
enum Reference {
    /// KL(P‖Q) with q_ij = (1 + ‖y_i − y_j‖²)⁻¹ / Σ_{k≠l} (1 + ‖y_k − y_l‖²)⁻¹.
    static func kl(p: Matrix, y: [Double], dimensions d: Int) -> Double {
        let n = p.rows
        var z = 0.0
        var w = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n where j != i {
                var s = 0.0
                for c in 0..<d { let t = y[i * d + c] - y[j * d + c]; s += t * t }
                w[i * n + j] = 1 / (1 + s)
                z += w[i * n + j]
            }
        }
        var kl = 0.0
        for i in 0..<n {
            for j in 0..<n where j != i {
                let pij = Double(p[i, j])
                if pij > 0 { kl += pij * log(pij / (w[i * n + j] / z)) }
            }
        }
        return kl
    }

    /// Row entropies −Σ p log p of a row-stochastic matrix given as rows of `width`.
    static func entropy(_ p: ArraySlice<Float>) -> Double {
        var h = 0.0
        for v in p where v > 0 { h -= Double(v) * log(Double(v)) }
        return h
    }
}
