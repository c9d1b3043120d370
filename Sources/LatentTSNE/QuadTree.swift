import LatentCore

/// The output dimension as a type, so that the 2-D and 3-D kernels are compiled separately with
/// the dimension as a constant (no per-pair branch on it).
protocol EmbeddingSpace: SendableMetatype {
    static var dimensions: Int { get }
}

/// 1-D output: no tree (Barnes-Hut is not offered; interpolation and exact are).
enum LineSpace: EmbeddingSpace { static var dimensions: Int { 1 } }
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
/// Nodes live in one array of structs with `Int32` child offsets. The arrays only ever grow:
/// `rebuild` overwrites them through borrowed buffers and counts the cells in use, so after the
/// first iterations nothing is allocated, nothing is reference-counted and no bounds or
/// uniqueness checks run while inserting. Points are inserted in the previous build's spatial
/// order (index order the first time), which depends only on the positions, so the tree is the
/// same for every thread count. Points at the same position (or closer than the depth limit
/// resolves) share one leaf.
struct QuadTree {
    private var nodeStorage: [TreeNode] = []
    private var cellStorage: [TreeCell] = []
    /// Number of cells in use.
    private(set) var nodeCount = 0
    private(set) var dimensions = 2
    /// The non-empty cells in depth-first order, for the walk (`walkCount` of them are in use).
    private(set) var walkStorage: [WalkNode] = []
    private(set) var walkCount = 0
    /// The points ordered by the depth-first position of their leaf: neighbours in space are
    /// neighbours in this order, so consecutive walks take similar paths (cache and branch
    /// prediction). Deterministic, like the tree.
    private(set) var order: [Int32] = []
    /// The next point in the same leaf (−1 ends the list); a leaf's list starts at its `point`.
    private var nextInLeaf: [Int32] = []
    /// Depth at which cells stop splitting; deeper points share a leaf.
    static let maximumDepth = 40

    /// The cells in use (for tests and inspection).
    var nodes: ArraySlice<TreeNode> { nodeStorage[0..<nodeCount] }
    /// The walk in use.
    var walk: ArraySlice<WalkNode> { walkStorage[0..<walkCount] }
    /// The bounds of cell `k`: centre, half width, and a point when it is a leaf.
    func cell(_ k: Int) -> TreeCell { cellStorage[k] }

    /// Rebuilds the tree over `count` points stored row-major with `dimensions` coordinates.
    mutating func rebuild(positions y: UnsafePointer<Float>, count n: Int, dimensions d: Int) {
        precondition(d == 2 || d == 3, "the tree supports 2 or 3 dimensions, got \(d)")
        dimensions = d
        nodeCount = 0
        walkCount = 0
        // Insert in the previous walk's order when there is one: positions move little between
        // iterations, so consecutive insertions then descend the same cells (cache-friendly).
        // The cells do not depend on the order; only the rounding of the centre-of-mass sums does.
        if order.count != n { order = Array(0..<Int32(n)) }
        if nextInLeaf.count != n { nextInLeaf = [Int32](repeating: -1, count: n) }
        guard n > 0 else { return }
        var lo: (Float, Float, Float) = (.infinity, .infinity, 0), hi: (Float, Float, Float) = (-.infinity, -.infinity, 0)
        if d == 3 { lo.2 = .infinity; hi.2 = -.infinity }
        for i in 0..<n {
            lo.0 = min(lo.0, y[i * d]); hi.0 = max(hi.0, y[i * d])
            lo.1 = min(lo.1, y[i * d + 1]); hi.1 = max(hi.1, y[i * d + 1])
            if d == 3 { lo.2 = min(lo.2, y[i * d + 2]); hi.2 = max(hi.2, y[i * d + 2]) }
        }
        let half = max(max(hi.0 - lo.0, hi.1 - lo.1, hi.2 - lo.2) / 2 * (1 + 1e-5), 1e-30)
        let root = TreeCell(centerX: (lo.0 + hi.0) / 2, centerY: (lo.1 + hi.1) / 2, centerZ: (lo.2 + hi.2) / 2,
                            halfWidth: half, point: -1)
        // Insert everything; if the cells run out, grow (amortised: rarely after the first call).
        var capacity = max(nodeStorage.count, 4 * n + 64)
        while true {
            if nodeStorage.count < capacity {
                nodeStorage = [TreeNode](repeating: TreeNode(x: 0, y: 0, z: 0, sizeSquared: 0, count: 0, firstChild: -1), count: capacity)
                cellStorage = [TreeCell](repeating: TreeCell(centerX: 0, centerY: 0, centerZ: 0, halfWidth: 0, point: -1), count: capacity)
            }
            if let used = insertAll(positions: y, count: n, root: root) { nodeCount = used; break }
            capacity *= 2
        }
        if walkStorage.count < nodeCount {
            walkStorage = [WalkNode](repeating: WalkNode(x: 0, y: 0, z: 0, sizeSquared: 0, count: 0, skip: 0), count: nodeStorage.count)
        }
        layOutWalk(count: n)
    }

    /// Sets the insertion order of the next `rebuild` (a saved `order`, when resuming a run:
    /// the order changes the rounding of the centre-of-mass sums, so a resumed run must start
    /// from the order the interrupted one had). An order of the wrong length is ignored.
    mutating func restoreOrder(_ saved: [Int32]) {
        order = saved
    }

    /// Inserts the points into fresh cells; returns the cells used, or nil when they ran out.
    private mutating func insertAll(positions y: UnsafePointer<Float>, count n: Int, root: TreeCell) -> Int? {
        let d = dimensions, children = 1 << d
        return nodeStorage.withUnsafeMutableBufferPointer { nb -> Int? in
            cellStorage.withUnsafeMutableBufferPointer { cb -> Int? in
                nextInLeaf.withUnsafeMutableBufferPointer { lb -> Int? in
                  order.withUnsafeBufferPointer { insertion -> Int? in
                    let nodes = nb.baseAddress!, cells = cb.baseAddress!, next = lb.baseAddress!
                    let capacity = nb.count
                    nodes[0] = TreeNode(x: 0, y: 0, z: 0, sizeSquared: 0, count: 0, firstChild: -1)
                    cells[0] = root
                    var used = 1
                    for p in 0..<n { next[p] = -1 }
                    for r in 0..<n {
                        let p = Int(insertion[r])
                        let px = y[p * d], py = y[p * d + 1], pz: Float = d == 3 ? y[p * d + 2] : 0
                        var node = 0, depth = 0
                        while true {
                            if nodes[node].firstChild < 0 {
                                if nodes[node].count == 0 {
                                    nodes[node].count = 1
                                    nodes[node].x = px; nodes[node].y = py; nodes[node].z = pz
                                    cells[node].point = Int32(p)
                                    break
                                }
                                let old = Int(cells[node].point)
                                let ox = y[old * d], oy = y[old * d + 1], oz: Float = d == 3 ? y[old * d + 2] : 0
                                if depth >= QuadTree.maximumDepth || (ox == px && oy == py && oz == pz) {
                                    next[p] = next[old]
                                    next[old] = Int32(p)
                                    nodes[node].count += 1
                                    nodes[node].x += px; nodes[node].y += py; nodes[node].z += pz
                                    break
                                }
                                // Split: the leaf's points (one, or duplicates of one position) move to a child.
                                if used + children > capacity { return nil }
                                let first = used
                                used += children
                                let cell = cells[node]
                                let h = cell.halfWidth / 2
                                for c in 0..<children {
                                    nodes[first + c] = TreeNode(x: 0, y: 0, z: 0, sizeSquared: 0, count: 0, firstChild: -1)
                                    cells[first + c] = TreeCell(centerX: cell.centerX + ((c & 1) != 0 ? h : -h),
                                                                centerY: cell.centerY + ((c & 2) != 0 ? h : -h),
                                                                centerZ: d == 3 ? cell.centerZ + ((c & 4) != 0 ? h : -h) : 0,
                                                                halfWidth: h, point: -1)
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
                    // Sums to centres of mass.
                    for k in 0..<used where nodes[k].count > 0 {
                        let inv = 1 / Float(nodes[k].count)
                        nodes[k].x *= inv; nodes[k].y *= inv; nodes[k].z *= inv
                        let w = 2 * cells[k].halfWidth
                        nodes[k].sizeSquared = w * w
                    }
                    return used
                  }
                }
            }
        }
    }

    /// Lays the non-empty cells out depth-first into `walkStorage`, and the points into `order`.
    private mutating func layOutWalk(count n: Int) {
        let children = 1 << dimensions
        var w = 0, o = 0
        nodeStorage.withUnsafeBufferPointer { nb in
            cellStorage.withUnsafeBufferPointer { cb in
                nextInLeaf.withUnsafeBufferPointer { lb in
                    walkStorage.withUnsafeMutableBufferPointer { wb in
                        order.withUnsafeMutableBufferPointer { ob in
                            QuadTree.layOut(0, nodes: nb.baseAddress!, cells: cb.baseAddress!, next: lb.baseAddress!,
                                            children: children, walk: wb.baseAddress!, walkCount: &w,
                                            order: ob.baseAddress!, orderCount: &o)
                        }
                    }
                }
            }
        }
        assert(o == n, "the walk placed \(o) of \(n) points")
        walkCount = w
    }

    /// Appends cell `k` and its non-empty descendants (recursion depth ≤ maximumDepth).
    private static func layOut(_ k: Int, nodes: UnsafePointer<TreeNode>, cells: UnsafePointer<TreeCell>,
                               next: UnsafePointer<Int32>, children: Int, walk: UnsafeMutablePointer<WalkNode>,
                               walkCount: inout Int, order: UnsafeMutablePointer<Int32>, orderCount: inout Int) {
        let node = nodes[k]
        let at = walkCount
        walkCount += 1
        walk[at] = WalkNode(x: node.x, y: node.y, z: node.z, sizeSquared: node.firstChild < 0 ? -1 : node.sizeSquared,
                            count: Float(node.count), skip: 0)
        if node.firstChild >= 0 {
            let first = Int(node.firstChild)
            for c in 0..<children where nodes[first + c].count > 0 {
                layOut(first + c, nodes: nodes, cells: cells, next: next, children: children, walk: walk,
                       walkCount: &walkCount, order: order, orderCount: &orderCount)
            }
        } else {
            var p = cells[k].point
            while p >= 0 { order[orderCount] = p; orderCount += 1; p = next[Int(p)] }
        }
        walk[at].skip = Int32(walkCount)
    }

    @inline(__always)
    static func childIndex(_ cell: TreeCell, _ x: Float, _ y: Float, _ z: Float) -> Int {
        (x > cell.centerX ? 1 : 0) | (y > cell.centerY ? 2 : 0) | (z > cell.centerZ ? 4 : 0)
    }
}
