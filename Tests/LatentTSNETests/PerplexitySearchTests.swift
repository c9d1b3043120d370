import Foundation
import LatentAnalysis
import LatentCore
@testable import LatentTSNE
import Testing
import TestSupport

@Suite struct PerplexitySearchTests {
    /// Calibrates rows of squared distances and returns each row's perplexity exp(H).
    private func perplexities(_ d2: [Float], rows: Int, width: Int, target: Double) -> [Double] {
        var p = [Float](repeating: 0, count: d2.count)
        d2.withUnsafeBufferPointer { dp in
            p.withUnsafeMutableBufferPointer { pp in
                PerplexitySearch.conditionalProbabilities(squaredDistances: dp.baseAddress!, rows: rows, width: width,
                                                          perplexity: target, probabilities: pp.baseAddress!)
            }
        }
        return (0..<rows).map { i in exp(Reference.entropy(p[i * width ..< (i + 1) * width])) }
    }

    @Test(arguments: [5.0, 30.0])
    func everyPointReachesTheTargetPerplexity(target: Double) throws {
        var x = TestData.random(rows: 200, columns: 6, seed: 4)
        for i in 0..<3 { x.setRow(100 + i, to: x.row(3)) }        // a group of 4 duplicates
        let k = Int(3 * target)
        let knn = try NearestNeighbors(of: x, k: k)
        let d2 = knn.distances.map { $0 * $0 }
        for (i, perp) in perplexities(d2, rows: x.rows, width: k, target: target).enumerated() {
            #expect(abs(perp - target) / target < 1e-3, "point \(i): perplexity \(perp)")
        }
    }

    @Test func hugeAndTinyDistancesNeitherUnderflowNorStall() {
        // Rows whose distances are far apart in scale: exp(−β d) would underflow without the shift.
        let width = 60
        var d2 = [Float]()
        for scale: Float in [1e-6, 1, 1e6, 1e12] {
            for j in 0..<width { d2.append(scale * (1000 + Float(j * j))) }
        }
        let perps = perplexities(d2, rows: 4, width: width, target: 10)
        for (i, p) in perps.enumerated() { #expect(abs(p - 10) / 10 < 1e-3, "row \(i): perplexity \(p)") }
    }

    @Test func moreDuplicatesThanThePerplexityGiveAUniformRowOverThem() {
        // 8 neighbours at distance 0, target 5: out of reach; the best row is uniform over the 8.
        let d2: [Float] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7]
        let perps = perplexities(d2, rows: 1, width: d2.count, target: 5)
        #expect(abs(perps[0] - 8) < 1e-3)
    }

    @Test func allEqualDistancesGiveAUniformRowWithoutHanging() {
        let d2 = [Float](repeating: 4, count: 20)
        let perps = perplexities(d2, rows: 1, width: 20, target: 5)
        #expect(abs(perps[0] - 20) < 1e-3)     // the only reachable value: uniform over 20
    }
}
