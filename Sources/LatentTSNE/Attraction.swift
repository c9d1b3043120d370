import Foundation

/// The attractive part of the t-SNE gradient over the non-zero entries of P, shared by every
/// gradient method (bhtsne's `computeEdgeForces`):
/// Σⱼ p_ij q_ij (y_i − y_j), with the unnormalised Student-t kernel q_ij = 1 / (1 + ‖y_i − y_j‖²).
enum Attraction {
    /// Row i's attraction; Float per pair, accumulated in locals, stored once by the caller.
    @inline(__always)
    static func row<S: EmbeddingSpace>(_: S.Type, _ i: Int, y: UnsafePointer<Float>, starts: UnsafePointer<Int>,
                                       columns: UnsafePointer<Int32>, values: UnsafePointer<Float>)
        -> (x: Float, y: Float, z: Float) {
        let d = S.dimensions
        let xi = y[i * d], yi: Float = d >= 2 ? y[i * d + 1] : 0, zi: Float = d == 3 ? y[i * d + 2] : 0
        var ax: Float = 0, ay: Float = 0, az: Float = 0
        for e in starts[i]..<starts[i + 1] {
            let j = Int(columns[e]) * d
            let dx = xi - y[j], dy: Float = d >= 2 ? yi - y[j + 1] : 0
            var d2 = dx * dx + dy * dy
            var dz: Float = 0
            if d == 3 { dz = zi - y[j + 2]; d2 += dz * dz }
            let pq = values[e] / (1 + d2)
            ax += pq * dx; ay += pq * dy
            if d == 3 { az += pq * dz }
        }
        return (ax, ay, az)
    }

    /// Σⱼ p_ij log q_ij over row i (for the KL divergence; only on reporting iterations).
    static func logKernelSum<S: EmbeddingSpace>(_: S.Type, _ i: Int, y: UnsafePointer<Float>, starts: UnsafePointer<Int>,
                                                columns: UnsafePointer<Int32>, values: UnsafePointer<Float>) -> Double {
        let d = S.dimensions
        let xi = y[i * d], yi: Float = d >= 2 ? y[i * d + 1] : 0, zi: Float = d == 3 ? y[i * d + 2] : 0
        var s = 0.0
        for e in starts[i]..<starts[i + 1] {
            let j = Int(columns[e]) * d
            let dx = xi - y[j], dy: Float = d >= 2 ? yi - y[j + 1] : 0
            var d2 = dx * dx + dy * dy
            if d == 3 { let dz = zi - y[j + 2]; d2 += dz * dz }
            s -= Double(values[e] * Foundation.log1p(d2))
        }
        return s
    }
}
