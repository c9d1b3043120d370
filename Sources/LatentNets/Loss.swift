import Foundation
import LatentCore

/// The reconstruction loss, averaged over every element of the batch (as PyTorch's
/// `MSELoss()` and Keras's losses do for image rows).
public enum Loss: String, Sendable, Equatable, CaseIterable, Codable {
    /// Mean of `(output − target)²`.
    case meanSquaredError = "mse"
    /// Mean of `−[t·log(p) + (1 − t)·log(1 − p)]`. With a sigmoid output layer it is computed
    /// from the logits (`max(z, 0) − z·t + log(1 + e^(−|z|))`), which never overflows and whose
    /// gradient is simply `σ(z) − t`; on other outputs p is clamped to [1e-7, 1 − 1e-7].
    case binaryCrossEntropy = "bce"
    /// Mean of `|output − target|` (L1).
    case meanAbsoluteError = "l1"

    /// Whether this loss takes the logits of a sigmoid output layer instead of its output.
    func fusesSigmoid(outputActivation: Activation?) -> Bool {
        self == .binaryCrossEntropy && outputActivation == .sigmoid
    }

    /// The mean loss over `count` elements; writes ∂loss/∂output (or ∂loss/∂logit when
    /// `fromLogits`) into `gradient` unless it is `nil`.
    func evaluate(_ output: UnsafePointer<Float>, target: UnsafePointer<Float>, count: Int,
                  fromLogits: Bool, gradient: UnsafeMutablePointer<Float>?) -> Double {
        guard count > 0 else { return 0 }
        return sum(output, target: target, count: count, meanOver: count, fromLogits: fromLogits, gradient: gradient)
            / Double(count)
    }

    /// The loss summed over `count` elements, one part of a batch of `total` elements: the
    /// gradient written is that of the batch's mean (scaled by `1 / total`). Partial sums run
    /// over chunks fixed by `count`.
    func sum(_ output: UnsafePointer<Float>, target: UnsafePointer<Float>, count: Int, meanOver total: Int,
             fromLogits: Bool, gradient: UnsafeMutablePointer<Float>?) -> Double {
        guard count > 0 else { return 0 }
        let po = UnsafeSendable(output), pt = UnsafeSendable(target), pg = UnsafeSendable(gradient)
        let scale = 1 / Float(total)
        let chunks = elementChunks(count)
        return Parallel.sum(count: count, chunks: chunks) { range in
            let y = po.value, t = pt.value
            var s = 0.0
            switch (self, fromLogits) {
            case (.meanSquaredError, _):
                // Eight running sums (one per lane), added in lane order at the end.
                var lanes = SIMD8<Float>(), k = range.lowerBound
                let g = pg.value, twice = 2 * scale
                while k + 8 <= range.upperBound {
                    let d = UnsafeRawPointer(y + k).loadUnaligned(as: SIMD8<Float>.self)
                        - UnsafeRawPointer(t + k).loadUnaligned(as: SIMD8<Float>.self)
                    lanes += d * d
                    if let g { UnsafeMutableRawPointer(g + k).storeBytes(of: twice * d, as: SIMD8<Float>.self) }
                    k += 8
                }
                var partial: Float = 0
                for i in 0..<8 { partial += lanes[i] }
                while k < range.upperBound {
                    let d = y[k] - t[k]
                    partial += d * d
                    if let g { g[k] = twice * d }
                    k += 1
                }
                s = Double(partial)
            case (.meanAbsoluteError, _):
                var partial: Float = 0
                for k in range {
                    let d = y[k] - t[k]
                    partial += abs(d)
                    if let g = pg.value { g[k] = d > 0 ? scale : (d < 0 ? -scale : 0) }
                }
                s = Double(partial)
            case (.binaryCrossEntropy, true):
                for k in range {
                    let z = y[k]
                    s += Double(max(z, 0) - z * t[k] + log1p(fastExp(-abs(z))))
                    if let g = pg.value { g[k] = scale * (sigmoid(z) - t[k]) }
                }
            case (.binaryCrossEntropy, false):
                let eps: Float = 1e-7
                for k in range {
                    let p = min(max(y[k], eps), 1 - eps)
                    s -= Double(t[k] * log(p) + (1 - t[k]) * log(1 - p))
                    if let g = pg.value { g[k] = scale * (p - t[k]) / (p * (1 - p)) }
                }
            }
            return s
        }
    }
}

extension Loss {
    /// Checks that targets spanning `range` suit the loss: binary cross-entropy needs targets
    /// in [0, 1] (outside it the loss goes negative and is no longer smallest at the target).
    /// - Throws: `NetsError.invalidOption` naming `what` and its range.
    public func checkTargets(in range: (min: Float, max: Float)?, of what: String) throws {
        guard self == .binaryCrossEntropy, let range, range.min < 0 || range.max > 1 else { return }
        throw NetsError.invalidOption("bce needs values in [0, 1], but \(what) ranges from \(range.min) to \(range.max); use the mse or l1 loss, or scale the data")
    }
}
