import Foundation
import LatentCore

/// A distribution for latent codes to follow, sampled by `CauchySchwarzDivergence`.
///
/// ```swift
/// var rng = SeededGenerator(seed: 1)
/// let roll = LatentPrior.swissRoll().samples(count: 1000, using: &rng)     // 1000 × 3
/// ```
public enum LatentPrior: Sendable, Equatable {
    /// N(0, I) in `dimension` dimensions.
    case standardGaussian(dimension: Int)
    /// An equal-weight mixture of `components` isotropic Gaussians of standard deviation
    /// `standardDeviation`, whose means lie evenly on a circle of `radius` in the first two
    /// coordinates (the other coordinates of every mean are 0). `dimension` ≥ 2.
    case gaussianMixture(dimension: Int, components: Int = 10, radius: Float = 4, standardDeviation: Float = 0.5)
    /// The 3-D swiss roll of scikit-learn's `make_swiss_roll` (no noise), scaled by `scale`:
    /// `t = 1.5π(1 + 2u)`, `h = 21v` for uniform u, v, and the point `scale · (t cos t, h − 10.5, t sin t)`.
    /// With the default scale 0.5 the roll spans about ±7 and its turns lie π apart, so a
    /// Parzen window σ ≈ 1 resolves them.
    case swissRoll(scale: Float = 0.5)

    /// Values per sample.
    public var dimension: Int {
        switch self {
        case .standardGaussian(let d), .gaussianMixture(let d, _, _, _): return d
        case .swissRoll: return 3
        }
    }

    /// A short name for logs: `swissroll`, `gmm(10)`, `gaussian`.
    public var summary: String {
        switch self {
        case .standardGaussian: return "gaussian"
        case .gaussianMixture(_, let k, _, _): return "gmm(\(k))"
        case .swissRoll: return "swissroll"
        }
    }

    /// Checks the parameters.
    /// - Throws: `NetsError.invalidOption` naming the parameter out of range.
    public func validate() throws {
        switch self {
        case .standardGaussian(let d):
            guard d >= 1 else { throw NetsError.invalidOption("a Gaussian prior needs dimension ≥ 1, got \(d)") }
        case .gaussianMixture(let d, let k, let r, let s):
            guard d >= 2 else { throw NetsError.invalidOption("a Gaussian-mixture prior needs a code of at least 2 values, got \(d)") }
            guard k >= 1 else { throw NetsError.invalidOption("a Gaussian mixture needs at least 1 component, got \(k)") }
            guard r >= 0, r.isFinite, s > 0, s.isFinite else {
                throw NetsError.invalidOption("Gaussian-mixture radius must be ≥ 0 and spread > 0, got \(r) and \(s)")
            }
        case .swissRoll(let s):
            guard s > 0, s.isFinite else { throw NetsError.invalidOption("swiss-roll scale must be positive, got \(s)") }
        }
    }

    /// The means of a mixture's components (`components × dimension`); for the other priors
    /// their single mean.
    public var means: Matrix {
        switch self {
        case .standardGaussian(let d): return Matrix(rows: 1, columns: d)
        case .gaussianMixture(let d, let k, let r, _):
            var m = Matrix(rows: k, columns: d)
            for c in 0..<k {
                let angle = 2 * Double.pi * Double(c) / Double(k)
                m[c, 0] = r * Float(cos(angle)); m[c, 1] = r * Float(sin(angle))
            }
            return m
        case .swissRoll(let s):
            // E[t cos t] and E[t sin t] for t uniform on [1.5π, 4.5π]: (∫ t cos t dt) / 3π.
            let a = 1.5 * Double.pi, b = 4.5 * Double.pi
            func meanOf(_ f: (Double) -> Double) -> Float { Float((f(b) - f(a)) / (b - a)) }
            let mx = meanOf { cos($0) + $0 * sin($0) }, mz = meanOf { sin($0) - $0 * cos($0) }
            var m = Matrix(rows: 1, columns: 3)
            m[0, 0] = s * mx; m[0, 2] = s * mz
            return m
        }
    }

    /// `count` independent samples (`count × dimension`), drawn from `generator`.
    public func samples(count: Int, using generator: inout SeededGenerator) -> Matrix {
        var out = Matrix(rows: count, columns: dimension)
        switch self {
        case .standardGaussian:
            out.withUnsafeMutableBufferPointer { p in for k in p.indices { p[k] = generator.nextGaussian() } }
        case .gaussianMixture(let d, let k, _, let s):
            let centres = means
            for i in 0..<count {
                let c = min(k - 1, Int(generator.nextUniformDouble() * Double(k)))
                for j in 0..<d { out[i, j] = centres[c, j] + s * generator.nextGaussian() }
            }
        case .swissRoll(let s):
            for i in 0..<count {
                let t = 1.5 * Double.pi * (1 + 2 * generator.nextUniformDouble())
                let h = 21 * generator.nextUniformDouble()
                out[i, 0] = s * Float(t * cos(t))
                out[i, 1] = s * Float(h - 10.5)
                out[i, 2] = s * Float(t * sin(t))
            }
        }
        return out
    }
}
