import CHNSW
import Foundation
import LatentCore

/// The settings of an approximate nearest-neighbour index: a hierarchical navigable small-world
/// graph (HNSW, Malkov & Yashunin 2018) from Debian's hnswlib.
///
/// Larger values find more of the true neighbours at more cost. The defaults were chosen by
/// measurement on Fashion-MNIST (70,000 points, PCA to 50 dimensions, k = 90; see the README):
/// recall 0.996 against the exact neighbours. Inserting is single-threaded and querying
/// parallel, so on few cores a small graph (links 12, construction breadth 40) with a wider
/// query (search breadth 120) beats a large graph at the same recall.
public struct ApproximateNeighborSettings: Sendable, Equatable {
    /// Graph neighbours per point on the upper layers, twice as many on the bottom one
    /// (hnswlib's M; default 12). Memory grows by 12 bytes per point for each link.
    public var links: Int
    /// Candidates kept while inserting a point (efConstruction; default 40). Building is
    /// single-threaded and its cost grows about linearly with this.
    public var constructionBreadth: Int
    /// Candidates kept while answering a query for k neighbours (efSearch; default 120); raised
    /// to k + 1 when smaller.
    public var searchBreadth: Int
    /// Seed of the random layer of each point: the same seed and points give the same graph.
    public var seed: UInt64

    public init(links: Int = 12, constructionBreadth: Int = 40, searchBreadth: Int = 120, seed: UInt64 = 1) {
        self.links = links
        self.constructionBreadth = constructionBreadth
        self.searchBreadth = searchBreadth
        self.seed = seed
    }

    /// An upper estimate of the index's bytes for `count` points of `dimensions` coordinates:
    /// the point copies, the bottom layer's 2·links links and a label per point, its lock and
    /// level, the upper layers (a point reaches layer l with probability links^−l) and one
    /// visited-list of 2 bytes per point for each searching thread.
    public func estimatedBytes(points count: Int, dimensions: Int) -> Int {
        typealias M = MemoryEstimate
        let bottom = 4 * dimensions + 4 * (2 * links + 1) + 8
        let bookkeeping = 8 + 4 + 40
        let upper = (4 * (links + 1) + links - 1) / max(1, links - 1)
        let perPoint = bottom + bookkeeping + upper + 2 * ExecutionContext.current.threads
        return M.product(count, perPoint)
    }

    func validate() throws {
        guard links >= 2, links <= 1000 else {
            throw AnalysisError.invalidArgument("approximate neighbours: links (M) must be 2...1000, got \(links)")
        }
        guard constructionBreadth >= 1, constructionBreadth <= 100_000 else {
            throw AnalysisError.invalidArgument("approximate neighbours: construction breadth must be 1...100000, got \(constructionBreadth)")
        }
        guard searchBreadth >= 0, searchBreadth <= 100_000 else {
            throw AnalysisError.invalidArgument("approximate neighbours: search breadth must be 0...100000, got \(searchBreadth)")
        }
    }
}

/// How far a neighbour search has got: `completed` of `total` points indexed or queried.
public struct NeighborSearchProgress: Sendable {
    /// The two passes of an approximate search: inserting every point, then querying.
    public enum Phase: Sendable { case indexing, querying }
    public let phase: Phase
    public let completed: Int
    public let total: Int
}

/// An approximate nearest-neighbour index over a fixed set of points (HNSW through hnswlib),
/// answering k-nearest queries for the indexed points themselves and for new points.
///
/// Points are inserted one by one on the calling thread, so the graph depends only on the
/// points, their order and `settings.seed`; queries then run in parallel chunks fixed by the
/// number of queries and each query's answer depends only on the graph. The same inputs
/// therefore give the same neighbours for any thread count. The index keeps its own copy of the
/// points (unit-length rows for the cosine metric), so the caller's matrix may be released.
///
/// ```swift
/// let index = try ApproximateNeighborIndex(of: points)               // build once
/// let graph = try index.neighborsOfIndexedPoints(k: 90)               // each point's 90 others
/// let near = try index.query(newPoints, k: 10)                        // any later points
/// ```
public final class ApproximateNeighborIndex: @unchecked Sendable {
    /// Number of indexed points.
    public let count: Int
    /// Coordinates per point.
    public let dimensions: Int
    /// The metric distances are measured in.
    public let metric: DistanceMetric
    /// The settings the graph was built with.
    public let settings: ApproximateNeighborSettings
    private let handle: OpaquePointer
    /// Guards the search breadth, which hnswlib keeps in the index, during a query.
    private let lock = NSLock()

    /// Builds the index of the rows of `points`.
    ///
    /// - Parameters:
    ///   - points: N × D points (N ≥ 1, D ≥ 1), finite.
    ///   - metric: Euclidean (default) or cosine (rows are normalised to unit length, and
    ///     1 − cosine is half their squared distance).
    ///   - settings: graph size and search effort (defaults measured on Fashion-MNIST).
    ///   - progress: called every 4,096 points with `.indexing`; return `.stop` to abandon.
    /// - Throws: `AnalysisError.nonFinite`, `.invalidArgument` (empty input or bad settings),
    ///   `.stopped`, `.indexFailed` (hnswlib's own failure, such as memory).
    /// - Complexity: about O(N · log N · constructionBreadth · links) operations of D
    ///   multiplications each, on one thread; memory `settings.estimatedBytes(points:dimensions:)`.
    public init(of points: Matrix, metric: DistanceMetric = .euclidean, settings: ApproximateNeighborSettings = .init(),
                progress: (NeighborSearchProgress) -> ProgressDecision = { _ in .continue }) throws {
        try settings.validate()
        guard points.rows >= 1, points.columns >= 1 else {
            throw AnalysisError.invalidArgument("approximate neighbours need at least one point of at least one dimension, got \(points.rows) × \(points.columns)")
        }
        try NearestNeighbors.checkFinite(points)
        guard points.rows < Int(Int32.max) else {
            throw AnalysisError.invalidArgument("approximate neighbours: at most \(Int32.max - 1) points, got \(points.rows)")
        }
        let data = metric == .cosine ? PairwiseDistances.normalizedRows(points) : points
        handle = try ApproximateNeighborIndex.build(data, settings: settings, progress: progress)
        count = points.rows
        dimensions = points.columns
        self.metric = metric
        self.settings = settings
    }

    /// A new hnswlib index holding the rows of `data`, inserted in order on this thread; freed
    /// again if anything fails.
    private static func build(_ data: Matrix, settings: ApproximateNeighborSettings,
                              progress: (NeighborSearchProgress) -> ProgressDecision) throws -> OpaquePointer {
        let n = data.rows, d = data.columns
        var message = [CChar](repeating: 0, count: 256)
        guard let h = hnsw_create(Int32(d), Int64(n), Int32(settings.links), Int32(settings.constructionBreadth),
                                  settings.seed, &message, message.count) else {
            throw AnalysisError.indexFailed(text(message))
        }
        var failure: AnalysisError?
        data.withUnsafeBufferPointer { p in
            var i = 0
            while i < n && failure == nil {
                let end = min(n, i + progressBlock)
                while i < end {
                    if hnsw_add(h, p.baseAddress! + i * d, Int64(i), &message, message.count) != 0 {
                        failure = .indexFailed(text(message))
                        break
                    }
                    i += 1
                }
                if failure == nil && progress(NeighborSearchProgress(phase: .indexing, completed: i, total: n)) == .stop {
                    failure = .stopped
                }
            }
        }
        if let failure {
            hnsw_free(h)
            throw failure
        }
        return h
    }

    deinit { hnsw_free(handle) }

    /// A message the C side wrote into `buffer` (up to its first zero byte).
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Queries per progress report and per parallel pass. Fixed: results never depend on it.
    static let progressBlock = 4096

    /// Bytes the index holds (its graph and point copies).
    public var memoryBytes: Int { Int(hnsw_memory_bytes(handle)) }

    /// The approximate `k` nearest indexed points of each row of `points` (a new point that
    /// equals an indexed one finds it at distance 0).
    ///
    /// - Parameters:
    ///   - points: M × D queries, D the indexed points' dimension.
    ///   - k: neighbours per query, 1 ≤ k ≤ `count`.
    ///   - searchBreadth: candidates kept per query (default `settings.searchBreadth`); raised
    ///     to at least k + 1.
    ///   - progress: called every 4,096 queries with `.querying`; return `.stop` to abandon.
    /// - Returns: indices into the indexed points and distances in `metric`, nearest first.
    /// - Throws: `AnalysisError.invalidNeighborCount`, `.sizeMismatch`, `.nonFinite`, `.stopped`.
    public func query(_ points: Matrix, k: Int, searchBreadth: Int? = nil,
                      progress: (NeighborSearchProgress) -> ProgressDecision = { _ in .continue }) throws -> NearestNeighbors {
        guard points.columns == dimensions else {
            throw AnalysisError.sizeMismatch("queries have \(points.columns) dimensions, the indexed points \(dimensions)")
        }
        guard k >= 1, k <= count else {
            throw AnalysisError.invalidNeighborCount(k: k, allowed: "1...\(count) for an index of \(count) points")
        }
        try NearestNeighbors.checkFinite(points)
        let q = metric == .cosine ? PairwiseDistances.normalizedRows(points) : points
        return try q.withUnsafeBufferPointer { p in
            try search(rows: points.rows, k: k, excludingSelf: false, breadth: searchBreadth, progress: progress) { i in
                p.baseAddress! + i * dimensions
            }
        }
    }

    /// The approximate `k` nearest other indexed points of every indexed point, in index order
    /// (a point is never its own neighbour; a duplicate of it is, at distance 0): the k-NN
    /// graph that t-SNE's sparse affinities are built from.
    ///
    /// - Parameters: as `query`, with 1 ≤ k ≤ `count` − 1.
    /// - Throws: `AnalysisError.invalidNeighborCount`, `.stopped`.
    public func neighborsOfIndexedPoints(k: Int, searchBreadth: Int? = nil,
                                         progress: (NeighborSearchProgress) -> ProgressDecision = { _ in .continue }) throws -> NearestNeighbors {
        guard k >= 1, k <= count - 1 else {
            throw AnalysisError.invalidNeighborCount(k: k, allowed: count >= 2 ? "1...\(count - 1) for \(count) points" : "at least 2 points")
        }
        let h = handle
        return try search(rows: count, k: k, excludingSelf: true, breadth: searchBreadth, progress: progress) { i in
            hnsw_point(h, Int64(i))!
        }
    }

    /// Runs `rows` queries in blocks of `progressBlock`, each block in parallel chunks fixed by
    /// its size. With `excludingSelf`, query i asks for k + 1 and drops point i (or, if a
    /// duplicate crowded it out, the farthest). A query whose graph search comes back short
    /// (possible only with tiny settings, whose graph falls apart) is answered exhaustively.
    private func search(rows m: Int, k: Int, excludingSelf: Bool, breadth: Int?,
                        progress: (NeighborSearchProgress) -> ProgressDecision,
                        query: (Int) -> UnsafePointer<Float>) throws -> NearestNeighbors {
        lock.lock()
        defer { lock.unlock() }
        let asked = excludingSelf ? k + 1 : k
        hnsw_set_search_breadth(handle, Int32(max(breadth ?? settings.searchBreadth, asked)))
        var indices = [Int32](repeating: 0, count: m * k)
        var distances = [Float](repeating: 0, count: m * k)
        let block = ApproximateNeighborIndex.progressBlock
        let chunksPerBlock = Parallel.defaultChunks(for: block, minimumPerChunk: 64)
        var labels = [Int64](repeating: 0, count: chunksPerBlock * asked)
        var squared = [Float](repeating: 0, count: chunksPerBlock * asked)
        var queryPointers = [UnsafePointer<Float>?](repeating: nil, count: block)
        var shortfalls = [Int](repeating: 0, count: chunksPerBlock)   // per chunk: disjoint writes
        let h = UnsafeSendable(handle), isCosine = metric == .cosine
        try indices.withUnsafeMutableBufferPointer { ip in
        try distances.withUnsafeMutableBufferPointer { dp in
        try labels.withUnsafeMutableBufferPointer { lp in
        try squared.withUnsafeMutableBufferPointer { sp in
        try queryPointers.withUnsafeMutableBufferPointer { qp in
        try shortfalls.withUnsafeMutableBufferPointer { fp in
            let out = UnsafeSendable((ip.baseAddress!, dp.baseAddress!, lp.baseAddress!, sp.baseAddress!))
            let queries = UnsafeSendable(qp.baseAddress!), short = UnsafeSendable(fp.baseAddress!)
            var start = 0
            while start < m {
                let rows = min(block, m - start), first = start
                for t in 0..<rows { queries.value[t] = query(first + t) }
                let chunks = min(chunksPerBlock, Parallel.defaultChunks(for: rows, minimumPerChunk: 64))
                Parallel.forEachChunk(count: rows, chunks: chunks) { c, range in
                    let (idx, dist, lab, sq) = out.value
                    let myLabels = lab + c * asked, mySquared = sq + c * asked
                    for t in range {
                        let i = first + t
                        var found = Int(hnsw_search(h.value, queries.value[t]!, Int32(asked), myLabels, mySquared))
                        if found < asked {
                            found = Int(hnsw_search_exhaustive(h.value, queries.value[t]!, Int32(asked), myLabels, mySquared))
                        }
                        if found < asked { short.value[c] += 1; continue }
                        var w = 0
                        for s in 0..<found where w < k && !(excludingSelf && myLabels[s] == Int64(i)) {
                            idx[i * k + w] = Int32(myLabels[s])
                            let s2 = mySquared[s]
                            dist[i * k + w] = isCosine ? s2 * 0.5 : s2.squareRoot()
                            w += 1
                        }
                    }
                }
                if fp.contains(where: { $0 > 0 }) {
                    throw AnalysisError.indexFailed("a query found fewer than \(asked) neighbours in an index of \(count) points")
                }
                start += rows
                if progress(NeighborSearchProgress(phase: .querying, completed: start, total: m)) == .stop {
                    throw AnalysisError.stopped
                }
            }
        }}}}}}
        return try NearestNeighbors(k: k, indices: indices, distances: distances, metric: metric)
    }
}
