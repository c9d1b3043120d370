import Foundation
import LatentCore

/// The Cauchy–Schwarz divergence between a batch of latent codes and samples of a prior, as a
/// latent regulariser (Principe 2010, *Information Theoretic Learning*, ch. 2; used as an
/// autoencoder prior by Santana, Emigh & Principe 2016, "Information theoretic-learning
/// auto-encoder").
///
/// For codes `z₁…z_N` and prior samples `s₁…s_M`, with Parzen density estimates p̂ and q̂
/// (Gaussian windows of size σ),
///
///     D_CS(p̂, q̂) = −log( (Σ k(zᵢ,sⱼ)/NM)² / ((Σ k(zᵢ,zᵢ')/N²) · (Σ k(sⱼ,sⱼ')/M²)) ).
///
/// The integral of the product of two Parzen windows of size σ is a Gaussian of size √2·σ in
/// the difference of their centres, so the kernel here is `k(a, b) = exp(−‖a − b‖² / 4σ²)`.
/// Its normalising constant appears squared above and below the fraction and cancels, so it is
/// left out. D_CS ≥ 0 (Cauchy–Schwarz inequality), with equality when the two sets coincide.
///
/// Each of the three sums is computed as a log-sum-exp (stable when the sets are far apart
/// relative to σ), the pairwise dot products through one GEMM each. The prior samples are
/// drawn afresh for every training step from the generator stream `(seed, step)`, so the run
/// is reproducible, independent of the thread count, and a resumed run draws the same samples.
///
/// ```swift
/// var options = TrainingOptions()
/// options.latentRegularizer = CauchySchwarzDivergence(prior: .swissRoll(), sigma: 1, seed: 7)
/// options.regularizerWeight = 0.1                  // λ
/// try model.train(on: images, options: options)    // a 3-D code
/// ```
public struct CauchySchwarzDivergence: LatentRegularizer {
    /// The distribution the codes are pulled towards.
    public var prior: LatentPrior
    /// Parzen window size σ, in code units (default 1).
    public var sigma: Float
    /// Seeds the prior samples (default 1).
    public var seed: UInt64
    /// Prior samples per step (default `nil`: as many as the batch has codes).
    public var priorSampleCount: Int?

    public init(prior: LatentPrior, sigma: Float = 1, seed: UInt64 = 1, priorSampleCount: Int? = nil) {
        self.prior = prior
        self.sigma = sigma
        self.seed = seed
        self.priorSampleCount = priorSampleCount
    }

    public func validate(codeSize: Int) throws {
        try prior.validate()
        guard sigma > 0, sigma.isFinite else { throw NetsError.invalidOption("the kernel size σ must be positive, got \(sigma)") }
        if let m = priorSampleCount, m < 1 { throw NetsError.invalidOption("prior sample count must be at least 1, got \(m)") }
        guard prior.dimension == codeSize else {
            throw NetsError.invalidOption("the \(prior.summary) prior has \(prior.dimension) dimensions, the model's code has \(codeSize)")
        }
    }

    /// The divergence for the prior samples of evaluation passes (stream 0).
    public func evaluate(codes: Matrix) -> (value: Double, gradient: Matrix) {
        evaluate(codes: codes, step: 0)
    }

    public func evaluate(codes: Matrix, step: UInt64) -> (value: Double, gradient: Matrix) {
        precondition(codes.columns == prior.dimension,
                     "\(codes.columns)-value codes for a \(prior.dimension)-dimensional prior (validate(codeSize:) catches this)")
        var rng = SeededGenerator.stream(seed: seed ^ 0xC5_D1FE_0000, step)
        let samples = prior.samples(count: priorSampleCount ?? codes.rows, using: &rng)
        return CauchySchwarzDivergence.divergenceAndGradient(codes, samples, sigma: sigma)
    }

    /// D_CS between the point sets `x` and `y` (rows are points) with Parzen windows of size `sigma`.
    /// - Complexity: O((N + M)² · D).
    public static func divergence(between x: Matrix, and y: Matrix, sigma: Float) -> Double {
        precondition(x.columns == y.columns, "point sets of \(x.columns) and \(y.columns) dimensions")
        let inverseWidth = 1 / (4 * sigma * sigma)
        return -2 * LogKernelSum(x, y, inverseWidth: inverseWidth, weights: false).logSum
            + LogKernelSum(x, x, inverseWidth: inverseWidth, weights: false).logSum
            + LogKernelSum(y, y, inverseWidth: inverseWidth, weights: false).logSum
    }

    /// D_CS(x, y) and its gradient with respect to the rows of `x`.
    ///
    /// With `Lxy = log Σ exp(aᵢⱼ)`, `aᵢⱼ = −‖xᵢ − yⱼ‖²/4σ²` and the softmax weights
    /// `Wᵢⱼ = exp(aᵢⱼ − Lxy)` (rows summing to `rᵢ`), `∂Lxy/∂xᵢ = −(rᵢxᵢ − (W·y)ᵢ)/2σ²`; the
    /// x–x term counts each point twice. The normalisers log(NM) etc. cancel in D_CS, so
    /// `D = −2·Lxy + Lxx + Lyy` and
    /// `∂D/∂xᵢ = ((rᵢˣʸ − rᵢˣˣ)·xᵢ − (Wˣʸ·y)ᵢ + (Wˣˣ·x)ᵢ) / σ²`.
    static func divergenceAndGradient(_ x: Matrix, _ y: Matrix, sigma: Float) -> (value: Double, gradient: Matrix) {
        precondition(x.columns == y.columns, "point sets of \(x.columns) and \(y.columns) dimensions")
        let inverseWidth = 1 / (4 * sigma * sigma)
        let xy = LogKernelSum(x, y, inverseWidth: inverseWidth, weights: true)
        let xx = LogKernelSum(x, x, inverseWidth: inverseWidth, weights: true)
        let yy = LogKernelSum(y, y, inverseWidth: inverseWidth, weights: false)
        let value = -2 * xy.logSum + xx.logSum + yy.logSum
        // G = Wxx·x − Wxy·y, then add (rxy − rxx)ᵢ·xᵢ and scale by 1/σ².
        var gradient = xx.weights.multiplied(by: x)
        gradient.addProduct(xy.weights, y, alpha: -1, beta: 1)
        let n = x.rows, d = x.columns, scale = 1 / (sigma * sigma)
        gradient.withUnsafeMutableBufferPointer { g in
            x.withUnsafeBufferPointer { xs in
                for i in 0..<n {
                    let r = xy.rowSums[i] - xx.rowSums[i]
                    for j in 0..<d { g[i * d + j] = scale * (g[i * d + j] + r * xs[i * d + j]) }
                }
            }
        }
        return (value, gradient)
    }
}

/// `log Σᵢⱼ exp(−‖aᵢ − bⱼ‖² · inverseWidth)` over all pairs of rows of `a` and `b`, computed as a
/// log-sum-exp, and optionally the normalised weights `exp(aᵢⱼ − logSum)` with their row sums.
struct LogKernelSum {
    var logSum: Double
    /// `a.rows × b.rows` softmax weights over all pairs (empty unless asked for).
    var weights: Matrix
    var rowSums: [Float]

    init(_ a: Matrix, _ b: Matrix, inverseWidth: Float, weights wanted: Bool) {
        let n = a.rows, m = b.rows
        precondition(n > 0 && m > 0, "empty point set")
        // Exponents −‖aᵢ − bⱼ‖²/4σ² from ‖aᵢ‖² + ‖bⱼ‖² − 2aᵢ·bⱼ (one GEMM), clamped at 0 distance.
        var exponents = a.multiplied(by: b, transposingOther: .transposed, scale: -2)
        let na = a.rowSquaredNorms(), nb = b.rowSquaredNorms()
        var largest = -Float.infinity
        exponents.withUnsafeMutableBufferPointer { e in
            na.withUnsafeBufferPointer { na in
                nb.withUnsafeBufferPointer { nb in
                    for i in 0..<n {
                        let ni = na[i], row = e.baseAddress! + i * m
                        for j in 0..<m {
                            let v = -max(row[j] + ni + nb[j], 0) * inverseWidth
                            row[j] = v
                            largest = max(largest, v)
                        }
                    }
                }
            }
        }
        var total = 0.0
        exponents.withUnsafeBufferPointer { e in
            for i in 0..<n {
                var rowTotal = 0.0
                for j in 0..<m { rowTotal += Double(expf(e[i * m + j] - largest)) }
                total += rowTotal
            }
        }
        logSum = Double(largest) + log(total)
        rowSums = []
        if wanted {
            let shift = Float(logSum)
            var sums = [Float](repeating: 0, count: n)
            exponents.withUnsafeMutableBufferPointer { e in
                for i in 0..<n {
                    var s: Float = 0
                    for j in 0..<m {
                        let w = expf(e[i * m + j] - shift)
                        e[i * m + j] = w
                        s += w
                    }
                    sums[i] = s
                }
            }
            rowSums = sums
            weights = exponents
        } else {
            weights = Matrix(rows: 0, columns: 0)
        }
    }
}
