import LatentAnalysis
import LatentCore
import Testing
import TestSupport

/// Trustworthiness straight from its definition, in Double, O(N² log N).
private func referenceTrustworthiness(_ x: Matrix, _ y: Matrix, k: Int) -> Double {
    let n = x.rows
    func order(_ m: Matrix, _ i: Int) -> [Int] {
        var d: [(Double, Int)] = []
        for j in 0..<n where j != i {
            var s = 0.0
            for c in 0..<m.columns { let t = Double(m[i, c]) - Double(m[j, c]); s += t * t }
            d.append((s, j))
        }
        d.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        return d.map { $0.1 }
    }
    var total = 0.0
    for i in 0..<n {
        let ox = order(x, i), oy = order(y, i)
        var rank = [Int](repeating: 0, count: n)
        for (r, j) in ox.enumerated() { rank[j] = r + 1 }
        for j in oy.prefix(k) where rank[j] > k { total += Double(rank[j] - k) }
    }
    let nd = Double(n), kd = Double(k)
    return 1 - 2 / (nd * kd * (2 * nd - 3 * kd - 1)) * total
}

@Suite struct EmbeddingQualityTests {
    @Test func identityEmbeddingIsPerfectlyTrustworthyAndContinuous() throws {
        let x = TestData.random(rows: 120, columns: 3, seed: 8)
        #expect(try EmbeddingQuality.trustworthiness(original: x, embedding: x, k: 10) == 1)
        #expect(try EmbeddingQuality.continuity(original: x, embedding: x, k: 10) == 1)
    }

    @Test func shuffledEmbeddingScoresFarLower() throws {
        let x = TestData.random(rows: 150, columns: 3, seed: 8)
        var rng = SeededGenerator(seed: 1)
        let shuffled = x.rows(at: Array(0..<x.rows).shuffled(using: &rng))
        let t = try EmbeddingQuality.trustworthiness(original: x, embedding: shuffled, k: 10)
        #expect(t < 0.7)
    }

    @Test func matchesTheDefinitionOnAProjection() throws {
        let x = TestData.random(rows: 80, columns: 6, seed: 21)
        let y = x.columns(0..<2)
        let fast = try EmbeddingQuality.trustworthiness(original: x, embedding: y, k: 5)
        let slow = referenceTrustworthiness(x, y, k: 5)
        #expect(abs(fast - slow) < 1e-9)
        #expect(fast < 1)
        // Continuity is trustworthiness with the spaces swapped.
        let cont = try EmbeddingQuality.continuity(original: x, embedding: y, k: 5)
        #expect(abs(cont - referenceTrustworthiness(y, x, k: 5)) < 1e-9)
    }

    @Test func subsampleIsSeededAndBadSizesAreErrors() throws {
        let x = TestData.random(rows: 300, columns: 3, seed: 2)
        let y = x.columns(0..<2)
        let a = try EmbeddingQuality.trustworthiness(original: x, embedding: y, k: 5, maximumPoints: 100, seed: 3)
        let b = try EmbeddingQuality.trustworthiness(original: x, embedding: y, k: 5, maximumPoints: 100, seed: 3)
        #expect(a == b)
        #expect(throws: AnalysisError.self) {
            try EmbeddingQuality.trustworthiness(original: x, embedding: y.rows(0..<10), k: 5)
        }
        #expect(throws: AnalysisError.self) {
            try EmbeddingQuality.trustworthiness(original: x.rows(0..<10), embedding: y.rows(0..<10), k: 9)
        }
    }
}
