import LatentAnalysis
import LatentCore
@testable import LatentTSNE
import Testing
import TestSupport

@Suite struct ApproximateAffinitiesTests {
    static let blobs = TestData.blobs(clusters: 5, perCluster: 300, dimension: 12, seed: 21).points

    @Test func affinitiesFromTheApproximateGraphAreCloseToTheExactOnes() throws {
        let x = Self.blobs
        let exact = try Affinities(perplexity: 20, of: x, neighborSearch: .exact)
        let approximate = try Affinities(perplexity: 20, of: x, neighborSearch: .approximate())
        let pe = exact.denseMatrix(), pa = approximate.denseMatrix()
        let error = Numeric.relativeError(pa.elements, pe.elements)
        #expect(error < 0.05, "relative error \(error)")
        // Still a joint distribution: symmetric, summing to 1.
        var total = 0.0
        for i in 0..<pa.rows { for j in 0..<pa.columns { total += Double(pa[i, j]) } }
        #expect(abs(total - 1) < 1e-5)
        #expect(pa[3, 700] == pa[700, 3])
        // A starved index gives a clearly worse P: the comparison can fail.
        let starved = try Affinities(perplexity: 20, of: x,
                                     neighborSearch: .approximate(.init(links: 2, constructionBreadth: 2, searchBreadth: 1)))
        #expect(Numeric.relativeError(starved.denseMatrix().elements, pe.elements) > 2 * error)
    }

    @Test func theGraphOfAGivenIndexBuildsTheSameAffinities() throws {
        let x = Self.blobs
        let index = try ApproximateNeighborIndex(of: x)
        let fromIndex = try Affinities(perplexity: 20, neighbors: try index.neighborsOfIndexedPoints(k: 60))
        let direct = try Affinities(perplexity: 20, of: x, neighborSearch: .approximate())
        #expect(fromIndex.denseMatrix() == direct.denseMatrix())
    }

    @Test func tsneSaysWhichNeighbourSearchRanAndIsTheSameForOneOrTwoThreads() throws {
        let x = Self.blobs
        var tsne = TSNE(perplexity: 20, iterations: 60, exaggerationIterations: 30, neighborSearch: .approximate())
        let one = try tsne.fit(x, context: ExecutionContext(threads: 1))
        let two = try tsne.fit(x, context: ExecutionContext(threads: 2))
        #expect(one.positions == two.positions)
        #expect(one.neighborSearch == .approximate())
        tsne.neighborSearch = .auto                                  // 1,500 points: exact
        #expect(try tsne.fit(x).neighborSearch == .exact)
        tsne.method = .exact                                         // all pairs, no neighbour search
        #expect(try tsne.fit(x.rows(0..<200)).neighborSearch == nil)
    }

    @Test func preparationReportsNeighboursThenAffinitiesAndCanStop() throws {
        let x = Self.blobs
        var stages: [TSNEPreparationProgress.Stage] = []
        var finals: [Int] = []
        let tsne = TSNE(perplexity: 20, iterations: 5, exaggerationIterations: 2, neighborSearch: .approximate())
        _ = try tsne.fit(x, resumingFrom: nil, checkpointing: nil, preparation: { step in
            if stages.last != step.stage { stages.append(step.stage); finals.append(0) }
            finals[finals.count - 1] = step.completed
            #expect(step.total == x.rows)
            return .continue
        })
        #expect(stages == [.indexing, .neighbors, .affinities])
        #expect(finals == [x.rows, x.rows, x.rows])
        #expect(throws: TSNEError.stopped) {
            try tsne.fit(x, resumingFrom: nil, checkpointing: nil, preparation: { _ in .stop })
        }
        #expect(throws: TSNEError.stopped) {
            try tsne.fit(x, resumingFrom: nil, checkpointing: nil, preparation: { $0.stage == .affinities ? .stop : .continue })
        }
    }

    @Test func theMemoryEstimateStaysLinearAndCountsTheIndex() {
        let approximate = TSNE(neighborSearch: .approximate())
        let million = approximate.estimatedPeakBytes(points: 1_000_000, inputDimensions: 50)
        let twoMillion = approximate.estimatedPeakBytes(points: 2_000_000, inputDimensions: 50)
        // Linear in N (the fixed allowance aside); a million 50-D points fit in 8 GB.
        #expect(abs(Double(twoMillion - 16 << 20) / Double(million - 16 << 20) - 2) < 0.01)
        #expect(million < 8_000_000_000)
        // With a huge index (many links), the index while searching is the peak, not P.
        let wide = TSNE(neighborSearch: .approximate(.init(links: 1000)))
        #expect(wide.estimatedPeakBytes(points: 100_000, inputDimensions: 50)
                > TSNE(neighborSearch: .exact).estimatedPeakBytes(points: 100_000, inputDimensions: 50))
        // A refusal names the search.
        let small = TSNE(neighborSearch: .approximate())
        #expect { try small.fit(Self.blobs, context: ExecutionContext(memoryLimit: 1000)) } throws: { error in
            "\(error)".contains("approximate neighbours") && "\(error)".contains("1500 points")
        }
    }

    @Test func badNeighbourTablesAreRefused() throws {
        let x = TestData.random(rows: 40, columns: 3, seed: 2)
        let knn = try NearestNeighbors(of: x, k: 10)
        var d = knn.distances
        d[17] = .nan
        let nanTable = try NearestNeighbors(k: 10, indices: knn.indices, distances: d)
        #expect(throws: TSNEError.self) { try Affinities(perplexity: 5, neighbors: nanTable) }
        d[17] = -1
        let negative = try NearestNeighbors(k: 10, indices: knn.indices, distances: d)
        #expect(throws: TSNEError.self) { try Affinities(perplexity: 5, neighbors: negative) }
        #expect(try Affinities(perplexity: 5, neighbors: knn).count == 40)
    }

    @Test func placingNewPointsThroughTheIndexMatchesExactPlacing() throws {
        let blobs = TestData.blobs(clusters: 4, perCluster: 80, dimension: 8, separation: 8, seed: 21).points
        let train = blobs.rows(at: Array(stride(from: 0, to: 320, by: 2)))
        let test = blobs.rows(at: Array(stride(from: 1, to: 320, by: 2)))
        let tsne = TSNE(perplexity: 15, iterations: 200, exaggerationIterations: 80, seed: 3)
        let map = try TSNEMap(reference: train, result: try tsne.fit(train), tsne: tsne, labels: nil)
        let index = try ApproximateNeighborIndex(of: train, metric: map.metric)
        #expect(try index.neighbors(of: test, k: 15) == (try index.query(test, k: 15)))
        let exact = try map.transform(test).positions
        let approximate = try map.transform(test, search: index).positions
        // 160 reference points: the index finds the same neighbours, so the same positions.
        #expect(Numeric.relativeError(approximate.elements, exact.elements) < 1e-3)
    }
}
