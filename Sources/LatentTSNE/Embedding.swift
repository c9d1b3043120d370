import LatentCore

/// What a t-SNE run reports after each iteration.
public struct TSNEProgress: Sendable {
    /// Iterations completed so far (1-based).
    public let iteration: Int
    /// Iterations planned in this run.
    public let totalIterations: Int
    /// The exaggeration of the current phase.
    public let exaggeration: Double
    /// KL(P‖Q) of the positions this iteration started from, every 50 iterations, and on the
    /// last iteration of each phase KL(P‖Q) of the positions it leaves; else nil.
    public let klDivergence: Double?
}

/// One entry of the KL-divergence history.
public struct KLSample: Sendable, Equatable {
    /// The iteration at which it was measured.
    public let iteration: Int
    /// KL(P‖Q) in nats (for Barnes-Hut, with Z estimated by the tree, as openTSNE reports it).
    public let klDivergence: Double
}

/// A t-SNE embedding being optimised: positions, the affinities they are fitted to, and the
/// optimiser's momentum and gains, which carry over between `optimize` calls (openTSNE's
/// `TSNEEmbedding`).
///
/// ```swift
/// let p = try Affinities(perplexity: 30, of: codes)
/// var e = try Embedding(initialization: .pca, of: codes, affinities: p, seed: 7)
/// try e.optimize(iterations: 250, exaggeration: 12, momentum: 0.5)
/// try e.optimize(iterations: 500)                  // gains and momentum carry over
/// print(e.klHistory.last!.klDivergence)
/// ```
public struct Embedding: Sendable {
    /// N × d positions (d = 1, 2 or 3), one row per point.
    public private(set) var positions: Matrix
    /// The joint input affinities P.
    public let affinities: Affinities
    /// Exact, Barnes-Hut or interpolation gradient (`.auto` and interpolation in 3-D are
    /// resolved by `GradientMethod.resolved(points:dimensions:)` at every evaluation).
    public var method: GradientMethod
    /// The learning rate (default `.auto`).
    public var learningRate: LearningRate = .auto
    /// Clip each point's gradient to this norm before the step (default nil: no clipping).
    public var maxGradientNorm: Double?
    /// Iterations done so far over all `optimize` calls.
    public private(set) var iteration = 0
    /// KL(P‖Q) every 50 iterations and at the end of each `optimize` call.
    public private(set) var klHistory: [KLSample] = []
    /// Momentum and gains.
    public private(set) var state: GradientDescentState
    var workspace: GradientWorkspace

    /// An embedding starting at `positions`.
    /// - Throws: `TSNEError` when the positions do not have one row per point and 1, 2 or 3
    ///   columns, are not finite, or `method` has a negative θ.
    public init(positions: Matrix, affinities: Affinities, method: GradientMethod = .barnesHut()) throws {
        guard (1...3).contains(positions.columns) else {
            throw TSNEError.invalidParameter(name: "dimensions", value: String(positions.columns), allowed: "1, 2 or 3")
        }
        let start = try Initialization.given(positions).positions(data: nil, count: affinities.count,
                                                                    dimensions: positions.columns, seed: 0)
        try Embedding.validate(method)
        self.positions = start
        self.affinities = affinities
        self.method = method
        self.state = GradientDescentState(count: start.count)
        self.workspace = GradientWorkspace(count: start.rows, dimensions: start.columns)
    }

    /// An embedding of `data` initialised by `initialization`.
    /// - Throws: `TSNEError` when `data` and `affinities` disagree on N, `dimensions` is not
    ///   1, 2 or 3, or the initialisation fails.
    public init(initialization: Initialization = .pca, of data: Matrix?, affinities: Affinities, dimensions: Int = 2,
                seed: UInt64 = 1, method: GradientMethod = .barnesHut()) throws {
        guard (1...3).contains(dimensions) else {
            throw TSNEError.invalidParameter(name: "dimensions", value: String(dimensions), allowed: "1, 2 or 3")
        }
        if let data, data.rows != affinities.count {
            throw TSNEError.invalidAffinities("the affinities are for \(affinities.count) points, the data has \(data.rows)")
        }
        let start = try initialization.positions(data: data, count: affinities.count, dimensions: dimensions, seed: seed)
        try self.init(positions: start, affinities: affinities, method: method)
    }

    /// An embedding that continues from `checkpoint`: positions, gains, update, iteration,
    /// KL history and tree order as they were saved, so that optimising it further gives the
    /// same bytes as a run that was never interrupted.
    /// - Throws: `TSNEError.checkpointMismatch` when `affinities` are not the ones the
    ///   checkpoint was taken with (a different fingerprint or point count), or `method` is
    ///   not the checkpoint's.
    public init(resuming checkpoint: TSNECheckpoint, affinities: Affinities, method: GradientMethod) throws {
        guard checkpoint.positions.rows == affinities.count else {
            throw TSNEError.checkpointMismatch("it holds \(checkpoint.positions.rows) points, the data has \(affinities.count)")
        }
        guard checkpoint.affinityFingerprint == affinities.fingerprint else {
            throw TSNEError.checkpointMismatch("the affinities differ from those it was taken with (other data, perplexity or metric)")
        }
        let resolved = method.resolved(points: checkpoint.positions.rows, dimensions: checkpoint.positions.columns)
        guard resolved.usesTree != checkpoint.treeOrder.isEmpty else {
            throw TSNEError.checkpointMismatch("it was taken with the other gradient method")
        }
        try self.init(positions: checkpoint.positions, affinities: affinities, method: method)
        iteration = checkpoint.iteration
        klHistory = checkpoint.klHistory
        state = checkpoint.state
        if !checkpoint.treeOrder.isEmpty { workspace.tree.restoreOrder(checkpoint.treeOrder) }
    }

    static func validate(_ method: GradientMethod) throws {
        if case .barnesHut(let theta) = method, !(theta >= 0 && theta.isFinite) {
            throw TSNEError.invalidParameter(name: "theta", value: String(theta), allowed: "a value of at least 0 (0.5 is usual)")
        }
        if case .interpolation(let options) = method { try options.validate() }
    }

    /// Boxes per dimension of the interpolation grid at the last evaluation (nil unless
    /// interpolation ran): the grid has (2 · boxes · nodesPerBox)^d cells.
    public var interpolationBoxes: Int? {
        workspace.interpolation.boxes > 0 ? workspace.interpolation.boxes : nil
    }

    /// Runs `iterations` steps of gradient descent on KL(P‖Q).
    ///
    /// - Parameters:
    ///   - iterations: steps to run.
    ///   - exaggeration: factor on P in the attractive forces (12 early, 1 after; van der Maaten 2014).
    ///   - momentum: weight of the previous update (0.5 early, 0.8 after).
    ///   - progress: called after each iteration; return `.stop` to end early.
    /// - Returns: `.stop` when `progress` stopped the run, else `.continue`.
    /// - Throws: `TSNEError.diverged` when a position becomes non-finite, `TSNEError.invalidParameter`
    ///   for a negative iteration count or a non-positive exaggeration or learning rate.
    /// - Complexity: O(N log N) per iteration for Barnes-Hut, O(N²) for exact, O(N) plus the
    ///   grid's FFTs for interpolation.
    @discardableResult
    public mutating func optimize(iterations: Int, exaggeration: Double = 1, momentum: Double = 0.8,
                                  progress: (TSNEProgress) -> ProgressDecision = { _ in .continue }) throws -> ProgressDecision {
        try optimize(iterations: iterations, exaggeration: exaggeration, momentum: momentum,
                     plannedTotal: iteration + iterations, progress: progress)
    }

    /// The loop behind `optimize`. `checkpoint(self)` is called after each iteration that is a
    /// multiple of `checkpointEvery` (0: never), once the state is complete: after the last
    /// iteration of this call it waits for the call's closing KL sample.
    mutating func optimize(iterations: Int, exaggeration: Double, momentum: Double, plannedTotal: Int,
                           checkpointEvery: Int = 0, checkpoint: (Embedding) throws -> Void = { _ in },
                           progress: (TSNEProgress) -> ProgressDecision) throws -> ProgressDecision {
        guard iterations >= 0 else {
            throw TSNEError.invalidParameter(name: "iterations", value: String(iterations), allowed: "0 or more")
        }
        guard exaggeration > 0, exaggeration.isFinite else {
            throw TSNEError.invalidParameter(name: "exaggeration", value: String(exaggeration), allowed: "a positive number")
        }
        guard momentum >= 0, momentum < 1 else {
            throw TSNEError.invalidParameter(name: "momentum", value: String(momentum), allowed: "a value in [0, 1)")
        }
        try Embedding.validate(method)
        let rate = learningRate.value(count: positions.rows, exaggeration: exaggeration)
        guard rate > 0, rate.isFinite else {
            throw TSNEError.invalidParameter(name: "learning rate", value: String(rate), allowed: "a positive number")
        }
        let clip = maxGradientNorm.map { Float($0) }
        var decision = ProgressDecision.continue
        var closingKL: Double?
        for step in 0..<iterations {
            iteration += 1
            let report = iteration % 50 == 0 && step < iterations - 1
            let kl = workspace.evaluate(positions: positions, affinities: affinities, method: method,
                                        exaggeration: Float(exaggeration), withKL: report)
            if let kl { klHistory.append(KLSample(iteration: iteration, klDivergence: kl)) }
            state.step(positions: &positions, gradient: &workspace.gradient, learningRate: Float(rate),
                       momentum: Float(momentum), maxGradientNorm: clip)
            if !positions.isFinite { throw TSNEError.diverged(iteration: iteration) }
            if checkpointEvery > 0, iteration % checkpointEvery == 0, step < iterations - 1 { try checkpoint(self) }
            // The call's last iteration reports the closing KL (of the positions it leaves), so a
            // report falls at the end of every phase too, early exaggeration's included.
            if step == iterations - 1 { closingKL = klDivergence() }
            decision = progress(TSNEProgress(iteration: iteration, totalIterations: plannedTotal,
                                             exaggeration: exaggeration, klDivergence: closingKL ?? kl))
            if decision == .stop { break }
        }
        if iterations > 0 {
            klHistory.append(KLSample(iteration: iteration, klDivergence: closingKL ?? klDivergence()))
            if checkpointEvery > 0, iteration % checkpointEvery == 0, decision == .continue { try checkpoint(self) }
        }
        return decision
    }

    /// KL(P‖Q) of the current positions (Barnes-Hut: Z from the tree, as openTSNE reports).
    /// Observing it does not change later iterations (it works on a copy of the buffers).
    public func klDivergence() -> Double {
        var w = workspace
        return w.evaluate(positions: positions, affinities: affinities, method: method, exaggeration: 1, withKL: true) ?? .nan
    }

    /// The gradient at the current positions in openTSNE's scale (¼ ∂KL/∂y at exaggeration 1).
    func gradient(exaggeration: Double = 1) -> [Float] {
        var w = workspace
        _ = w.evaluate(positions: positions, affinities: affinities, method: method,
                       exaggeration: Float(exaggeration), withKL: false)
        return w.gradient
    }
}
