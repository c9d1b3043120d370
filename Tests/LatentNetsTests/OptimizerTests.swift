import Foundation
@testable import LatentNets
import Testing

/// The toy problem f(w) = ½ Σ aᵢ wᵢ², whose gradient is aᵢ wᵢ and whose minimum is w = 0.
@Suite struct OptimizerTests {
    let curvature: [Float] = [1, 4, 0.25, 2]
    let start: [Float] = [1, -2, 3, 0.5]

    func run(_ optimizer: Optimizer, steps: Int) -> [Float] {
        var state = OptimizerState(optimizer, parameterCount: start.count)
        var w = start
        for _ in 0..<steps {
            let g = zip(curvature, w).map { $0 * $1 }
            w.withUnsafeMutableBufferPointer { wp in
                g.withUnsafeBufferPointer { state.update(wp.baseAddress!, gradient: $0.baseAddress!, count: g.count) }
            }
        }
        return w
    }

    /// The update rules written out in Double, step by step, as the papers state them.
    func reference(_ optimizer: Optimizer, steps: Int) -> [Double] {
        var w = start.map(Double.init)
        var m = [Double](repeating: 0, count: w.count), v = m
        for t in 1...steps {
            for i in w.indices {
                let g = Double(curvature[i]) * w[i]
                switch optimizer {
                case .sgd(let lr, let mu):
                    m[i] = Double(mu) * m[i] - Double(lr) * g; w[i] += m[i]
                case .rmsprop(let lr, let rho, let eps):
                    m[i] = Double(rho) * m[i] + (1 - Double(rho)) * g * g
                    w[i] -= Double(lr) * g / (m[i].squareRoot() + Double(eps))
                case .adam(let lr, let b1, let b2, let eps):
                    m[i] = Double(b1) * m[i] + (1 - Double(b1)) * g
                    v[i] = Double(b2) * v[i] + (1 - Double(b2)) * g * g
                    let mHat = m[i] / (1 - pow(Double(b1), Double(t))), vHat = v[i] / (1 - pow(Double(b2), Double(t)))
                    w[i] -= Double(lr) * mHat / (vHat.squareRoot() + Double(eps))
                }
            }
        }
        return w
    }

    static let optimizers: [Optimizer] = [.sgd(learningRate: 0.05), .rmsprop(learningRate: 0.01), .adam(learningRate: 0.05)]

    @Test(arguments: optimizers)
    func updatesFollowThePublishedRule(optimizer: Optimizer) {
        let w = run(optimizer, steps: 5)
        let ref = reference(optimizer, steps: 5)
        for i in w.indices { #expect(abs(Double(w[i]) - ref[i]) < 1e-5 * max(1, abs(ref[i])), "\(optimizer) w[\(i)]") }
    }

    @Test(arguments: optimizers)
    func convergesToTheMinimumOfAQuadratic(optimizer: Optimizer) {
        let w = run(optimizer, steps: 2000)
        let distance = w.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        #expect(distance < 0.05, "\(optimizer) ends \(distance) from the minimum")
    }

    @Test func defaultsAreKerasRMSpropAndPaperAdam() {
        #expect(Optimizer.rmsprop(learningRate: 1e-3) == .rmsprop(learningRate: 1e-3, rho: 0.9, epsilon: 1e-7))
        #expect(Optimizer.adam(learningRate: 1e-3) == .adam(learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8))
    }

    /// The eight-lane update (SSE `sqrtps` on x86-64) and the scalar tail give the same bits,
    /// for ordinary gradients and for those that end a run (huge, infinite, NaN: the
    /// parameters must still turn non-finite, so the divergence check fires).
    @Test(arguments: optimizers)
    func eightLaneUpdateMatchesTheScalarTailBitForBit(optimizer: Optimizer) {
        let specials: [Float] = [0, -0.0, 1e-40, 3e-3, -0.7, 2e19, -2e19, .infinity, -.infinity, .nan]
        for special in specials {
            // 9 values: index 0 is updated in the eight-lane block, index 8 in the scalar tail.
            var state = OptimizerState(optimizer, parameterCount: 9)
            var w: [Float] = [0.5, 0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, 0.5]
            for step in 0..<3 {
                var g: [Float] = [0.2, -0.3, 0.1, 0.4, -0.1, 0.2, 0.3, -0.2, 0.2]
                if step > 0 { g[0] = special; g[8] = special }
                w.withUnsafeMutableBufferPointer { wp in
                    g.withUnsafeBufferPointer { state.update(wp.baseAddress!, gradient: $0.baseAddress!, count: 9) }
                }
            }
            func same(_ a: Float, _ b: Float) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }
            #expect(same(w[0], w[8]), "\(optimizer), gradient \(special): \(w[0]) against \(w[8])")
            #expect(same(state.first[0], state.first[8]) && (state.second.isEmpty || same(state.second[0], state.second[8])))
            if !special.isFinite { #expect(!w[0].isFinite, "\(optimizer), gradient \(special): \(w[0])") }
        }
    }
}

extension Optimizer: CustomTestStringConvertible {
    public var testDescription: String { summary }
}
