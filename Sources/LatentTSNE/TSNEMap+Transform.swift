import Foundation
import LatentAnalysis
import LatentCore

/// How new points are placed into a fixed map. The defaults are openTSNE's `transform`
/// defaults (its early phase has 0 iterations by default, so there is none here).
///
/// Each new point i gets affinities p_j|i to its k = min(N, ⌊3·perplexity⌋) nearest reference
/// points, calibrated to `perplexity` and summing to 1 over them (no symmetrisation: the
/// reference does not look back). It starts at the coordinate-wise median of those neighbours'
/// positions and follows the gradient of its own KL(p_·|i ‖ q_·|i), where
/// q_j|i = (1 + ‖y_i − y_j‖²)⁻¹ / Σ_l (1 + ‖y_i − y_l‖²)⁻¹ runs over the reference only:
/// g_i = α Σⱼ p_j|i q_ij (y_i − y_j) − Σⱼ q_ij² (y_i − y_j) / Σⱼ q_ij (openTSNE's scale and its
/// point-wise normalisation). Steps use the usual gains and momentum, with clipping.
public struct TSNEPlacement: Sendable, Equatable {
    /// Effective number of reference neighbours of each new point (default 5); below k.
    public var perplexity: Double
    /// Gradient steps per point (default 250).
    public var iterations: Int
    /// Factor on the attraction to the neighbours (default 1.5, as openTSNE).
    public var exaggeration: Double
    /// Learning rate, in openTSNE's gradient scale (default 0.1: the map is fixed, so the
    /// large rates of a fit would throw points about).
    public var learningRate: Double
    /// Weight of the previous step (default 0.8).
    public var momentum: Double
    /// Clip each point's gradient to this norm before the step (default 0.25; nil: never).
    public var maxGradientNorm: Double?
    /// Clip each step to this length (default nil: never).
    public var maxStepNorm: Double?
    /// For 2-D Barnes-Hut maps: sample the fixed map's repulsion once on a grid of this
    /// spacing (in map units) and interpolate it at every step, instead of walking the tree
    /// per point and step (default 0.5; nil: always walk the tree). The grid costs about as
    /// much as placing (nodes / iterations) points, whatever the batch, so results never depend
    /// on the batch; it pays off from a few thousand points per call.
    public var gridSpacing: Double?

    public init(perplexity: Double = 5, iterations: Int = 250, exaggeration: Double = 1.5, learningRate: Double = 0.1,
                momentum: Double = 0.8, maxGradientNorm: Double? = 0.25, maxStepNorm: Double? = nil,
                gridSpacing: Double? = 0.5) {
        self.perplexity = perplexity
        self.iterations = iterations
        self.exaggeration = exaggeration
        self.learningRate = learningRate
        self.momentum = momentum
        self.maxGradientNorm = maxGradientNorm
        self.maxStepNorm = maxStepNorm
        self.gridSpacing = gridSpacing
    }

    func validate() throws {
        guard perplexity.isFinite, perplexity >= 1 else { throw TSNEError.invalidPerplexity(perplexity) }
        guard iterations >= 0 else {
            throw TSNEError.invalidParameter(name: "iterations", value: String(iterations), allowed: "0 or more")
        }
        for (name, v) in [("exaggeration", exaggeration), ("learning rate", learningRate)] where !(v > 0 && v.isFinite) {
            throw TSNEError.invalidParameter(name: name, value: String(v), allowed: "a positive number")
        }
        guard momentum >= 0, momentum < 1 else {
            throw TSNEError.invalidParameter(name: "momentum", value: String(momentum), allowed: "a value in [0, 1)")
        }
        for (name, v) in [("max gradient norm", maxGradientNorm), ("max step norm", maxStepNorm), ("grid spacing", gridSpacing)] {
            if let v, !(v > 0) { throw TSNEError.invalidParameter(name: name, value: String(v), allowed: "a positive number") }
        }
    }
}

/// Finds each new point's nearest reference points: the seam where another neighbour index
/// (an approximate one) plugs into placing. `ExactReferenceSearch` is the default.
public protocol ReferenceNeighborSearch: Sendable {
    /// The `k` nearest reference rows of each row of `queries`, nearest first, with distances
    /// in the map's metric (Euclidean distance, or 1 − cosine).
    func neighbors(of queries: Matrix, k: Int) throws -> NearestNeighbors
}

/// Exact nearest reference points by brute force through GEMM (`NearestNeighbors(of:in:)`).
public struct ExactReferenceSearch: ReferenceNeighborSearch {
    public let reference: Matrix
    public let metric: DistanceMetric

    public init(reference: Matrix, metric: DistanceMetric = .euclidean) {
        self.reference = reference
        self.metric = metric
    }

    public func neighbors(of queries: Matrix, k: Int) throws -> NearestNeighbors {
        try NearestNeighbors(of: queries, in: reference, k: k, metric: metric)
    }
}

/// What placing reports as it goes.
public struct PlacementProgress: Sendable {
    /// Points placed so far.
    public let placed: Int
    /// Points to place.
    public let total: Int
}

/// The outcome of `TSNEMap.transform`.
public struct PlacementResult: Sendable {
    /// M × d positions of the new points, in the map's coordinates.
    public let positions: Matrix
    /// True when the progress closure stopped the run; points not yet reached keep their
    /// starting positions (the median of their neighbours).
    public let stopped: Bool
    /// Seconds spent finding neighbours and calibrating affinities.
    public let affinitySeconds: Double
    /// Seconds spent optimising.
    public let optimizationSeconds: Double
}

extension TSNEMap {
    /// Places the rows of `data` into the map, which stays fixed.
    ///
    /// New points interact with the reference only, never with each other, so placing points
    /// in one batch or in several gives the same positions, and the positions are the same for
    /// any thread count (each point's optimisation is sequential and its own). The repulsion
    /// comes from the map's method: a Barnes-Hut tree built once over the fixed reference
    /// positions (for 2-D maps sampled once on a grid, `TSNEPlacement.gridSpacing`), or every
    /// reference point (`.exact`). The one caveat is the neighbour search:
    /// candidates are ranked by GEMM-computed distances, so two reference points at distances
    /// equal to within rounding might be ranked differently in a differently sized batch.
    ///
    /// - Parameters:
    ///   - data: M × `inputDimensions` rows (raw rows when the map has a projection).
    ///   - placement: perplexity and schedule (default: openTSNE's `transform` defaults).
    ///   - search: how neighbours are found (default exact, over `reference`).
    ///   - context: threads (default: the caller's context).
    ///   - progress: called after each block of 512 points; `.stop` ends early.
    /// - Throws: `TSNEError.mapMismatch` when `data` has the wrong number of columns,
    ///   `TSNEError.nonFinite` for NaN or infinite input, `TSNEError.invalidParameter` for bad
    ///   settings or a perplexity the reference cannot reach, `TSNEError.diverged`.
    /// - Complexity: O(M·N·D) for exact neighbours (GEMM), then O(iterations · M · log N)
    ///   (Barnes-Hut) or O(iterations · M · N) (exact).
    public func transform(_ data: Matrix, placement: TSNEPlacement = TSNEPlacement(),
                          search: (any ReferenceNeighborSearch)? = nil, context: ExecutionContext = .current,
                          progress: (PlacementProgress) -> ProgressDecision = { _ in .continue }) throws -> PlacementResult {
        try context.run { try place(data, placement: placement, search: search, progress: progress) }
    }

    private func place(_ data: Matrix, placement: TSNEPlacement, search: (any ReferenceNeighborSearch)?,
                       progress: (PlacementProgress) -> ProgressDecision) throws -> PlacementResult {
        try checkFits(columns: data.columns)
        try placement.validate()
        if let (r, c) = data.firstNonFinite() { throw TSNEError.nonFinite(what: "the new points", row: r, column: c) }
        let m = data.rows, d = dimensions
        guard m > 0 else {
            return PlacementResult(positions: Matrix(rows: 0, columns: d), stopped: false, affinitySeconds: 0, optimizationSeconds: 0)
        }
        let t0 = Date()
        let x = projection?.apply(data) ?? data
        let k = min(count, Int(3 * placement.perplexity))
        guard placement.perplexity < Double(k) else {
            throw TSNEError.invalidParameter(name: "placement perplexity", value: String(placement.perplexity),
                                             allowed: "a perplexity below the \(k) reference neighbours it uses (the map has \(count) points)")
        }
        let knn = try (search ?? ExactReferenceSearch(reference: reference, metric: metric)).neighbors(of: x, k: k)
        guard knn.count == m, knn.k == k, knn.indices.allSatisfy({ $0 >= 0 && Int($0) < count }) else {
            throw TSNEError.invalidAffinities("the neighbour search returned \(knn.count) × \(knn.k) neighbours, expected \(m) × \(k) within 0..<\(count)")
        }
        var d2 = knn.distances.map { $0 * $0 }
        var p = [Float](repeating: 0, count: m * k)
        d2.withUnsafeMutableBufferPointer { dp in
            p.withUnsafeMutableBufferPointer { pp in
                PerplexitySearch.conditionalProbabilities(squaredDistances: dp.baseAddress!, rows: m, width: k,
                                                          perplexity: placement.perplexity, probabilities: pp.baseAddress!)
            }
        }
        var placed = medianStart(neighbors: knn.indices, k: k)
        let t1 = Date()
        var stopped = false
        var diverged = false
        if placement.iterations > 0 {
            (stopped, diverged) = optimize(&placed, neighbors: knn.indices, affinities: p, k: k, placement: placement, progress: progress)
        }
        if diverged { throw TSNEError.diverged(iteration: placement.iterations) }
        return PlacementResult(positions: placed, stopped: stopped, affinitySeconds: t1.timeIntervalSince(t0),
                               optimizationSeconds: Date().timeIntervalSince(t1))
    }

    /// The coordinate-wise median of each point's neighbours' positions (the mean of the two
    /// middle values for an even k, as numpy's median).
    func medianStart(neighbors: [Int32], k: Int) -> Matrix {
        let m = neighbors.count / k, d = dimensions
        var out = Matrix(rows: m, columns: d)
        var column = [Float](repeating: 0, count: k)
        for i in 0..<m {
            for c in 0..<d {
                for t in 0..<k { column[t] = positions[Int(neighbors[i * k + t]), c] }
                column.sort()
                out[i, c] = k % 2 == 1 ? column[k / 2] : (column[k / 2 - 1] + column[k / 2]) / 2
            }
        }
        return out
    }

    /// Points per progress report; fixed, so the work never depends on it.
    static let placementBlock = 512

    /// Optimises every row of `y` in place; returns (stopped, diverged).
    private func optimize(_ y: inout Matrix, neighbors: [Int32], affinities: [Float], k: Int, placement: TSNEPlacement,
                          progress: (PlacementProgress) -> ProgressDecision) -> (Bool, Bool) {
        let m = y.rows, n = count, d = dimensions
        let settings = PlacementKernel.Settings(placement)
        // The Barnes-Hut tree over the fixed reference, built once (in index order).
        var tree = QuadTree()
        var theta: Float?
        // Exact sums over the reference; any method but exact walks the tree (or its grid).
        if case .barnesHut(let t) = method { theta = Float(t) } else if method != .exact { theta = 0.5 }
        if theta != nil { positions.withUnsafeBufferPointer { tree.rebuild(positions: $0.baseAddress!, count: n, dimensions: d) } }
        // The grid over the fixed 2-D map, sampled once from the tree.
        var grid: ReferenceGrid?
        if let theta, d == 2, let spacing = placement.gridSpacing {
            grid = positions.withUnsafeBufferPointer { pb in
                tree.walkStorage.withUnsafeBufferPointer { wb in
                    ReferenceGrid(positions: pb.baseAddress!, count: n, walk: wb.baseAddress!, walkCount: tree.walkCount,
                                  thetaSquared: theta * theta, spacing: Float(spacing))
                }
            }
        }
        let gridValues = grid?.values ?? []
        var stopped = false, diverged = false
        var failed = [Bool](repeating: false, count: 64)
        y.withUnsafeMutableBufferPointer { yb in
        positions.withUnsafeBufferPointer { rb in
        neighbors.withUnsafeBufferPointer { nb in
        affinities.withUnsafeBufferPointer { pb in
        tree.walkStorage.withUnsafeBufferPointer { wb in
        failed.withUnsafeMutableBufferPointer { fb in
        gridValues.withUnsafeBufferPointer { gb in
            let ys = UnsafeSendable(yb.baseAddress!), rs = UnsafeSendable(rb.baseAddress!)
            let ns = UnsafeSendable(nb.baseAddress!), ps = UnsafeSendable(pb.baseAddress!)
            let walk = UnsafeSendable(wb.baseAddress), fails = UnsafeSendable(fb)
            let walkCount = tree.walkCount, thetaSquared = (theta ?? 0) * (theta ?? 0), useTree = theta != nil
            let sampled = UnsafeSendable(grid.map { ($0, gb.baseAddress!) })
            var start = 0
            while start < m {
                let count = min(TSNEMap.placementBlock, m - start), first = start
                let chunks = min(64, Parallel.defaultChunks(for: count, minimumPerChunk: 8))
                Parallel.forEachChunk(count: count, chunks: chunks) { chunk, range in
                    let rows = (first + range.lowerBound)..<(first + range.upperBound)
                    let ok: Bool
                    if let (grid, values) = sampled.value {
                        let tree = BarnesHutField(walk: walk.value!, walkCount: walkCount, thetaSquared: thetaSquared)
                        ok = PlacementKernel.place(PlaneSpace.self, rows, field: GridField(grid, values: values, fallback: tree),
                                                   y: ys.value, reference: rs.value, neighbors: ns.value, affinities: ps.value,
                                                   k: k, settings: settings)
                    } else if useTree {
                        let field = BarnesHutField(walk: walk.value!, walkCount: walkCount, thetaSquared: thetaSquared)
                        ok = d == 3 ? PlacementKernel.place(SolidSpace.self, rows, field: field, y: ys.value, reference: rs.value,
                                                            neighbors: ns.value, affinities: ps.value, k: k, settings: settings)
                                    : PlacementKernel.place(PlaneSpace.self, rows, field: field, y: ys.value, reference: rs.value,
                                                            neighbors: ns.value, affinities: ps.value, k: k, settings: settings)
                    } else {
                        let field = ExactField(positions: rs.value, count: n)
                        ok = d == 3 ? PlacementKernel.place(SolidSpace.self, rows, field: field, y: ys.value, reference: rs.value,
                                                            neighbors: ns.value, affinities: ps.value, k: k, settings: settings)
                                    : PlacementKernel.place(PlaneSpace.self, rows, field: field, y: ys.value, reference: rs.value,
                                                            neighbors: ns.value, affinities: ps.value, k: k, settings: settings)
                    }
                    if !ok { fails.value[chunk] = true }
                }
                start += count
                if fails.value.contains(true) { diverged = true; break }
                if progress(PlacementProgress(placed: start, total: m)) == .stop {
                    stopped = start < m
                    break
                }
            }
        }}}}}}}
        return (stopped, diverged)
    }
}

/// The repulsion of the fixed reference on one free point: Σⱼ q_j² (y − y_j) and Σⱼ q_j with
/// q_j = 1 / (1 + ‖y − y_j‖²). The seam for approximations: the tree (`BarnesHutField`),
/// every point (`ExactField`), a grid sampled once from the tree (`GridField`); an FFT
/// interpolation grid over the fixed reference would be one more.
protocol ReferenceField {
    func repulsion<S: EmbeddingSpace>(_: S.Type, at point: UnsafePointer<Float>) -> (x: Float, y: Float, z: Float, sumQ: Float)
}

/// Barnes-Hut over a tree of the reference positions, walked as the fit walks it.
struct BarnesHutField: ReferenceField {
    let walk: UnsafePointer<WalkNode>
    let walkCount: Int
    let thetaSquared: Float

    @inline(__always)
    func repulsion<S: EmbeddingSpace>(_: S.Type, at point: UnsafePointer<Float>) -> (x: Float, y: Float, z: Float, sumQ: Float) {
        let f = Repulsion.barnesHutRow(S.self, 0, y: point, walk: walk, walkCount: walkCount, thetaSquared: thetaSquared)
        // The walk subtracts the q = 1 of the point's own leaf; a free point has none.
        return (f.x, f.y, f.z, f.sumQ + 1)
    }
}

/// Every reference point, O(N) per evaluation.
struct ExactField: ReferenceField {
    let positions: UnsafePointer<Float>
    let count: Int

    @inline(__always)
    func repulsion<S: EmbeddingSpace>(_: S.Type, at point: UnsafePointer<Float>) -> (x: Float, y: Float, z: Float, sumQ: Float) {
        let d = S.dimensions
        let px = point[0], py = point[1], pz: Float = d == 3 ? point[2] : 0
        var rx: Float = 0, ry: Float = 0, rz: Float = 0, sumQ: Float = 0
        for j in 0..<count {
            let o = j * d
            let dx = px - positions[o], dy = py - positions[o + 1]
            var d2 = dx * dx + dy * dy
            var dz: Float = 0
            if d == 3 { dz = pz - positions[o + 2]; d2 += dz * dz }
            let q = 1 / (1 + d2)
            sumQ += q
            let q2 = q * q
            rx += q2 * dx; ry += q2 * dy
            if d == 3 { rz += q2 * dz }
        }
        return (rx, ry, rz, sumQ)
    }
}

/// The per-point optimisation: each point runs all its iterations alone, reading only the
/// fixed reference, so nothing it computes depends on any other new point.
enum PlacementKernel {
    struct Settings {
        let iterations: Int
        let exaggeration: Float
        let rate: Float
        let momentum: Float
        let maxGradient: Float?
        let maxStep: Float?

        init(_ p: TSNEPlacement) {
            iterations = p.iterations
            exaggeration = Float(p.exaggeration)
            rate = Float(p.learningRate)
            momentum = Float(p.momentum)
            maxGradient = p.maxGradientNorm.map { Float($0) }
            maxStep = p.maxStepNorm.map { Float($0) }
        }
    }

    /// Optimises rows `rows` of `y` (row-major, d columns) in place; false if one diverged.
    static func place<S: EmbeddingSpace, F: ReferenceField>(_: S.Type, _ rows: Range<Int>, field: F,
                                                            y: UnsafeMutablePointer<Float>, reference: UnsafePointer<Float>,
                                                            neighbors: UnsafePointer<Int32>, affinities: UnsafePointer<Float>,
                                                            k: Int, settings s: Settings) -> Bool {
        let d = S.dimensions
        var ok = true
        for i in rows {
            var c = (y[i * d], y[i * d + 1], d == 3 ? y[i * d + 2] : Float(0))
            var gain: (Float, Float, Float) = (1, 1, 1), update: (Float, Float, Float) = (0, 0, 0)
            for _ in 0..<s.iterations {
                var (g0, g1, g2) = gradient(S.self, i, at: c, field: field, reference: reference, neighbors: neighbors,
                                            affinities: affinities, k: k, exaggeration: s.exaggeration)
                if let maxG = s.maxGradient {
                    let coeff = maxG / ((g0 * g0 + g1 * g1 + g2 * g2).squareRoot() + 1e-6)
                    if coeff < 1 { g0 *= coeff; g1 *= coeff; g2 *= coeff }
                }
                step(g0, &gain.0, &update.0, s)
                step(g1, &gain.1, &update.1, s)
                if d == 3 { step(g2, &gain.2, &update.2, s) }
                if let maxStep = s.maxStep {
                    let norm = (update.0 * update.0 + update.1 * update.1 + update.2 * update.2).squareRoot()
                    if norm > maxStep {
                        let f = maxStep / norm
                        update.0 *= f; update.1 *= f; update.2 *= f
                    }
                }
                c.0 += update.0; c.1 += update.1
                if d == 3 { c.2 += update.2 }
            }
            y[i * d] = c.0; y[i * d + 1] = c.1
            if d == 3 { y[i * d + 2] = c.2 }
            if !(c.0.isFinite && c.1.isFinite && c.2.isFinite) { ok = false }
        }
        return ok
    }

    /// Point i's gradient at `c`: α Σⱼ p_j|i q_ij (c − y_j) over its k neighbours minus
    /// Σⱼ q_ij² (c − y_j) / Σⱼ q_ij over the reference (half ∂KL(p_·|i ‖ q_·|i)/∂c at α = 1).
    @inline(__always)
    static func gradient<S: EmbeddingSpace, F: ReferenceField>(_: S.Type, _ i: Int, at c: (Float, Float, Float), field: F,
                                                               reference: UnsafePointer<Float>, neighbors: UnsafePointer<Int32>,
                                                               affinities: UnsafePointer<Float>, k: Int,
                                                               exaggeration: Float) -> (Float, Float, Float) {
        let d = S.dimensions
        var ax: Float = 0, ay: Float = 0, az: Float = 0
        for e in (i * k)..<((i + 1) * k) {
            let j = Int(neighbors[e]) * d
            let dx = c.0 - reference[j], dy = c.1 - reference[j + 1]
            var d2 = dx * dx + dy * dy
            var dz: Float = 0
            if d == 3 { dz = c.2 - reference[j + 2]; d2 += dz * dz }
            let pq = affinities[e] / (1 + d2)
            ax += pq * dx; ay += pq * dy
            if d == 3 { az += pq * dz }
        }
        var point = c
        let r = withUnsafePointer(to: &point) { ptr in
            ptr.withMemoryRebound(to: Float.self, capacity: 3) { field.repulsion(S.self, at: $0) }
        }
        let invZ = 1 / max(r.sumQ, .leastNormalMagnitude)
        return (exaggeration * ax - invZ * r.x, exaggeration * ay - invZ * r.y, d == 3 ? exaggeration * az - invZ * r.z : 0)
    }

    /// One coordinate's gain and momentum update, as `GradientDescentState.step` (and openTSNE).
    @inline(__always)
    static func step(_ g: Float, _ gain: inout Float, _ u: inout Float, _ s: Settings) {
        let flipped = (g > 0) != (u > 0) || (g < 0) != (u < 0)
        gain = flipped ? gain + 0.2 : gain * 0.8 + GradientDescentState.minimumGain
        u = s.momentum * u - s.rate * gain * g
    }
}
