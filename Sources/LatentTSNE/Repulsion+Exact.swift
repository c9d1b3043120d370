import RealModule

/// The repulsive part of the gradient and the normalisation Z, summed over all pairs (O(N²)).
enum Repulsion {
    /// Σⱼ q_ij² (y_i − y_j) and Σⱼ q_ij for j ≠ i, exactly, and with them the attraction
    /// Σⱼ p_ij q_ij (y_i − y_j) from row i of a dense P: the exact method visits every pair
    /// anyway, so the attraction costs one load and two multiply-adds per pair here instead of a
    /// second pass over P.
    ///
    /// Reads the positions as columns (`columns[c * n + j]` is coordinate c of point j), so the
    /// loop over j is contiguous and, with `Relaxed` arithmetic, vectorises. The j = i term
    /// (q = 1, no force, p = 0) is summed with the others, keeping the loop branch-free, and
    /// subtracted afterwards.
    @inline(__always)
    static func exactRow<S: EmbeddingSpace>(_: S.Type, _ i: Int, columns y: UnsafePointer<Float>, count n: Int,
                                            affinityRow p: UnsafePointer<Float>)
        -> (x: Float, y: Float, z: Float, sumQ: Float, attraction: (x: Float, y: Float, z: Float)) {
        let d = S.dimensions
        let xs = y, ys = y + n, zs = y + 2 * n
        let xi = xs[i], yi: Float = d >= 2 ? ys[i] : 0, zi: Float = d == 3 ? zs[i] : 0
        var rx: Float = 0, ry: Float = 0, rz: Float = 0, sumQ: Float = 0
        var ax: Float = 0, ay: Float = 0, az: Float = 0
        for j in 0..<n {
            let dx = xi - xs[j], dy: Float = d >= 2 ? yi - ys[j] : 0
            var d2 = Relaxed.multiplyAdd(dx, dx, dy * dy)
            var dz: Float = 0
            if d == 3 { dz = zi - zs[j]; d2 = Relaxed.multiplyAdd(dz, dz, d2) }
            let q = 1 / (1 + d2)
            sumQ = Relaxed.sum(sumQ, q)
            let q2 = q * q
            rx = Relaxed.multiplyAdd(q2, dx, rx)
            ry = Relaxed.multiplyAdd(q2, dy, ry)
            if d == 3 { rz = Relaxed.multiplyAdd(q2, dz, rz) }
            let pq = p[j] * q
            ax = Relaxed.multiplyAdd(pq, dx, ax)
            ay = Relaxed.multiplyAdd(pq, dy, ay)
            if d == 3 { az = Relaxed.multiplyAdd(pq, dz, az) }
        }
        return (rx, ry, rz, sumQ - 1, (ax, ay, az))
    }
}
