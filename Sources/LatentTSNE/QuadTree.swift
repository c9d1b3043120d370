import LatentCore

/// The output dimension as a type, so that the 2-D and 3-D kernels are compiled separately with
/// the dimension as a constant (no per-pair branch on it).
protocol EmbeddingSpace: SendableMetatype {
    static var dimensions: Int { get }
}

/// 2-D output: the tree is a quadtree.
enum PlaneSpace: EmbeddingSpace { static var dimensions: Int { 2 } }
/// 3-D output: the tree is an octree.
enum SolidSpace: EmbeddingSpace { static var dimensions: Int { 3 } }

/// One cell of the tree as the Barnes-Hut walk reads it (24 bytes).
struct TreeNode {
    /// Centre of mass of the points in the cell (z is 0 in 2-D).
    var x: Float, y: Float, z: Float
    /// Squared side length of the cell.
    var sizeSquared: Float
    /// Number of points in the cell.
    var count: Int32
    /// Index of the first of the 2^d consecutive children, or −1 for a leaf.
    var firstChild: Int32
}

/// One cell in the depth-first layout the Barnes-Hut walk reads (24 bytes): the walk goes from
/// index k to k + 1 to open a cell and to `skip` to summarise it, so it needs no stack and reads
/// the array front to back.
struct WalkNode {
    /// Centre of mass (z is 0 in 2-D).
    var x: Float, y: Float, z: Float
    /// Squared side length, or −1 for a leaf, which is always summarised.
    var sizeSquared: Float
    /// Number of points, as a Float for the kernel.
    var count: Float
    /// Index just past this cell's subtree.
    var skip: Int32
}

/// Geometry of a cell, needed only while building.
struct TreeCell {
    var centerX: Float, centerY: Float, centerZ: Float
    var halfWidth: Float
    /// A point in the cell when it is a leaf.
    var point: Int32
}

/// A 2^d-ary space-partitioning tree over the embedding (quadtree in 2-D, octree in 3-D) with
/// each cell's point count and centre of mass, as Barnes-Hut needs (van der Maaten 2014).
///
/// Nodes live in one array of structs with `Int32` child offsets; `rebuild` clears it keeping its
/// capacity, so after the first iteration nothing is allocated. Points are inserted in index
/// order, so the tree is the same for every thread count. Points at the same position (or
/// closer than the depth limit resolves) share one leaf.
struct QuadTree {
    private(set) var nodes: [TreeNode] = []
    private(set) var cells: [TreeCell] = []
    private(set) var dimensions = 2
    /// The non-empty cells in depth-first order, for the walk.
    private(set) var walk: [WalkNode] = []
    /// The points ordered by the depth-first position of their leaf: neighbours in space are
    /// neighbours in this order, so consecutive walks take similar paths (cache and branch
    /// prediction). Deterministic, like the tree.
    private(set) var order: [Int32] = []
    /// The next point in the same leaf (−1 ends the list); a leaf's list starts at its `point`.
    private var nextInLeaf: [Int32] = []
    /// Depth at which cells stop splitting; deeper points share a leaf.
    static let maximumDepth = 40

    /// Rebuilds the tree over `count` points stored row-major with `dimensions` coordinates.
    mutating func rebuild(positions y: UnsafePointer<Float>, count n: Int, dimensions d: Int) {
        precondition(d == 2 || d == 3, "the tree supports 2 or 3 dimensions, got \(d)")
        dimensions = d
        nodes.removeAll(keepingCapacity: true)
        cells.removeAll(keepingCapacity: true)
        walk.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        nextInLeaf.removeAll(keepingCapacity: true)
        nextInLeaf.append(contentsOf: repeatElement(-1, count: n))
        guard n > 0 else { return }
        var lo = [Float](repeating: .infinity, count: 3), hi = [Float](repeating: -.infinity, count: 3)
        for i in 0..<n {
            for c in 0..<d { lo[c] = min(lo[c], y[i * d + c]); hi[c] = max(hi[c], y[i * d + c]) }
        }
        if d == 2 { lo[2] = 0; hi[2] = 0 }
        var half: Float = 0
        for c in 0..<d { half = max(half, (hi[c] - lo[c]) / 2) }
        half = max(half * (1 + 1e-5), 1e-30)
        nodes.append(TreeNode(x: 0, y: 0, z: 0, sizeSquared: 0, count: 0, firstChild: -1))
        cells.append(TreeCell(centerX: (lo[0] + hi[0]) / 2, centerY: (lo[1] + hi[1]) / 2,
                              centerZ: (lo[2] + hi[2]) / 2, halfWidth: half, point: -1))
        for i in 0..<n {
            let px = y[i * d], py = y[i * d + 1], pz: Float = d == 3 ? y[i * d + 2] : 0
            insert(Int32(i), px, py, pz, positions: y)
        }
        // Sums to centres of mass.
        for k in nodes.indices where nodes[k].count > 0 {
            let inv = 1 / Float(nodes[k].count)
            nodes[k].x *= inv; nodes[k].y *= inv; nodes[k].z *= inv
            let w = 2 * cells[k].halfWidth
            nodes[k].sizeSquared = w * w
        }
        appendWalk(0)
    }

    /// Appends cell `k` and its non-empty descendants in depth-first order (depth ≤ maximumDepth),
    /// and a leaf's points to `order`.
    private mutating func appendWalk(_ k: Int) {
        let node = nodes[k]
        let at = walk.count
        walk.append(WalkNode(x: node.x, y: node.y, z: node.z, sizeSquared: node.firstChild < 0 ? -1 : node.sizeSquared,
                             count: Float(node.count), skip: 0))
        if node.firstChild >= 0 {
            let first = Int(node.firstChild)
            for c in 0..<(1 << dimensions) where nodes[first + c].count > 0 { appendWalk(first + c) }
        } else {
            var p = cells[k].point
            while p >= 0 { order.append(p); p = nextInLeaf[Int(p)] }
        }
        walk[at].skip = Int32(walk.count)
    }

    private mutating func insert(_ p: Int32, _ px: Float, _ py: Float, _ pz: Float, positions y: UnsafePointer<Float>) {
        let d = dimensions
        var node = 0
        var depth = 0
        while true {
            if nodes[node].firstChild < 0 {
                if nodes[node].count == 0 {
                    nodes[node].count = 1
                    nodes[node].x = px; nodes[node].y = py; nodes[node].z = pz
                    cells[node].point = p
                    return
                }
                let old = Int(cells[node].point)
                let ox = y[old * d], oy = y[old * d + 1], oz: Float = d == 3 ? y[old * d + 2] : 0
                if depth >= QuadTree.maximumDepth || (ox == px && oy == py && oz == pz) {
                    nextInLeaf[Int(p)] = nextInLeaf[old]
                    nextInLeaf[old] = p
                    nodes[node].count += 1
                    nodes[node].x += px; nodes[node].y += py; nodes[node].z += pz
                    return
                }
                // Split: the leaf's points (one, or duplicates of one position) move to a child.
                let first = nodes.count
                let cell = cells[node]
                let h = cell.halfWidth / 2
                for c in 0..<(1 << d) {
                    nodes.append(TreeNode(x: 0, y: 0, z: 0, sizeSquared: 0, count: 0, firstChild: -1))
                    cells.append(TreeCell(centerX: cell.centerX + ((c & 1) != 0 ? h : -h),
                                          centerY: cell.centerY + ((c & 2) != 0 ? h : -h),
                                          centerZ: d == 3 ? cell.centerZ + ((c & 4) != 0 ? h : -h) : 0,
                                          halfWidth: h, point: -1))
                }
                nodes[node].firstChild = Int32(first)
                let oc = first + QuadTree.childIndex(cell, ox, oy, oz)
                nodes[oc].count = nodes[node].count
                nodes[oc].x = nodes[node].x; nodes[oc].y = nodes[node].y; nodes[oc].z = nodes[node].z
                cells[oc].point = Int32(old)
            }
            nodes[node].count += 1
            nodes[node].x += px; nodes[node].y += py; nodes[node].z += pz
            node = Int(nodes[node].firstChild) + QuadTree.childIndex(cells[node], px, py, pz)
            depth += 1
        }
    }

    @inline(__always)
    static func childIndex(_ cell: TreeCell, _ x: Float, _ y: Float, _ z: Float) -> Int {
        (x > cell.centerX ? 1 : 0) | (y > cell.centerY ? 2 : 0) | (z > cell.centerZ ? 4 : 0)
    }

    /// The bounds of cell `k` (for tests): centre and half width.
    func cell(_ k: Int) -> TreeCell { cells[k] }
}
