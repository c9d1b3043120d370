import RealModule

/// The repulsive part of the gradient and the normalisation Z, summed over all pairs (O(N²)).
enum Repulsion {
    /// Σⱼ q_ij² (y_i − y_j) and Σⱼ q_ij for j ≠ i, exactly.
    ///
    /// Reads the positions as columns (`columns[c * n + j]` is coordinate c of point j), so the
    /// loop over j is contiguous and, with `Relaxed` arithmetic, vectorises. The j = i term
    /// (q = 1, no force) is summed with the others, keeping the loop branch-free, and subtracted
    /// afterwards.
    @inline(__always)
    static func exactRow<S: EmbeddingSpace>(_: S.Type, _ i: Int, columns y: UnsafePointer<Float>, count n: Int)
        -> (x: Float, y: Float, z: Float, sumQ: Float) {
        let d = S.dimensions
        let xs = y, ys = y + n, zs = y + 2 * n
        let xi = xs[i], yi = ys[i], zi: Float = d == 3 ? zs[i] : 0
        var rx: Float = 0, ry: Float = 0, rz: Float = 0, sumQ: Float = 0
        for j in 0..<n {
            let dx = xi - xs[j], dy = yi - ys[j]
            var d2 = Relaxed.multiplyAdd(dx, dx, dy * dy)
            var dz: Float = 0
            if d == 3 { dz = zi - zs[j]; d2 = Relaxed.multiplyAdd(dz, dz, d2) }
            let q = 1 / (1 + d2)
            sumQ = Relaxed.sum(sumQ, q)
            let q2 = q * q
            rx = Relaxed.multiplyAdd(q2, dx, rx)
            ry = Relaxed.multiplyAdd(q2, dy, ry)
            if d == 3 { rz = Relaxed.multiplyAdd(q2, dz, rz) }
        }
        return (rx, ry, rz, sumQ - 1)
    }
}
