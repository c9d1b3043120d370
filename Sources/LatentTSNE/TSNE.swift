import Foundation
import LatentAnalysis
import LatentCore

/// t-distributed stochastic neighbour embedding (van der Maaten & Hinton 2008), exact,
/// Barnes-Hut (van der Maaten 2014) or by FFT-accelerated interpolation (Linderman et al. 2019),
/// with openTSNE's optimisation schedule.
///
/// A configuration value: set what differs from the defaults, then call `fit`. The defaults are
/// those of openTSNE and scikit-learn: perplexity 30, Barnes-Hut with θ = 0.5, 750 iterations of
/// which the first 250 use exaggeration 12 and momentum 0.5 and the rest momentum 0.8, learning
/// rate max(N / exaggeration, 50), PCA initialisation.
///
/// ```swift
/// let tsne = TSNE(perplexity: 30, method: .barnesHut(theta: 0.5), seed: 7)
/// let result = try tsne.fit(codes) { step in step.iteration < 500 ? .continue : .stop }
/// print(result.positions.rows, result.klDivergence)
/// ```
/// Results depend only on the data and the configuration, never on the thread count of the
/// `ExecutionContext` a fit runs in.
public struct TSNE: Sendable {
    /// Effective number of neighbours per point; at least 1 and below N − 1 (default 30).
    public var perplexity: Double
    /// Exact, Barnes-Hut, interpolation, or `.auto` to choose by N (default
    /// `.barnesHut(theta: 0.5)`; see `GradientMethod.resolved(points:dimensions:)`).
    public var method: GradientMethod
    /// Total iterations, early exaggeration included (default 750).
    public var iterations: Int
    /// Early exaggeration factor (default 12).
    public var exaggeration: Double
    /// Iterations with early exaggeration and the initial momentum (default 250).
    public var exaggerationIterations: Int
    /// Learning rate (default `.auto`: max(N / exaggeration, 50) in each phase).
    public var learningRate: LearningRate
    /// Momentum during early exaggeration (default 0.5).
    public var initialMomentum: Double
    /// Momentum afterwards (default 0.8).
    public var finalMomentum: Double
    /// Starting positions (default `.pca`).
    public var initialization: Initialization
    /// Output dimensions, 1, 2 or 3 (default 2; 1-D runs exact or interpolation, never Barnes-Hut).
    public var dimensions: Int
    /// Seed for the random initialisation (and nothing else: everything else is deterministic).
    public var seed: UInt64
    /// Distance between input points (default Euclidean).
    public var metric: DistanceMetric
    /// Clip each point's gradient to this norm (default nil: no clipping).
    public var maxGradientNorm: Double?
    /// How the nearest neighbours of Barnes-Hut's sparse P are found (default `.auto`: exact
    /// below `NeighborSearch.approximateFromPoints` points, an HNSW index above). Unused by the
    /// exact method, which calibrates over all pairs.
    public var neighborSearch: NeighborSearch

    public init(perplexity: Double = 30, method: GradientMethod = .barnesHut(theta: 0.5), iterations: Int = 750,
                exaggeration: Double = 12, exaggerationIterations: Int = 250, learningRate: LearningRate = .auto,
                initialMomentum: Double = 0.5, finalMomentum: Double = 0.8, initialization: Initialization = .pca,
                dimensions: Int = 2, seed: UInt64 = 1, metric: DistanceMetric = .euclidean,
                maxGradientNorm: Double? = nil, neighborSearch: NeighborSearch = .auto) {
        self.perplexity = perplexity
        self.method = method
        self.iterations = iterations
        self.exaggeration = exaggeration
        self.exaggerationIterations = exaggerationIterations
        self.learningRate = learningRate
        self.initialMomentum = initialMomentum
        self.finalMomentum = finalMomentum
        self.initialization = initialization
        self.dimensions = dimensions
        self.seed = seed
        self.metric = metric
        self.maxGradientNorm = maxGradientNorm
        self.neighborSearch = neighborSearch
    }

    /// Embeds the rows of `data`.
    ///
    /// - Parameters:
    ///   - data: N × D points, one per row (N ≥ 4).
    ///   - context: threads, and the memory limit `estimatedPeakBytes` is checked against before
    ///     any long work (default: the caller's context).
    ///   - progress: called after every iteration; return `.stop` to end early (the result then
    ///     holds the positions reached).
    /// - Returns: the positions, the KL history and the time spent in each stage.
    /// - Throws: `TSNEError` for bad input (too few points, NaN, identical points, impossible
    ///   perplexity, wrongly shaped initialisation) or bad parameters, before any long work.
    /// - Complexity: O(N²·D) for exact neighbours (through GEMM), about O(N log N · D) for
    ///   approximate ones (`neighborSearch`), plus O(N log N) per iteration (Barnes-Hut) or
    ///   O(N²) time and memory (exact).
    public func fit(_ data: Matrix, context: ExecutionContext = .current,
                    progress: (TSNEProgress) -> ProgressDecision = { _ in .continue }) throws -> TSNEResult {
        try fit(data, resumingFrom: nil, checkpointing: nil, context: context, progress: progress)
    }

    /// Embeds the rows of `data`, saving checkpoints on the way and/or continuing from one.
    ///
    /// A run resumed from a checkpoint of the same data and configuration ends with positions
    /// (and KL history) byte-identical to those of a run that was never interrupted, for any
    /// thread count: the affinities are recomputed (deterministically) and checked against the
    /// checkpoint's fingerprint, and the optimiser continues from the saved iteration, phase,
    /// gains, update and tree order.
    ///
    /// - Parameters:
    ///   - resumingFrom: a checkpoint of an earlier run on this data with this configuration
    ///     (only `iterations` may differ); `nil` starts afresh.
    ///   - checkpointing: when and how to save checkpoints; `nil` saves none.
    ///   - preparation: called as the neighbours and affinities are computed, before the first
    ///     iteration; `.stop` ends the run with `TSNEError.stopped`.
    /// - Throws: as `fit(_:progress:)`; `TSNEError.checkpointMismatch` when the checkpoint is
    ///   for other data or settings; whatever `checkpointing.save` throws.
    public func fit(_ data: Matrix, resumingFrom checkpoint: TSNECheckpoint?, checkpointing: TSNECheckpointing?,
                    context: ExecutionContext = .current,
                    preparation: (TSNEPreparationProgress) -> ProgressDecision = { _ in .continue },
                    progress: (TSNEProgress) -> ProgressDecision = { _ in .continue }) throws -> TSNEResult {
        try context.run {
            try fitData(data, resumingFrom: checkpoint, checkpointing: checkpointing, preparation: preparation, progress: progress)
        }
    }

    private func fitData(_ data: Matrix, resumingFrom checkpoint: TSNECheckpoint?, checkpointing: TSNECheckpointing?,
                         preparation: (TSNEPreparationProgress) -> ProgressDecision,
                         progress: (TSNEProgress) -> ProgressDecision) throws -> TSNEResult {
        try validate(points: data.rows)
        if case .given(let m) = initialization, m.rows != data.rows || m.columns != dimensions {
            throw TSNEError.initializationShape(expectedRows: data.rows, expectedColumns: dimensions, rows: m.rows, columns: m.columns)
        }
        let run = resolved(points: data.rows)
        try run.checkMemory(points: data.rows, inputDimensions: data.columns)
        let t0 = Date()
        let affinities = try Affinities(perplexity: perplexity, of: data, metric: metric, allPairs: run.method == .exact,
                                        neighborSearch: neighborSearch, progress: preparation)
        var result = try run.fit(affinities: affinities, data: data, affinityTime: Date().timeIntervalSince(t0),
                                 resumingFrom: checkpoint, checkpointing: checkpointing, progress: progress)
        result.neighborSearch = run.method == .exact ? nil : neighborSearch.resolved(points: data.rows)
        return result
    }

    /// Embeds points given by precomputed affinities. `data` is needed only for `.pca`
    /// initialisation; pass `.random` or `.given` otherwise.
    public func fit(affinities: Affinities, data: Matrix? = nil, context: ExecutionContext = .current,
                    progress: (TSNEProgress) -> ProgressDecision = { _ in .continue }) throws -> TSNEResult {
        try context.run {
            try resolved(points: affinities.count).fit(affinities: affinities, data: data, affinityTime: 0, resumingFrom: nil,
                                                       checkpointing: nil, progress: progress)
        }
    }

    /// This configuration with `method` resolved for `points` points (`.auto` chosen, 3-D
    /// interpolation replaced by Barnes-Hut).
    func resolved(points n: Int) -> TSNE {
        var t = self
        t.method = method.resolved(points: n, dimensions: dimensions)
        return t
    }

    private func fit(affinities: Affinities, data: Matrix?, affinityTime: Double, resumingFrom checkpoint: TSNECheckpoint?,
                     checkpointing: TSNECheckpointing?, progress: (TSNEProgress) -> ProgressDecision) throws -> TSNEResult {
        try validate(points: affinities.count)
        let settings = TSNECheckpoint.Settings(self)
        if let checkpointing, checkpointing.every < 1 {
            throw TSNEError.invalidParameter(name: "checkpoint interval", value: String(checkpointing.every), allowed: "1 or more iterations")
        }
        let t0 = Date()
        var embedding: Embedding
        if let checkpoint {
            if let (name, saved, given) = checkpoint.settings.firstDifference(from: settings) {
                throw TSNEError.checkpointMismatch("it was taken with \(name) \(saved), this run has \(given)")
            }
            guard checkpoint.iteration <= iterations else {
                throw TSNEError.checkpointMismatch("it is at iteration \(checkpoint.iteration), past the \(iterations) of this run")
            }
            embedding = try Embedding(resuming: checkpoint, affinities: affinities, method: method)
        } else {
            embedding = try Embedding(initialization: initialization, of: data, affinities: affinities,
                                      dimensions: dimensions, seed: seed, method: method)
        }
        embedding.learningRate = learningRate
        embedding.maxGradientNorm = maxGradientNorm
        let every = checkpointing?.every ?? 0
        let save: (Embedding) throws -> Void = { e in try checkpointing?.save(TSNECheckpoint(embedding: e, settings: settings)) }
        let t1 = Date()
        let early = min(exaggerationIterations, iterations)
        let done = embedding.iteration
        var decision = try embedding.optimize(iterations: max(0, early - done), exaggeration: exaggeration,
                                              momentum: initialMomentum, plannedTotal: iterations,
                                              checkpointEvery: every, checkpoint: save, progress: progress)
        if decision == .continue {
            decision = try embedding.optimize(iterations: iterations - max(early, done), exaggeration: 1,
                                              momentum: finalMomentum, plannedTotal: iterations,
                                              checkpointEvery: every, checkpoint: save, progress: progress)
        }
        let t2 = Date()
        let kl = embedding.klHistory.last?.klDivergence ?? embedding.klDivergence()
        return TSNEResult(positions: embedding.positions, klDivergence: kl, klHistory: embedding.klHistory,
                          iterations: embedding.iteration, stopped: decision == .stop, method: method,
                          interpolationBoxes: embedding.interpolationBoxes,
                          timings: TSNETimings(affinities: affinityTime, initialization: t1.timeIntervalSince(t0),
                                               optimization: t2.timeIntervalSince(t1)))
    }

    /// An upper estimate of the peak bytes `fit` allocates for `points` rows of `inputDimensions`
    /// columns (the input itself included).
    ///
    /// Exact t-SNE holds, at its peak while building P, the N × N squared distances, the
    /// conditional probabilities with and without the diagonal and the sparse joint P (8 bytes
    /// per pair): about 24·N² bytes. Barnes-Hut holds k = min(N − 1, ⌊3·perplexity⌋)
    /// neighbours per point through the same steps, about 48·N·k bytes at the symmetrisation,
    /// plus the tree (about 300 bytes per point) and seven N × d optimiser buffers.
    /// Interpolation holds the same P, 8 + 4·d·nodesPerBox bytes per point instead of the tree,
    /// and the grid's buffers, 13 padded grids of (6·boxes)^d Floats in 2-D, with boxes estimated
    /// as max(minimumBoxes, √N / 2 · boxesPerUnit): t-SNE's embeddings spread about that far
    /// (openTSNE's Fashion-MNIST 70,000 spans about 130 units). The estimate uses the method
    /// that would run (`.auto` resolved).
    /// An approximate neighbour search adds its index while it runs (about 400 bytes per point
    /// for 50 dimensions), freed before the symmetrisation, so the peak holds the larger of the two.
    public func estimatedPeakBytes(points n: Int, inputDimensions: Int) -> Int {
        typealias M = MemoryEstimate
        let input = M.bytes(floats: M.product(n, inputDimensions))
        let optimizer = M.product(28 * dimensions, n)
        let pairs: Int
        let k = max(1, min(n - 1, Int(3 * max(perplexity, 1))))
        let search = M.sum(neighborSearch.estimatedBytes(points: n, dimensions: inputDimensions, k: k),
                           M.product(8, M.product(n, k)))
        switch method.resolved(points: n, dimensions: dimensions) {
        case .exact, .auto:
            pairs = M.product(24, M.product(n, n))
        case .barnesHut:
            pairs = M.sum(max(M.product(48, M.product(n, k)), search), M.product(300, n))
        case .interpolation(let o):
            let spread = Float((Double(n).squareRoot() / 2).rounded(.up))
            let boxes = o.boxCount(span: spread, dimensions: dimensions)
            pairs = M.sum(max(M.product(48, M.product(n, k)), search), M.product(8 + 4 * dimensions * o.nodesPerBox, n),
                          InterpolationGrid.bytes(dimensions: dimensions, boxes: boxes, nodesPerBox: o.nodesPerBox))
        }
        // A fixed allowance for the neighbour search's tiles and the runtime.
        return M.sum(input, optimizer, pairs, 16 << 20)
    }

    /// Throws `TSNEError.insufficientMemory` when the estimate for `n` × `d` input exceeds the limit.
    func checkMemory(points n: Int, inputDimensions d: Int) throws {
        let names = ["exact": "exact", "barnes-hut": "Barnes-Hut", "interpolation": "interpolation"]
        let resolved = method.resolved(points: n, dimensions: dimensions)
        let search = resolved == .exact ? "" : ", \(neighborSearch.resolved(points: n).name) neighbours"
        let what = "t-SNE (\(names[resolved.name] ?? "auto")\(search)) on \(n) points"
        try MemoryEstimate.check(estimatedPeakBytes(points: n, inputDimensions: d)) {
            TSNEError.insufficientMemory(what: what, estimate: $0, available: $1)
        }
    }

    func validate(points n: Int) throws {
        guard n >= 4 else { throw TSNEError.tooFewPoints(n) }
        guard (1...3).contains(dimensions) else {
            throw TSNEError.invalidParameter(name: "dimensions", value: String(dimensions), allowed: "1, 2 or 3")
        }
        guard iterations >= 0 else {
            throw TSNEError.invalidParameter(name: "iterations", value: String(iterations), allowed: "0 or more")
        }
        guard exaggerationIterations >= 0 else {
            throw TSNEError.invalidParameter(name: "exaggeration iterations", value: String(exaggerationIterations), allowed: "0 or more")
        }
        guard exaggeration > 0, exaggeration.isFinite else {
            throw TSNEError.invalidParameter(name: "exaggeration", value: String(exaggeration), allowed: "a positive number (12 is usual)")
        }
        if case .fixed(let r) = learningRate, !(r > 0 && r.isFinite) {
            throw TSNEError.invalidParameter(name: "learning rate", value: String(r), allowed: "a positive number or auto")
        }
        for (name, m) in [("initial momentum", initialMomentum), ("final momentum", finalMomentum)] where !(m >= 0 && m < 1) {
            throw TSNEError.invalidParameter(name: name, value: String(m), allowed: "a value in [0, 1)")
        }
        if let g = maxGradientNorm, !(g > 0) {
            throw TSNEError.invalidParameter(name: "max gradient norm", value: String(g), allowed: "a positive number")
        }
        try Embedding.validate(method)
        guard perplexity.isFinite, perplexity >= 1 else { throw TSNEError.invalidPerplexity(perplexity) }
        guard perplexity < Double(n - 1) else {
            throw TSNEError.perplexityTooLarge(perplexity: perplexity, points: n, maximum: Double(n - 1))
        }
    }
}

/// Wall-clock seconds spent in each stage of a t-SNE run.
public struct TSNETimings: Sendable, Equatable {
    /// Neighbours and perplexity calibration (0 when affinities were given).
    public let affinities: Double
    /// The initial positions (PCA or random).
    public let initialization: Double
    /// Gradient descent.
    public let optimization: Double
    /// The sum of the three.
    public var total: Double { affinities + initialization + optimization }
}

/// The outcome of `TSNE.fit`.
public struct TSNEResult: Sendable {
    /// N × d embedding, one row per input point, centred on the origin.
    public let positions: Matrix
    /// KL(P‖Q) of the final positions.
    public let klDivergence: Double
    /// KL(P‖Q) every 50 iterations and at the end of each phase.
    public let klHistory: [KLSample]
    /// Iterations run (fewer than planned when the progress closure stopped the run).
    public let iterations: Int
    /// True when the progress closure returned `.stop`.
    public let stopped: Bool
    /// The gradient method that ran (`.auto` resolved; Barnes-Hut for interpolation in 3-D).
    public let method: GradientMethod
    /// Boxes per dimension of the interpolation grid at the last iteration (nil unless
    /// interpolation ran).
    public let interpolationBoxes: Int?
    /// Time per stage.
    public let timings: TSNETimings
    /// The neighbour search that was used (`.exact` or `.approximate`); nil for the exact
    /// method (all pairs) and for precomputed affinities.
    public internal(set) var neighborSearch: NeighborSearch? = nil
}
