import LatentCore

/// The exact k nearest neighbours of a set of points.
///
/// Found by brute force: squared distances to every reference point come tile by tile from
/// GEMM (256 queries × 2,048 reference points, scanned while in cache), each query row keeps its
/// k smallest in a bounded max-heap, and the
/// k winners' distances are then recomputed directly from the coordinates so that small
/// distances carry no cancellation error. Ties are broken by the smaller index, so the result is
/// fixed for a given input and the same for any thread count.
///
/// ```swift
/// let knn = try NearestNeighbors(of: points, k: 10)      // each point's 10 nearest others
/// let firstNeighbour = knn.indices(of: 0).first!
/// ```
public struct NearestNeighbors: Sendable, Equatable {
    /// Neighbours per point.
    public let k: Int
    /// Number of query points (rows of the tables).
    public let count: Int
    /// The metric the distances are measured in.
    public let metric: DistanceMetric
    /// `count × k` neighbour indices, row-major, nearest first.
    public let indices: [Int32]
    /// `count × k` distances in the metric (Euclidean distance, or 1 − cosine), nearest first.
    public let distances: [Float]

    /// Each point's `k` nearest other points in `data` (a point is never its own neighbour;
    /// a duplicate of it is, at distance 0).
    ///
    /// - Parameter progress: called after each block of 256 points with `.querying`; `.stop`
    ///   abandons the search.
    /// - Throws: `AnalysisError.invalidNeighborCount` unless 1 ≤ k ≤ N − 1;
    ///   `AnalysisError.nonFinite` for NaN or infinite input; `AnalysisError.stopped`.
    /// - Complexity: O(N²·D) time through GEMM, O(N·k) memory beyond a 2 MB tile.
    public init(of data: Matrix, k: Int, metric: DistanceMetric = .euclidean,
                progress: (NeighborSearchProgress) -> ProgressDecision = { _ in .continue }) throws {
        guard k >= 1, k <= data.rows - 1 else {
            throw AnalysisError.invalidNeighborCount(k: k, allowed: data.rows >= 2 ? "1...\(data.rows - 1) for \(data.rows) points" : "at least 2 points")
        }
        try NearestNeighbors.checkFinite(data)
        self = try NearestNeighbors.search(queries: data, reference: data, k: k, metric: metric, excludingSelf: true,
                                           progress: progress)
    }

    /// The `k` nearest rows of `reference` to each row of `queries`.
    ///
    /// - Throws: `AnalysisError.invalidNeighborCount` unless 1 ≤ k ≤ reference.rows;
    ///   `AnalysisError.sizeMismatch` when the dimensions differ; `AnalysisError.nonFinite`.
    public init(of queries: Matrix, in reference: Matrix, k: Int, metric: DistanceMetric = .euclidean) throws {
        guard queries.columns == reference.columns else {
            throw AnalysisError.sizeMismatch("queries have \(queries.columns) dimensions, reference points \(reference.columns)")
        }
        guard k >= 1, k <= reference.rows else {
            throw AnalysisError.invalidNeighborCount(k: k, allowed: reference.rows >= 1 ? "1...\(reference.rows)" : "a non-empty reference set")
        }
        try NearestNeighbors.checkFinite(queries)
        try NearestNeighbors.checkFinite(reference)
        self = try NearestNeighbors.search(queries: queries, reference: reference, k: k, metric: metric, excludingSelf: false)
    }

    /// A neighbour table built from given arrays (`count × k` each, nearest first).
    /// - Throws: `AnalysisError.sizeMismatch` when the arrays do not hold `count × k` entries.
    public init(k: Int, indices: [Int32], distances: [Float], metric: DistanceMetric = .euclidean) throws {
        guard k >= 1, indices.count == distances.count, indices.count % k == 0 else {
            throw AnalysisError.sizeMismatch("\(indices.count) indices and \(distances.count) distances do not form rows of k = \(k)")
        }
        self.k = k
        self.count = indices.count / k
        self.metric = metric
        self.indices = indices
        self.distances = distances
    }

    /// The neighbours of query `i`, nearest first.
    public func indices(of i: Int) -> ArraySlice<Int32> { indices[i * k ..< (i + 1) * k] }

    /// The distances to the neighbours of query `i`, nearest first.
    public func distances(of i: Int) -> ArraySlice<Float> { distances[i * k ..< (i + 1) * k] }

    static func checkFinite(_ m: Matrix) throws {
        if let (r, c) = m.firstNonFinite() { throw AnalysisError.nonFinite(row: r, column: c) }
    }

    /// Query rows per block and reference points per tile: one tile of products (256 × 2048,
    /// 2 MB) stays in cache while it is scanned. Fixed sizes: results never depend on threads.
    static let blockRows = 256, tileColumns = 2048

    static func search(queries: Matrix, reference: Matrix, k: Int, metric: DistanceMetric, excludingSelf: Bool,
                       progress: (NeighborSearchProgress) -> ProgressDecision = { _ in .continue }) throws -> NearestNeighbors {
        let m = queries.rows, n = reference.rows, d = queries.columns
        var outIndices = [Int32](repeating: 0, count: m * k)
        var outDistances = [Float](repeating: 0, count: m * k)
        let q = metric == .cosine ? PairwiseDistances.normalizedRows(queries) : queries
        let r = metric == .cosine ? PairwiseDistances.normalizedRows(reference) : reference
        let norms = r.rowSquaredNorms()
        let bRows = min(blockRows, m), tCols = min(tileColumns, n)
        var tile = [Float](repeating: 0, count: bRows * tCols)
        var heaps = (0..<bRows).map { _ in NeighborHeap(capacity: k) }
        try outIndices.withUnsafeMutableBufferPointer { oi in
        try outDistances.withUnsafeMutableBufferPointer { od in
        try q.withUnsafeBufferPointer { qp in
        try r.withUnsafeBufferPointer { rp in
        try norms.withUnsafeBufferPointer { np in
        try tile.withUnsafeMutableBufferPointer { tp in
        try heaps.withUnsafeMutableBufferPointer { hp in
            let idx = UnsafeSendable(oi.baseAddress!), dist = UnsafeSendable(od.baseAddress!)
            let qs = UnsafeSendable(qp.baseAddress!), rs = UnsafeSendable(rp.baseAddress!)
            let ns = UnsafeSendable(np.baseAddress!), ts = UnsafeSendable(tp.baseAddress!)
            let hs = UnsafeSendable(hp.baseAddress!)
            var start = 0
            while start < m {
                let rows = min(bRows, m - start)
                let first = start
                for h in 0..<rows { hs.value[h].removeAll() }
                let chunks = Parallel.defaultChunks(for: rows, minimumPerChunk: 4)
                var c0 = 0
                while c0 < n {
                    let cols = min(tCols, n - c0)
                    // −2 q·r for this block of queries and tile of reference points.
                    if d > 0 {
                        BLAS.gemm(.none, .transposed, m: rows, n: cols, k: d, alpha: -2, a: qs.value + first * d, lda: d,
                                  b: rs.value + c0 * d, ldb: d, beta: 0, c: ts.value, ldc: cols)
                    } else {
                        ts.value.update(repeating: 0, count: rows * cols)
                    }
                    let tileStart = c0
                    Parallel.forEachChunk(count: rows, chunks: chunks) { _, range in
                        for local in range {
                            let skip = excludingSelf ? first + local : -1
                            NearestNeighbors.scan(&hs.value[local], products: ts.value + local * cols, norms: ns.value,
                                                  from: tileStart, count: cols, skip: skip)
                        }
                    }
                    c0 += cols
                }
                // Exact distances for the winners, sorted by (distance, index).
                Parallel.forEachChunk(count: rows, chunks: chunks) { _, range in
                    for local in range {
                        let i = first + local
                        let qi = qs.value + i * d
                        NearestNeighbors.finish(&hs.value[local], query: qi, reference: rs.value, dimensions: d,
                                                metric: metric, indices: idx.value + i * k, distances: dist.value + i * k)
                    }
                }
                start += rows
                if progress(NeighborSearchProgress(phase: .querying, completed: start, total: m)) == .stop {
                    throw AnalysisError.stopped
                }
            }
        }}}}}}}
        return NearestNeighbors(k: k, count: m, metric: metric, indices: outIndices, distances: outDistances)
    }

    /// Offers reference points `from ..< from + count` to `heap`, keyed by ‖r_j‖² − 2 q·r_j (the
    /// query's own norm is the same for every j, so it does not change the order). Once the heap
    /// is full only keys below its largest can enter; ties lose, a later index being larger.
    @inline(__always)
    static func scan(_ heap: inout NeighborHeap, products row: UnsafePointer<Float>, norms: UnsafePointer<Float>,
                     from c0: Int, count: Int, skip: Int) {
        var j = 0
        while heap.count < heap.capacity && j < count {
            if c0 + j != skip { heap.offer(row[j] + norms[c0 + j], Int32(c0 + j)) }
            j += 1
        }
        guard j < count else { return }
        var worst = heap.keys[0]
        while j < count {
            let v = row[j] + norms[c0 + j]
            if v < worst && c0 + j != skip {
                heap.offer(v, Int32(c0 + j))
                worst = heap.keys[0]
            }
            j += 1
        }
    }

    /// Recomputes the winners' distances from the coordinates (no cancellation error), sorts
    /// them by (distance, index) and writes one output row.
    static func finish(_ heap: inout NeighborHeap, query qi: UnsafePointer<Float>, reference: UnsafePointer<Float>,
                       dimensions d: Int, metric: DistanceMetric, indices: UnsafeMutablePointer<Int32>,
                       distances: UnsafeMutablePointer<Float>) {
        for h in 0..<heap.count {
            let rj = reference + Int(heap.ids[h]) * d
            var s: Float = 0
            for c in 0..<d { let t = qi[c] - rj[c]; s += t * t }
            heap.keys[h] = s
        }
        heap.sortAscending()
        for h in 0..<heap.count {
            indices[h] = heap.ids[h]
            let s = heap.keys[h]
            distances[h] = metric == .cosine ? s * 0.5 : s.squareRoot()
        }
    }

    private init(k: Int, count: Int, metric: DistanceMetric, indices: [Int32], distances: [Float]) {
        self.k = k; self.count = count; self.metric = metric; self.indices = indices; self.distances = distances
    }
}

/// A bounded max-heap of (key, id) pairs keeping the `capacity` smallest, ordered by key then id.
struct NeighborHeap {
    var keys: [Float]
    var ids: [Int32]
    private(set) var count = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        keys = [Float](repeating: 0, count: capacity)
        ids = [Int32](repeating: 0, count: capacity)
    }

    mutating func removeAll() { count = 0 }

    @inline(__always)
    static func less(_ a: Float, _ ia: Int32, _ b: Float, _ ib: Int32) -> Bool { a < b || (a == b && ia < ib) }

    /// Keeps `(key, id)` if it is among the `capacity` smallest seen so far.
    @inline(__always)
    mutating func offer(_ key: Float, _ id: Int32) {
        if count < capacity {
            var c = count
            count += 1
            while c > 0 {
                let p = (c - 1) >> 1
                if NeighborHeap.less(keys[p], ids[p], key, id) { keys[c] = keys[p]; ids[c] = ids[p]; c = p } else { break }
            }
            keys[c] = key; ids[c] = id
        } else if NeighborHeap.less(key, id, keys[0], ids[0]) {
            siftDown(key, id, size: count)
        }
    }

    /// Places `(key, id)` at the root and restores the heap over the first `size` slots.
    private mutating func siftDown(_ key: Float, _ id: Int32, size: Int) {
        var c = 0
        while true {
            let l = 2 * c + 1
            if l >= size { break }
            var big = l
            let r = l + 1
            if r < size && NeighborHeap.less(keys[l], ids[l], keys[r], ids[r]) { big = r }
            if NeighborHeap.less(key, id, keys[big], ids[big]) { keys[c] = keys[big]; ids[c] = ids[big]; c = big } else { break }
        }
        keys[c] = key; ids[c] = id
    }

    /// Sorts the first `count` entries ascending by (key, id) (insertion sort: k is small).
    mutating func sortAscending() {
        for a in 1..<max(count, 1) {
            let key = keys[a], id = ids[a]
            var b = a - 1
            while b >= 0 && NeighborHeap.less(key, id, keys[b], ids[b]) {
                keys[b + 1] = keys[b]; ids[b + 1] = ids[b]; b -= 1
            }
            keys[b + 1] = key; ids[b + 1] = id
        }
    }
}
