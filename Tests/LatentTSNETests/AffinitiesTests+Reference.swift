import Foundation
import LatentAnalysis
import LatentCore
@testable import LatentTSNE
import Testing
import TestSupport

extension AffinitiesTests {
    /// Joint P from scratch in Double: each point's k nearest neighbours by brute force, a
    /// bisection on β until the Gaussian P(j|i) ∝ exp(−β·d²) has entropy log(perplexity) to
    /// 1e-10 nats, then P = (P(j|i) + P(i|j)) / 2N.
    static func referenceJoint(_ x: Matrix, perplexity: Double, k: Int) -> [Double] {
        let n = x.rows
        var conditional = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            var d2 = [(j: Int, d: Double)]()
            for j in 0..<n where j != i {
                var s = 0.0
                for c in 0..<x.columns { let t = Double(x[i, c]) - Double(x[j, c]); s += t * t }
                d2.append((j, s))
            }
            let near = d2.sorted { $0.d < $1.d || ($0.d == $1.d && $0.j < $1.j) }.prefix(k)
            let dMin = near.first!.d
            func probabilities(_ beta: Double) -> [Double] {
                let w = near.map { exp(-beta * ($0.d - dMin)) }
                let total = w.reduce(0, +)
                return w.map { $0 / total }
            }
            func entropy(_ p: [Double]) -> Double { -p.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) } }
            var lo = 0.0, hi = 1.0
            while entropy(probabilities(hi)) > log(perplexity) { hi *= 2 }
            for _ in 0..<200 {
                let mid = (lo + hi) / 2
                if entropy(probabilities(mid)) > log(perplexity) { lo = mid } else { hi = mid }
                if hi - lo < 1e-12 * hi { break }
            }
            for (p, entry) in zip(probabilities((lo + hi) / 2), near) { conditional[i * n + entry.j] = p }
        }
        var joint = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { joint[i * n + j] = (conditional[i * n + j] + conditional[j * n + i]) / Double(2 * n) } }
        return joint
    }

    /// The comparison above (`precomputedNeighboursGiveTheSameAffinitiesAsTheData`) holds by
    /// construction, since `Affinities(of:)` calls `Affinities(neighbors:)`; this checks both
    /// against the reference, and that the neighbours given are the ones used.
    @Test func bothAffinityPathsMatchAReferenceBuiltFromScratch() throws {
        let x = TestData.random(rows: 100, columns: 3, seed: 12)
        let reference = Self.referenceJoint(x, perplexity: 8, k: 24).map(Float.init)
        let computed = try Affinities(perplexity: 8, of: x).denseMatrix()
        let given = try Affinities(perplexity: 8, neighbors: NearestNeighbors(of: x, k: 24)).denseMatrix()
        #expect(Numeric.relativeError(computed.elements, reference) < 1e-4)
        #expect(Numeric.relativeError(given.elements, reference) < 1e-4)

        // Neighbours of other data give other affinities, those of that data.
        let other = TestData.random(rows: 100, columns: 3, seed: 13)
        let fromOther = try Affinities(perplexity: 8, neighbors: NearestNeighbors(of: other, k: 24)).denseMatrix()
        #expect(Numeric.relativeError(fromOther.elements, reference) > 0.5)
        #expect(Numeric.relativeError(fromOther.elements, Self.referenceJoint(other, perplexity: 8, k: 24).map(Float.init)) < 1e-4)

        // More neighbours than 3·perplexity change P only in the far tail.
        let wider = try Affinities(perplexity: 8, neighbors: NearestNeighbors(of: x, k: 60)).denseMatrix()
        let widerReference = Self.referenceJoint(x, perplexity: 8, k: 60).map(Float.init)
        #expect(Numeric.relativeError(wider.elements, widerReference) < 1e-4)
        #expect(wider != computed)
    }
}
