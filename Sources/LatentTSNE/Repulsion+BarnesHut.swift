extension Repulsion {
    /// Row i's repulsion and Z estimated from the tree (bhtsne's `computeNonEdgeForces`).
    ///
    /// A cell is summarised by its centre of mass when it is a leaf or when its side is below
    /// θ times its distance from y_i (size² < θ² d²); otherwise its children are visited. The
    /// cells are laid out depth-first, so opening a cell is a step to the next entry and
    /// summarising it a jump past its subtree: no stack, and memory is read in order. The point's
    /// own leaf contributes q = 1 and no force; that 1 is subtracted from Z at the end.
    @inline(__always)
    static func barnesHutRow<S: EmbeddingSpace>(_: S.Type, _ i: Int, y: UnsafePointer<Float>,
                                                walk: UnsafePointer<WalkNode>, walkCount: Int, thetaSquared: Float)
        -> (x: Float, y: Float, z: Float, sumQ: Float) {
        let d = S.dimensions
        let xi = y[i * d], yi = y[i * d + 1], zi: Float = d == 3 ? y[i * d + 2] : 0
        var rx: Float = 0, ry: Float = 0, rz: Float = 0, sumQ: Float = 0
        var k = 0
        while k < walkCount {
            let node = walk[k]
            let dx = xi - node.x, dy = yi - node.y
            var d2 = dx * dx + dy * dy
            var dz: Float = 0
            if d == 3 { dz = zi - node.z; d2 += dz * dz }
            if node.sizeSquared < thetaSquared * d2 {
                let q = 1 / (1 + d2)
                let cq = node.count * q
                sumQ += cq
                let f = cq * q
                rx += f * dx; ry += f * dy
                if d == 3 { rz += f * dz }
                k = Int(node.skip)
            } else {
                k += 1
            }
        }
        return (rx, ry, rz, sumQ - 1)
    }
}
