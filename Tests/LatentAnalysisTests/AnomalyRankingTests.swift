import LatentAnalysis
import LatentCore
import Testing
import TestSupport

@Suite struct AnomalyRankingTests {
    @Test func perSampleErrorIsTheMeanSquaredDifferenceOfEachRow() throws {
        let a = TestData.random(rows: 37, columns: 13, seed: 1), b = TestData.random(rows: 37, columns: 13, seed: 2)
        let errors = try AnomalyRanking.meanSquaredErrors(a, b)
        #expect(errors.count == 37)
        for i in 0..<37 {
            var s = 0.0
            for j in 0..<13 { s += Double(a[i, j] - b[i, j]) * Double(a[i, j] - b[i, j]) }
            #expect(abs(Double(errors[i]) - s / 13) <= 1e-6 * max(1, s / 13))
        }
        #expect(try AnomalyRanking.meanSquaredErrors(a, a).allSatisfy { $0 == 0 })
    }

    @Test func perSampleErrorsDoNotDependOnTheThreadCount() throws {
        let a = TestData.random(rows: 400, columns: 300, seed: 3), b = TestData.random(rows: 400, columns: 300, seed: 4)
        let serial = try ExecutionContext(threads: 1).run { try AnomalyRanking.meanSquaredErrors(a, b) }
        #expect(try ExecutionContext(threads: 4).run { try AnomalyRanking.meanSquaredErrors(a, b) } == serial)
    }

    @Test func anInjectedCorruptedSampleRanksFirst() throws {
        // 300 samples near a 3-D subspace of R²⁰, reconstructed by a 3-component PCA; sample
        // 137 is replaced by noise of the same scale, which the subspace cannot represent.
        for seed: UInt64 in [1, 2, 3] {
            var rng = SeededGenerator(seed: seed)
            let basis = Matrix.gaussian(rows: 3, columns: 20, using: &rng)
            var x = Matrix.gaussian(rows: 300, columns: 3, using: &rng).multiplied(by: basis)
            x = x + Matrix.gaussian(rows: 300, columns: 20, standardDeviation: 0.05, using: &rng)
            x.setRow(137, to: Matrix.gaussian(rows: 1, columns: 20, standardDeviation: 1.7, using: &rng).elements)
            let pca = try PCA(fitting: x, components: 3)
            let ranking = try AnomalyRanking(inputs: x, reconstructions: pca.inverseTransform(pca.transform(x)))
            #expect(ranking.top(1) == [137], "seed \(seed)")
            #expect(ranking.ranks[137] == 0)
            #expect(ranking.errors[137] > 10 * ranking.errors[ranking.order[1]], "seed \(seed): far above the runner-up")
        }
    }

    @Test func orderIsByDecreasingErrorWithTiesByIndex() throws {
        let r = try AnomalyRanking(errors: [0.5, 2, 0.5, 3, 0])
        #expect(r.order == [3, 1, 0, 2, 4])
        #expect(r.ranks == [2, 1, 3, 0, 4])
        #expect(r.top(2) == [3, 1])
        #expect(r.top(10).count == 5)
    }

    @Test func mismatchedShapesAndNaNAreErrors() {
        #expect(throws: AnalysisError.self) { try AnomalyRanking.meanSquaredErrors(Matrix(rows: 2, columns: 3), Matrix(rows: 3, columns: 3)) }
        #expect(throws: AnalysisError.self) { try AnomalyRanking(errors: [1, .nan]) }
    }
}
