import Foundation
import LatentCore

/// A Gaussian mixture fitted by expectation–maximisation (Dempster, Laird & Rubin 1977), the
/// clustering step of N2D (McConville et al. 2020), which fits one to a 2-D map.
///
/// Each of `restarts` runs starts from its own seeded k-means fit (k-means++ seeding, as
/// scikit-learn's `GaussianMixture` does), then alternates the E step (each sample's
/// responsibilities) and the M step (weights, means, covariances) until the mean log-likelihood
/// per sample improves by less than `tolerance`; the run with the highest likelihood is kept. `regularization` is added to every variance so that a component that
/// shrinks onto a few points stays invertible. All arithmetic is in `Double`; the E step runs
/// in chunks fixed by N and the M step's sums run in sample order, so the fit is the same for
/// any thread count.
///
/// ```swift
/// let gmm = try GaussianMixture(components: 10, seed: 1).fit(embedding)
/// let acc = ClusteringAccuracy.score(labels: labels, clusters: gmm.assignments)
/// ```
public struct GaussianMixture: Sendable {
    /// The shape of each component's covariance.
    public enum Covariance: String, Sendable, CaseIterable {
        /// A full D × D covariance per component (tilted ellipses; O(D³) per component per step).
        case full
        /// A diagonal covariance per component (axis-aligned ellipses; O(D)).
        case diagonal
    }

    /// Number of components k.
    public var components: Int
    /// The covariance shape (default `.full`, what N2D fits to its 2-D map).
    public var covariance: Covariance
    /// EM iterations at most (default 100, scikit-learn's).
    public var maxIterations: Int
    /// Stop when the mean log-likelihood per sample improves by less than this (default 1e-3,
    /// scikit-learn's).
    public var tolerance: Double
    /// Added to each variance (the covariance's diagonal) at every M step (default 1e-6,
    /// scikit-learn's `reg_covar`).
    public var regularization: Double
    /// EM runs, each started from its own k-means++-seeded k-means fit; the run with the highest
    /// log-likelihood wins (scikit-learn's `n_init`; default 10: on t-SNE maps of MNIST, single
    /// runs from different starts range over 0.2–0.3 in clustering accuracy, README "Latents
    /// worth mapping"). The most likely fit is not always the one closest to the classes.
    public var restarts: Int
    /// The restarts a mixture runs unless told otherwise.
    public static let defaultRestarts = 10
    /// Seeds the k-means initialisations.
    public var seed: UInt64

    public init(components: Int, covariance: Covariance = .full, maxIterations: Int = 100, tolerance: Double = 1e-3,
                regularization: Double = 1e-6, restarts: Int = GaussianMixture.defaultRestarts, seed: UInt64 = 1) {
        self.components = components; self.covariance = covariance; self.maxIterations = maxIterations
        self.tolerance = tolerance; self.regularization = regularization; self.restarts = restarts; self.seed = seed
    }

    /// A fitted mixture.
    public struct Result: Sendable {
        /// Mixing weight of each component (sum 1).
        public var weights: [Double]
        /// k × D component means.
        public var means: Matrix
        /// Each component's covariance, row-major D × D (for `.diagonal`, the diagonal matrix).
        public var covariances: [[Double]]
        /// The most responsible component of each row, in 0..<k.
        public var assignments: [Int]
        /// Mean log-likelihood per sample under the final parameters.
        public var logLikelihood: Double
        /// EM iterations done.
        public var iterations: Int
        /// Whether the log-likelihood settled within `tolerance` before `maxIterations`.
        public var converged: Bool
    }

    /// Fits the mixture to the rows of `data`.
    /// - Throws: `AnalysisError.invalidArgument` when k is not in 1...N, an option is out of
    ///   range, or the data is not finite.
    /// - Complexity: O(restarts · iterations · N · k · D²) for `.full`, O(restarts · iterations · N · k · D)
    ///   for `.diagonal`.
    public func fit(_ data: Matrix) throws -> Result {
        guard components >= 1, components <= data.rows else {
            throw AnalysisError.invalidArgument("Gaussian mixture: components must be in 1...\(data.rows), got \(components)")
        }
        guard maxIterations >= 1, restarts >= 1, tolerance >= 0, regularization >= 0, regularization.isFinite else {
            throw AnalysisError.invalidArgument("Gaussian mixture: needs at least 1 iteration and 1 restart, and non-negative tolerance and regularisation")
        }
        guard data.isFinite else { throw AnalysisError.invalidArgument("Gaussian mixture: the data contains NaN or infinite values") }
        let n = data.rows, k = components
        let x = data.withUnsafeBufferPointer { $0.map(Double.init) }
        let starts = KMeans(clusters: k, restarts: 1, seed: seed)
        var best: Run?
        for r in 0..<restarts {
            let run = expectationMaximization(x, rows: n, start: starts.fit(data, restart: r).assignments)
            if best == nil || run.logLikelihood > best!.logLikelihood { best = run }
        }
        let (model, resp, logLikelihood) = (best!.model, best!.responsibilities, best!.logLikelihood)
        var assignments = [Int](repeating: 0, count: n)
        for i in 0..<n {
            var top = 0
            for c in 1..<k where resp[i * k + c] > resp[i * k + top] { top = c }
            assignments[i] = top
        }
        var means = Matrix(rows: k, columns: data.columns)
        for c in 0..<k { for j in 0..<data.columns { means[c, j] = Float(model.means[c * data.columns + j]) } }
        let d = data.columns
        let covariances = model.factors.map { factor -> [Double] in
            // Σ = L Lᵀ back from the Cholesky factor.
            var s = [Double](repeating: 0, count: d * d)
            for a in 0..<d { for b in 0..<d {
                var t = 0.0
                for m in 0...min(a, b) { t += factor[a * d + m] * factor[b * d + m] }
                s[a * d + b] = t
            } }
            return s
        }
        return Result(weights: model.weights, means: means, covariances: covariances, assignments: assignments,
                      logLikelihood: logLikelihood, iterations: best!.iterations, converged: best!.converged)
    }

    /// One EM run: its final parameters and responsibilities, mean log-likelihood, iterations
    /// and whether it converged.
    struct Run {
        var model: Parameters
        var responsibilities: [Double]
        var logLikelihood: Double
        var iterations: Int
        var converged: Bool
    }

    /// EM from hard responsibilities (`start[i]` is sample i's component) until the mean
    /// log-likelihood settles or `maxIterations` pass.
    func expectationMaximization(_ x: [Double], rows n: Int, start: [Int]) -> Run {
        let k = components
        var resp = [Double](repeating: 0, count: n * k)
        for i in 0..<n { resp[i * k + start[i]] = 1 }
        var model = mStep(x, rows: n, responsibilities: resp)
        var previous = -Double.infinity, logLikelihood = -Double.infinity
        var iterations = 0, converged = false
        for it in 1...maxIterations {
            iterations = it
            logLikelihood = eStep(x, rows: n, model: model, responsibilities: &resp)
            if abs(logLikelihood - previous) < tolerance { converged = true; break }
            previous = logLikelihood
            model = mStep(x, rows: n, responsibilities: resp)
        }
        if !converged { logLikelihood = eStep(x, rows: n, model: model, responsibilities: &resp) }
        return Run(model: model, responsibilities: resp, logLikelihood: logLikelihood, iterations: iterations,
                   converged: converged)
    }

    /// The parameters between steps: weights, flat k × D means, each covariance's lower
    /// Cholesky factor (D × D; diagonal for `.diagonal`) and its log-determinant.
    struct Parameters {
        var weights: [Double]
        var means: [Double]
        var factors: [[Double]]
        var logDeterminants: [Double]
    }

    /// The M step: weighted counts, means and covariances from the responsibilities, in sample order.
    func mStep(_ x: [Double], rows n: Int, responsibilities resp: [Double]) -> Parameters {
        let k = components, d = x.count / max(n, 1)
        var counts = [Double](repeating: 0, count: k)
        var means = [Double](repeating: 0, count: k * d)
        for i in 0..<n {
            for c in 0..<k {
                let r = resp[i * k + c]
                guard r != 0 else { continue }
                counts[c] += r
                for j in 0..<d { means[c * d + j] += r * x[i * d + j] }
            }
        }
        let tiny = 10 * Double.ulpOfOne
        for c in 0..<k { for j in 0..<d { means[c * d + j] /= counts[c] + tiny } }
        var factors = [[Double]](), logDets = [Double]()
        for c in 0..<k {
            var s = [Double](repeating: 0, count: d * d)
            for i in 0..<n {
                let r = resp[i * k + c]
                guard r != 0 else { continue }
                for a in 0..<d {
                    let da = x[i * d + a] - means[c * d + a]
                    if covariance == .diagonal {
                        s[a * d + a] += r * da * da
                    } else {
                        for b in 0...a { s[a * d + b] += r * da * (x[i * d + b] - means[c * d + b]) }
                    }
                }
            }
            for a in 0..<d {
                for b in 0...a { s[a * d + b] /= counts[c] + tiny }
                s[a * d + a] += regularization
            }
            let (factor, logDet) = GaussianMixture.cholesky(s, d)
            factors.append(factor); logDets.append(logDet)
        }
        let weights = counts.map { ($0 + tiny) / (Double(n) + Double(k) * tiny) }
        return Parameters(weights: weights, means: means, factors: factors, logDeterminants: logDets)
    }

    /// The E step: writes each sample's responsibilities and returns the mean log-likelihood.
    func eStep(_ x: [Double], rows n: Int, model: Parameters, responsibilities resp: inout [Double]) -> Double {
        let k = components, d = x.count / max(n, 1)
        let logNorm = model.logDeterminants.enumerated().map { c, logDet in
            Foundation.log(model.weights[c]) - 0.5 * (Double(d) * Foundation.log(2 * Double.pi) + logDet)
        }
        let chunks = Parallel.defaultChunks(for: n, minimumPerChunk: 256)
        let total = resp.withUnsafeMutableBufferPointer { r -> Double in
            let out = UnsafeSendable(r)
            return x.withUnsafeBufferPointer { xp in
                let xs = UnsafeSendable(xp)
                return Parallel.sum(count: n, chunks: chunks) { range in
                    var z = [Double](repeating: 0, count: d)
                    var sum = 0.0
                    for i in range {
                        var top = -Double.infinity
                        for c in 0..<k {
                            // Mahalanobis distance by forward substitution: L z = x − μ.
                            let f = model.factors[c]
                            var q = 0.0
                            for a in 0..<d {
                                var t = xs.value[i * d + a] - model.means[c * d + a]
                                for b in 0..<a { t -= f[a * d + b] * z[b] }
                                z[a] = t / f[a * d + a]
                                q += z[a] * z[a]
                            }
                            let v = logNorm[c] - 0.5 * q
                            out.value[i * k + c] = v
                            top = max(top, v)
                        }
                        var s = 0.0
                        for c in 0..<k { s += Foundation.exp(out.value[i * k + c] - top) }
                        let logSum = top + Foundation.log(s)
                        for c in 0..<k { out.value[i * k + c] = Foundation.exp(out.value[i * k + c] - logSum) }
                        sum += logSum
                    }
                    return sum
                }
            }
        }
        return total / Double(max(n, 1))
    }

    /// The lower Cholesky factor of the symmetric positive-definite `d × d` matrix whose lower
    /// triangle is `s`, and its log-determinant. A pivot that is not positive (a degenerate
    /// component despite the regularisation) is replaced by 1e-12.
    static func cholesky(_ s: [Double], _ d: Int) -> (factor: [Double], logDeterminant: Double) {
        var l = [Double](repeating: 0, count: d * d)
        var logDet = 0.0
        for a in 0..<d {
            for b in 0...a {
                var t = s[a * d + b]
                for m in 0..<b { t -= l[a * d + m] * l[b * d + m] }
                if a == b {
                    let pivot = t > 1e-12 ? t : 1e-12
                    l[a * d + a] = pivot.squareRoot()
                    logDet += Foundation.log(pivot)
                } else {
                    l[a * d + b] = t / l[b * d + b]
                }
            }
        }
        return (l, logDet)
    }
}
