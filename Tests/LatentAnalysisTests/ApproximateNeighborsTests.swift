import LatentAnalysis
import LatentCore
import Testing
import TestSupport

@Suite struct ApproximateNeighborsTests {
    /// 2,000 points in 8 Gaussian blobs of 16 dimensions: within a blob the neighbours are as
    /// unstructured as in any high-dimensional cloud, the hard case for a graph index.
    static let blobs = TestData.blobs(clusters: 8, perCluster: 250, dimension: 16, seed: 3).points

    @Test func recallAgainstExactNeighboursIsAtLeast098() throws {
        let x = Self.blobs
        let exact = try NearestNeighbors(of: x, k: 30)
        let approximate = try NeighborSearch.approximate().neighbors(of: x, k: 30)
        let recall = try approximate.recall(against: exact)
        #expect(recall >= 0.98, "recall \(recall)")
        // The recall measure can fail: a starved index finds clearly fewer.
        let starved = try NeighborSearch.approximate(.init(links: 2, constructionBreadth: 2, searchBreadth: 1)).neighbors(of: x, k: 30)
        #expect(try starved.recall(against: exact) < recall - 0.05)
        // A point is never its own neighbour, and distances ascend and match the coordinates.
        for i in stride(from: 0, to: x.rows, by: 97) {
            let ids = approximate.indices(of: i), ds = approximate.distances(of: i)
            #expect(!ids.contains(Int32(i)))
            #expect(zip(ds, ds.dropFirst()).allSatisfy { $0 <= $1 })
            let j = Int(ids.first!)
            let direct = (0..<x.columns).reduce(Float(0)) { $0 + (x[i, $1] - x[j, $1]) * (x[i, $1] - x[j, $1]) }.squareRoot()
            #expect(abs(ds.first! - direct) <= 1e-4 * max(1, direct))
        }
    }

    @Test func sameSeedGivesTheSameGraphForOneOrTwoThreads() throws {
        let x = Self.blobs
        let one = try ExecutionContext(threads: 1).run { try NeighborSearch.approximate().neighbors(of: x, k: 20) }
        let two = try ExecutionContext(threads: 2).run { try NeighborSearch.approximate().neighbors(of: x, k: 20) }
        #expect(one == two)
        // Another seed draws other layers: a graph of its own, of the same quality.
        let other = try NeighborSearch.approximate(.init(seed: 99)).neighbors(of: x, k: 20)
        #expect(other.indices != one.indices)
    }

    @Test func newPointsAreAnsweredFromTheBuiltIndex() throws {
        let x = Self.blobs
        let index = try ApproximateNeighborIndex(of: x)
        #expect(index.count == x.rows && index.dimensions == 16)
        // New points: copies of every 10th point, moved a little.
        var rng = SeededGenerator(seed: 8)
        var q = x.rows(at: Array(stride(from: 0, to: x.rows, by: 10)))
        for i in 0..<q.rows { for j in 0..<q.columns { q[i, j] += 0.1 * rng.nextGaussian() } }
        let found = try index.query(q, k: 15)
        let exact = try NearestNeighbors(of: q, in: x, k: 15)
        #expect(found.count == q.rows && found.k == 15)
        #expect(try found.recall(against: exact) >= 0.98)
        // An indexed point asked again finds itself at distance 0; queries repeat exactly.
        let again = try index.query(x.rows(0..<5), k: 3)
        for i in 0..<5 {
            #expect(again.indices(of: i).first == Int32(i))
            #expect(again.distances(of: i).first == 0)
        }
        #expect(try index.query(q, k: 15) == found)
        // A wider search breadth finds at least as many.
        let wide = try index.query(q, k: 15, searchBreadth: 400)
        #expect(try wide.recall(against: exact) >= (try found.recall(against: exact)) - 1e-9)
        #expect(index.memoryBytes > x.rows * 16 * 4)
        #expect(index.memoryBytes <= ApproximateNeighborSettings().estimatedBytes(points: x.rows, dimensions: 16))
    }

    @Test func cosineNeighboursMatchTheExactOnes() throws {
        let x = TestData.random(rows: 600, columns: 12, seed: 4)
        let exact = try NearestNeighbors(of: x, k: 10, metric: .cosine)
        let approximate = try NeighborSearch.approximate().neighbors(of: x, k: 10, metric: .cosine)
        #expect(approximate.metric == .cosine)
        #expect(try approximate.recall(against: exact) >= 0.98)
        // Same scale as the exact distances (1 − cosine).
        #expect(abs(approximate.distances(of: 0).first! - exact.distances(of: 0).first!) < 1e-4)
    }

    @Test func duplicatesAreNeighboursAtDistanceZeroAndNeverThemselves() throws {
        var x = TestData.random(rows: 200, columns: 5, seed: 6)
        for j in 0..<5 { x[1, j] = x[0, j]; x[2, j] = x[0, j] }
        let knn = try NeighborSearch.approximate().neighbors(of: x, k: 4)
        #expect(Set(knn.indices(of: 0).prefix(2)) == [1, 2])
        #expect(knn.distances(of: 0).prefix(2).allSatisfy { $0 == 0 })
        for i in 0..<x.rows { #expect(!knn.indices(of: i).contains(Int32(i))) }
    }

    @Test func autoIsExactBelowTheCrossoverAndApproximateAbove() {
        let below = NeighborSearch.approximateFromPoints - 1
        #expect(NeighborSearch.auto.resolved(points: below) == .exact)
        #expect(NeighborSearch.auto.resolved(points: below + 1) == .approximate())
        #expect(NeighborSearch.exact.resolved(points: 10_000_000) == .exact)
        // The index's memory is linear in N.
        let s = ApproximateNeighborSettings()
        #expect(s.estimatedBytes(points: 2_000_000, dimensions: 50) == 2 * s.estimatedBytes(points: 1_000_000, dimensions: 50))
    }

    @Test func progressReportsBothPhasesAndCanStop() throws {
        let x = TestData.random(rows: 5000, columns: 3, seed: 2)
        var phases: [NeighborSearchProgress.Phase] = [], last = 0
        _ = try NeighborSearch.approximate().neighbors(of: x, k: 5) { step in
            if phases.last != step.phase { phases.append(step.phase); last = 0 }
            #expect(step.completed > last && step.completed <= step.total && step.total == 5000)
            last = step.completed
            return .continue
        }
        #expect(phases == [.indexing, .querying])
        #expect(last == 5000)
        #expect(throws: AnalysisError.stopped) { try ApproximateNeighborIndex(of: x) { _ in .stop } }
        let index = try ApproximateNeighborIndex(of: x)
        #expect(throws: AnalysisError.stopped) { try index.neighborsOfIndexedPoints(k: 5) { _ in .stop } }
        #expect(throws: AnalysisError.stopped) { try NearestNeighbors(of: x, k: 5) { _ in .stop } }
    }

    @Test func sampledExactNeighboursMatchTheFullTable() throws {
        let x = TestData.random(rows: 300, columns: 4, seed: 9)
        let full = try NearestNeighbors(of: x, k: 7)
        let rows = [0, 17, 123, 299]
        let sample = try NearestNeighbors.exact(ofRows: rows, in: x, k: 7)
        for (r, i) in rows.enumerated() { #expect(sample.indices(of: r) == full.indices(of: i)) }
        #expect(try full.recall(against: sample, rows: rows) == 1)
        #expect(try full.recall(against: full) == 1)
    }

    @Test func badInputsAreRefusedNamingTheProblem() throws {
        let x = TestData.random(rows: 50, columns: 4, seed: 1)
        var bad = x
        bad[7, 2] = .nan
        #expect(throws: AnalysisError.nonFinite(row: 7, column: 2)) { try ApproximateNeighborIndex(of: bad) }
        #expect(throws: AnalysisError.self) { try ApproximateNeighborIndex(of: Matrix(rows: 0, columns: 4)) }
        #expect(throws: AnalysisError.self) { try ApproximateNeighborIndex(of: x, settings: .init(links: 1)) }
        #expect(throws: AnalysisError.self) { try ApproximateNeighborIndex(of: x, settings: .init(constructionBreadth: 0)) }
        let index = try ApproximateNeighborIndex(of: x)
        #expect(throws: AnalysisError.self) { try index.neighborsOfIndexedPoints(k: 50) }
        #expect(throws: AnalysisError.self) { try index.neighborsOfIndexedPoints(k: 0) }
        #expect(throws: AnalysisError.self) { try index.query(x, k: 51) }
        #expect(throws: AnalysisError.self) { try index.query(TestData.random(rows: 3, columns: 5, seed: 1), k: 2) }
        var badQuery = x.rows(0..<2)
        badQuery[1, 0] = .infinity
        #expect(throws: AnalysisError.nonFinite(row: 1, column: 0)) { try index.query(badQuery, k: 2) }
        #expect(throws: AnalysisError.self) { try NeighborSearch.approximate().neighbors(of: x, k: 50) }
        let knn = try NearestNeighbors(of: x, k: 3)
        #expect(throws: AnalysisError.self) { try knn.recall(against: try NearestNeighbors(of: x, k: 5)) }
    }
}
