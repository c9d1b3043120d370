import LatentAnalysis
import LatentCore
import Testing
import TestSupport

/// Brute-force neighbours in Double: sort all others by (distance, index).
private func bruteForce(_ q: Matrix, _ r: Matrix, k: Int, excludeSelf: Bool, cosine: Bool = false) -> [[Int]] {
    (0..<q.rows).map { i in
        var cands: [(Double, Int)] = []
        for j in 0..<r.rows where !(excludeSelf && j == i) {
            var d = 0.0, qq = 0.0, rr = 0.0, dot = 0.0
            for c in 0..<q.columns {
                let a = Double(q[i, c]), b = Double(r[j, c])
                d += (a - b) * (a - b); qq += a * a; rr += b * b; dot += a * b
            }
            cands.append((cosine ? 1 - dot / (qq.squareRoot() * rr.squareRoot()) : d, j))
        }
        cands.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        return cands.prefix(k).map { $0.1 }
    }
}

@Suite struct NearestNeighborsTests {
    @Test func selfNeighboursEqualBruteForce() throws {
        let x = TestData.random(rows: 157, columns: 7, seed: 11)
        let knn = try NearestNeighbors(of: x, k: 6)
        let expected = bruteForce(x, x, k: 6, excludeSelf: true)
        for i in 0..<x.rows { #expect(knn.indices(of: i).map { Int($0) } == expected[i], "point \(i)") }
        // Distances are Euclidean, ascending.
        let d0 = knn.distances(of: 0)
        #expect(zip(d0, d0.dropFirst()).allSatisfy { $0 <= $1 })
        let j = Int(knn.indices(of: 0).first!)
        let direct = (0..<7).reduce(Float(0)) { $0 + (x[0, $1] - x[j, $1]) * (x[0, $1] - x[j, $1]) }.squareRoot()
        #expect(abs(d0.first! - direct) < 1e-5)
    }

    @Test func queriesAgainstAnotherSetEqualBruteForce() throws {
        let q = TestData.random(rows: 40, columns: 5, seed: 1)
        let r = TestData.random(rows: 300, columns: 5, seed: 2)
        let knn = try NearestNeighbors(of: q, in: r, k: 9)
        let expected = bruteForce(q, r, k: 9, excludeSelf: false)
        for i in 0..<q.rows { #expect(knn.indices(of: i).map { Int($0) } == expected[i]) }
    }

    @Test func cosineNeighboursEqualBruteForce() throws {
        let x = TestData.random(rows: 90, columns: 4, seed: 5)
        let knn = try NearestNeighbors(of: x, k: 4, metric: .cosine)
        let expected = bruteForce(x, x, k: 4, excludeSelf: true, cosine: true)
        for i in 0..<x.rows { #expect(knn.indices(of: i).map { Int($0) } == expected[i]) }
    }

    @Test func duplicatesAreNeighboursAtDistanceZeroButAPointIsNotItsOwn() throws {
        var x = TestData.random(rows: 20, columns: 3, seed: 9)
        x.setRow(7, to: x.row(3))
        let knn = try NearestNeighbors(of: x, k: 2)
        #expect(knn.indices(of: 3).first == 7)
        #expect(knn.distances(of: 3).first == 0)
        for i in 0..<x.rows { #expect(!knn.indices(of: i).contains(Int32(i))) }
    }

    @Test func resultDoesNotDependOnThreadCount() throws {
        let x = TestData.random(rows: 700, columns: 12, seed: 3)
        let one = try ExecutionContext(threads: 1).run { try NearestNeighbors(of: x, k: 10) }
        let two = try ExecutionContext(threads: 2).run { try NearestNeighbors(of: x, k: 10) }
        #expect(one == two)
    }

    @Test func manyBlocksAndTilesEqualBruteForce() throws {
        // More than one 256-query block and one 2,048-point tile, with a duplicate across tiles.
        var x = TestData.random(rows: 2600, columns: 3, seed: 17)
        x.setRow(2500, to: x.row(10))
        let knn = try NearestNeighbors(of: x, k: 7)
        for i in Array(stride(from: 0, to: 2600, by: 97)) + [10, 2500] {
            var cands: [(Double, Int)] = []
            for j in 0..<x.rows where j != i {
                var s = 0.0
                for c in 0..<3 { let t = Double(x[i, c]) - Double(x[j, c]); s += t * t }
                cands.append((s, j))
            }
            cands.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            #expect(knn.indices(of: i).map { Int($0) } == cands.prefix(7).map { $0.1 }, "point \(i)")
        }
        #expect(knn.indices(of: 10).first == 2500 && knn.indices(of: 2500).first == 10)
    }

    @Test func allOtherPointsWhenKIsNMinusOne() throws {
        let x = TestData.random(rows: 9, columns: 2, seed: 6)
        let knn = try NearestNeighbors(of: x, k: 8)
        for i in 0..<9 { #expect(Set(knn.indices(of: i).map { Int($0) }) == Set(0..<9).subtracting([i])) }
    }

    @Test func pairwiseSquaredDistancesEqualTheDefinition() {
        let a = TestData.random(rows: 33, columns: 6, seed: 1), b = TestData.random(rows: 300, columns: 6, seed: 2)
        let d = PairwiseDistances.squared(from: a, to: b)
        var expected = [Float]()
        for i in 0..<a.rows {
            for j in 0..<b.rows {
                expected.append((0..<6).reduce(Float(0)) { $0 + (a[i, $1] - b[j, $1]) * (a[i, $1] - b[j, $1]) })
            }
        }
        #expect(Numeric.relativeError(d.elements, expected) < 1e-5)
    }

    @Test func impossibleKAndNaNAreErrors() {
        let x = TestData.random(rows: 5, columns: 2, seed: 1)
        #expect(throws: AnalysisError.self) { try NearestNeighbors(of: x, k: 5) }
        #expect(throws: AnalysisError.self) { try NearestNeighbors(of: x, k: 0) }
        var bad = x
        bad[2, 1] = .nan
        #expect(throws: AnalysisError.nonFinite(row: 2, column: 1)) { try NearestNeighbors(of: bad, k: 2) }
    }
}
