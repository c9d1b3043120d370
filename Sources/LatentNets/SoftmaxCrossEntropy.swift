import Foundation
import LatentCore

/// The multi-class loss of a classifier: softmax over each row of logits, then the negative
/// log-probability of the row's label, averaged over the rows (PyTorch's `CrossEntropyLoss`).
///
/// The log-softmax is computed stably as `z_c − m − log Σ_k e^(z_k − m)` with `m = max_k z_k`,
/// so no exponential overflows whatever the logits; the gradient with respect to the logits is
/// `(softmax(z) − onehot(label)) / rows`.
enum SoftmaxCrossEntropy {
    /// Rows per chunk below which a pass runs on one thread.
    static let rowsPerChunk = 256

    /// The mean loss over `rows` rows of `classes` logits; writes ∂loss/∂logits into `gradient`
    /// unless it is `nil`. Labels must lie in `0..<classes`.
    static func evaluate(logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int, classes: Int,
                         gradient: UnsafeMutablePointer<Float>?) -> Double {
        guard rows > 0 else { return 0 }
        let pz = UnsafeSendable(logits), pl = UnsafeSendable(labels), pg = UnsafeSendable(gradient)
        let scale = 1 / Float(rows)
        let total = Parallel.sum(count: rows, chunks: max(1, rows / rowsPerChunk)) { range in
            var s = 0.0
            for r in range {
                let z = pz.value + r * classes
                let label = Int(pl.value[r])
                assert(label >= 0 && label < classes, "label \(label) outside 0..<\(classes)")
                var m = z[0]
                for c in 1..<max(classes, 1) { m = max(m, z[c]) }
                var sum: Float = 0
                for c in 0..<classes { sum += fastExp(z[c] - m) }
                let logSum = Foundation.log(sum)
                s += Double(m + logSum - z[label])
                if let g = pg.value {
                    let row = g + r * classes, inverse = scale / sum
                    for c in 0..<classes { row[c] = fastExp(z[c] - m) * inverse }
                    row[label] -= scale
                }
            }
            return s
        }
        return total / Double(rows)
    }

    /// Replaces each row of `rows × classes` logits by its softmax probabilities, in place.
    static func softmax(_ x: UnsafeMutablePointer<Float>, rows: Int, classes: Int) {
        let px = UnsafeSendable(x)
        Parallel.forEachChunk(count: rows, chunks: max(1, rows / rowsPerChunk)) { _, range in
            for r in range {
                let z = px.value + r * classes
                var m = z[0]
                for c in 1..<max(classes, 1) { m = max(m, z[c]) }
                var sum: Float = 0
                for c in 0..<classes { z[c] = fastExp(z[c] - m); sum += z[c] }
                let inverse = 1 / sum
                for c in 0..<classes { z[c] *= inverse }
            }
        }
    }
}
