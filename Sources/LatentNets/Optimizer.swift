import Foundation
import LatentCore
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// How parameters move along the gradient. Defaults follow Keras (RMSprop) and the Adam paper.
public enum Optimizer: Sendable, Equatable {
    /// Stochastic gradient descent with momentum: `v ← μ·v − η·g; w ← w + v`.
    case sgd(learningRate: Float, momentum: Float = 0.9)
    /// RMSprop (Tieleman & Hinton 2012): `s ← ρ·s + (1−ρ)·g²; w ← w − η·g / (√s + ε)`.
    /// Keras's defaults: ρ = 0.9, ε = 1e-7.
    case rmsprop(learningRate: Float, rho: Float = 0.9, epsilon: Float = 1e-7)
    /// Adam (Kingma & Ba 2015) with bias correction: β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
    case adam(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8)

    /// The learning rate η.
    public var learningRate: Float {
        switch self {
        case .sgd(let lr, _), .rmsprop(let lr, _, _), .adam(let lr, _, _, _): return lr
        }
    }

    /// The same optimiser with another learning rate.
    public func withLearningRate(_ lr: Float) -> Optimizer {
        switch self {
        case .sgd(_, let m): return .sgd(learningRate: lr, momentum: m)
        case .rmsprop(_, let r, let e): return .rmsprop(learningRate: lr, rho: r, epsilon: e)
        case .adam(_, let b1, let b2, let e): return .adam(learningRate: lr, beta1: b1, beta2: b2, epsilon: e)
        }
    }

    /// A short name for logs: `adam(lr 0.001)`.
    public var summary: String {
        switch self {
        case .sgd(let lr, let m): return "sgd(lr \(lr), momentum \(m))"
        case .rmsprop(let lr, let r, _): return "rmsprop(lr \(lr), rho \(r))"
        case .adam(let lr, _, _, _): return "adam(lr \(lr))"
        }
    }
}

/// The optimiser's per-parameter moments and step count.
struct OptimizerState {
    let optimizer: Optimizer
    var first: [Float]
    var second: [Float]
    var step = 0

    init(_ optimizer: Optimizer, parameterCount: Int) {
        self.optimizer = optimizer
        first = [Float](repeating: 0, count: parameterCount)
        if case .adam = optimizer {
            second = [Float](repeating: 0, count: parameterCount)
        } else {
            second = []
        }
    }

    /// Applies one update to `count` parameters given their gradient.
    mutating func update(_ parameters: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, count: Int) {
        var g = UnsafeMutablePointer(mutating: gradient)
        withUnsafePointer(to: &g) { update(parameters, gradientParts: UnsafeBufferPointer(start: $0, count: 1), count: count) }
    }

    /// Applies one update to `count` parameters whose gradient is the sum of `gradientParts`
    /// (a data-parallel step's per-chunk gradients), added in order inside the update pass.
    mutating func update(_ parameters: UnsafeMutablePointer<Float>, gradientParts: UnsafeBufferPointer<UnsafeMutablePointer<Float>>,
                         count: Int) {
        precondition(!gradientParts.isEmpty, "an update needs a gradient")
        withNextStep(parameters) { update in
            let parts = UnsafeSendable(gradientParts)
            Parallel.forEachChunk(count: count, chunks: OptimizerStep.chunks(count)) { _, range in
                update.apply(range, gradientParts: parts.value)
            }
        }
        step += 1
    }

    /// Calls `body` with the arithmetic of the next update (step `step + 1`) on `parameters`
    /// and this state's moments, for a caller that runs it inside its own parallel section
    /// (`LayerStack.rowChunkedPass`). The caller adds 1 to `step` when the update was applied.
    /// The moments' storage is pinned only while `body` runs.
    mutating func withNextStep<T>(_ parameters: UnsafeMutablePointer<Float>, _ body: (OptimizerStep) -> T) -> T {
        let optimizer = self.optimizer, t = Double(step + 1)
        return first.withUnsafeMutableBufferPointer { m in
            second.withUnsafeMutableBufferPointer { v in
                body(OptimizerStep(optimizer: optimizer, t: t, parameters: parameters, first: m.baseAddress!, second: v.baseAddress))
            }
        }
    }
}

/// One optimiser update as a value: the optimiser, the step number and where the parameters
/// and moments are. `apply` updates any range of the parameters, so disjoint ranges may run
/// on different workers; the chunks of `chunks(count)` are those every update uses.
struct OptimizerStep: @unchecked Sendable {
    let optimizer: Optimizer
    /// The 1-based step number (Adam's bias correction).
    let t: Double
    let parameters: UnsafeMutablePointer<Float>
    let first: UnsafeMutablePointer<Float>
    let second: UnsafeMutablePointer<Float>?

    /// The chunks an update over `count` parameters runs in (fixed by the count).
    static func chunks(_ count: Int) -> Int { elementChunks(count) }

    /// Updates the parameters `range` given their gradient as parts added in order.
    @inline(__always)
    func apply(_ range: Range<Int>, gradientParts: UnsafeBufferPointer<UnsafeMutablePointer<Float>>) {
        let w = parameters, m = first, t = self.t
        let gs = Gradient(parts: gradientParts)
        switch optimizer {
        case .sgd(let lr, let mu):
            for k in range {
                m[k] = mu * m[k] - lr * gs[k]
                w[k] += m[k]
            }
        case .rmsprop(let lr, let rho, let eps):
            // Eight lanes at a time (the compiler cannot prove the buffers disjoint).
            var k = range.lowerBound
            while k + 8 <= range.upperBound {
                let gk = gs.lanes(k)
                let mk = rho * load8(m, k) + (1 - rho) * gk * gk
                store8(mk, m, k)
                store8(load8(w, k) - lr * gk / (squareRoot8(mk) + eps), w, k)
                k += 8
            }
            while k < range.upperBound {
                let gk = gs[k]
                m[k] = rho * m[k] + (1 - rho) * gk * gk
                w[k] -= lr * gk / (m[k].squareRoot() + eps)
                k += 1
            }
        case .adam(let lr, let b1, let b2, let eps):
            guard let v = second else { return }
            // Bias corrections folded into the step size and ε (as in the paper, §2).
            let c1 = 1 - pow(Double(b1), t), c2 = 1 - pow(Double(b2), t)
            let stepSize = Float(Double(lr) * c2.squareRoot() / c1)
            let epsHat = Float(Double(eps) * c2.squareRoot())
            var k = range.lowerBound
            while k + 8 <= range.upperBound {
                let gk = gs.lanes(k)
                let mk = b1 * load8(m, k) + (1 - b1) * gk
                let vk = b2 * load8(v, k) + (1 - b2) * gk * gk
                store8(mk, m, k)
                store8(vk, v, k)
                store8(load8(w, k) - stepSize * mk / (squareRoot8(vk) + epsHat), w, k)
                k += 8
            }
            while k < range.upperBound {
                let gk = gs[k]
                m[k] = b1 * m[k] + (1 - b1) * gk
                v[k] = b2 * v[k] + (1 - b2) * gk * gk
                w[k] -= stepSize * m[k] / (v[k].squareRoot() + epsHat)
                k += 1
            }
        }
    }
}

/// A gradient given as parts to add in order (`((g₀ + g₁) + g₂) …`, the same in every lane).
private struct Gradient {
    let parts: UnsafeBufferPointer<UnsafeMutablePointer<Float>>

    @inline(__always) subscript(k: Int) -> Float {
        var s = parts[0][k]
        for j in 1..<parts.count { s += parts[j][k] }
        return s
    }

    @inline(__always) func lanes(_ k: Int) -> SIMD8<Float> {
        var s = load8(parts[0], k)
        for j in 1..<parts.count { s += load8(parts[j], k) }
        return s
    }
}

/// `√x` lane by lane, correctly rounded like `Float.squareRoot()`. On x86-64 one SSE
/// `sqrtps` per half: the generic lanes become eight `sqrtss` with a branch each to `sqrtf`
/// (for errno), which made the square root most of RMSprop's and Adam's update time.
@inline(__always)
private func squareRoot8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    #if arch(x86_64)
    SIMD8(lowHalf: _mm_sqrt_ps(x.lowHalf), highHalf: _mm_sqrt_ps(x.highHalf))
    #else
    x.squareRoot()
    #endif
}

/// Eight floats from `p + k` (any alignment); shared by the optimiser and the fused output pass.
@inline(__always)
func load8(_ p: UnsafeMutablePointer<Float>, _ k: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + k).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func load8(_ p: UnsafePointer<Float>, _ k: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + k).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func store8(_ x: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ k: Int) {
    UnsafeMutableRawPointer(p + k).storeBytes(of: x, as: SIMD8<Float>.self)
}
