extension Repulsion {
    /// Row i's repulsion and Z estimated from the tree (bhtsne's `computeNonEdgeForces`).
    ///
    /// A cell is summarised by its centre of mass when it is a leaf or when its side is below
    /// θ times its distance from y_i (size² < θ² d²); otherwise its non-empty children are
    /// visited. The walk uses the caller's `stack` (one per chunk, allocated once per fit). The
    /// point's own leaf contributes q = 1 and no force; that 1 is subtracted from Z at the end.
    @inline(__always)
    static func barnesHutRow<S: EmbeddingSpace>(_: S.Type, _ i: Int, y: UnsafePointer<Float>,
                                                nodes: UnsafePointer<TreeNode>, thetaSquared: Float,
                                                stack: UnsafeMutablePointer<Int32>)
        -> (x: Float, y: Float, z: Float, sumQ: Float) {
        let d = S.dimensions
        let children = 1 << d
        let xi = y[i * d], yi = y[i * d + 1], zi: Float = d == 3 ? y[i * d + 2] : 0
        var rx: Float = 0, ry: Float = 0, rz: Float = 0, sumQ: Float = 0
        stack[0] = 0
        var top = 1
        while top > 0 {
            top -= 1
            let node = nodes[Int(stack[top])]
            let dx = xi - node.x, dy = yi - node.y
            var d2 = dx * dx + dy * dy
            var dz: Float = 0
            if d == 3 { dz = zi - node.z; d2 += dz * dz }
            if node.firstChild < 0 || node.sizeSquared < thetaSquared * d2 {
                let q = 1 / (1 + d2)
                let cq = Float(node.count) * q
                sumQ += cq
                let f = cq * q
                rx += f * dx; ry += f * dy
                if d == 3 { rz += f * dz }
            } else {
                let first = Int(node.firstChild)
                for c in 0..<children where nodes[first + c].count > 0 {
                    stack[top] = Int32(first + c)
                    top += 1
                }
            }
        }
        return (rx, ry, rz, sumQ - 1)
    }
}
