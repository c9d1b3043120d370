import LatentCore

/// The repulsion of a fixed 2-D map sampled once on a regular grid, then read by bilinear
/// interpolation: the map never moves while points are placed, so its field Σⱼ q_j² (y − y_j)
/// and Σⱼ q_j is the same function of y at every step, and one tree walk per grid node replaces
/// one per point per step (openTSNE's transform interpolates a precomputed grid too). Points
/// outside the grid fall back to walking the tree.
///
/// The grid covers the map's bounding box plus a margin; its spacing is the requested one, made
/// coarser only when the grid would exceed `maximumNodes`. Every node depends on the map alone,
/// so placing stays independent of the batch and of the thread count.
struct ReferenceGrid {
    /// Per node: Σ q, then Σ q² (y − y_j) in x and in y.
    private(set) var values: [Float] = []
    let originX: Float, originY: Float
    let spacing: Float
    let columns: Int, rows: Int

    /// Nodes at most (12 bytes each).
    static let maximumNodes = 4_000_000

    /// Samples the field of the tree over `positions` (n × 2) with spacing `spacing`.
    init(positions y: UnsafePointer<Float>, count n: Int, walk: UnsafePointer<WalkNode>, walkCount: Int,
         thetaSquared: Float, spacing requested: Float) {
        var lo = (Float.infinity, Float.infinity), hi = (-Float.infinity, -Float.infinity)
        for i in 0..<n {
            lo.0 = min(lo.0, y[2 * i]); hi.0 = max(hi.0, y[2 * i])
            lo.1 = min(lo.1, y[2 * i + 1]); hi.1 = max(hi.1, y[2 * i + 1])
        }
        // The margin holds points that settle just outside the map's edge.
        let margin = max(2, 0.05 * max(hi.0 - lo.0, hi.1 - lo.1))
        let width = hi.0 - lo.0 + 2 * margin, height = hi.1 - lo.1 + 2 * margin
        var h = max(requested, 1e-3)
        while (Int(width / h) + 2) * (Int(height / h) + 2) > ReferenceGrid.maximumNodes { h *= 1.25 }
        spacing = h
        originX = lo.0 - margin
        originY = lo.1 - margin
        columns = Int(width / h) + 2
        rows = Int(height / h) + 2
        let nodes = columns * rows
        values = [Float](repeating: 0, count: 3 * nodes)
        let field = BarnesHutField(walk: walk, walkCount: walkCount, thetaSquared: thetaSquared)
        let (cols, x0, y0, step) = (columns, originX, originY, h)
        values.withUnsafeMutableBufferPointer { vb in
            let out = UnsafeSendable(vb.baseAddress!), tree = UnsafeSendable(field)
            Parallel.forEachChunk(count: nodes, chunks: Parallel.defaultChunks(for: nodes, minimumPerChunk: 256)) { _, range in
                var point: (Float, Float, Float) = (0, 0, 0)
                for k in range {
                    point = (x0 + Float(k % cols) * step, y0 + Float(k / cols) * step, 0)
                    let f = withUnsafePointer(to: &point) { p in
                        p.withMemoryRebound(to: Float.self, capacity: 3) { tree.value.repulsion(PlaneSpace.self, at: $0) }
                    }
                    out.value[3 * k] = f.sumQ; out.value[3 * k + 1] = f.x; out.value[3 * k + 2] = f.y
                }
            }
        }
    }
}

/// A `ReferenceGrid` read by bilinear interpolation, with the tree for points off the grid.
struct GridField: ReferenceField {
    let values: UnsafePointer<Float>
    let originX: Float, originY: Float
    let inverseSpacing: Float
    let columns: Int, rows: Int
    let fallback: BarnesHutField

    init(_ grid: ReferenceGrid, values: UnsafePointer<Float>, fallback: BarnesHutField) {
        self.values = values
        originX = grid.originX
        originY = grid.originY
        inverseSpacing = 1 / grid.spacing
        columns = grid.columns
        rows = grid.rows
        self.fallback = fallback
    }

    @inline(__always)
    func repulsion<S: EmbeddingSpace>(_: S.Type, at point: UnsafePointer<Float>) -> (x: Float, y: Float, z: Float, sumQ: Float) {
        let fx = (point[0] - originX) * inverseSpacing, fy = (point[1] - originY) * inverseSpacing
        // Also false for NaN: the tree then reports it as it would.
        guard S.dimensions == 2, fx >= 0, fy >= 0, fx < Float(columns - 1), fy < Float(rows - 1) else {
            return fallback.repulsion(S.self, at: point)
        }
        let ix = Int(fx), iy = Int(fy)
        let tx = fx - Float(ix), ty = fy - Float(iy)
        let a = values + 3 * (iy * columns + ix), b = a + 3, c = a + 3 * columns, d = c + 3
        let w00 = (1 - tx) * (1 - ty), w10 = tx * (1 - ty), w01 = (1 - tx) * ty, w11 = tx * ty
        let sumQ = w00 * a[0] + w10 * b[0] + w01 * c[0] + w11 * d[0]
        let rx = w00 * a[1] + w10 * b[1] + w01 * c[1] + w11 * d[1]
        let ry = w00 * a[2] + w10 * b[2] + w01 * c[2] + w11 * d[2]
        return (rx, ry, 0, sumQ)
    }
}
