import Foundation
import LatentAnalysis
import LatentCore
@testable import LatentTSNE
import Testing
import TestSupport

/// Placing new points into a fixed map, and the map file.
@Suite struct TSNEMapTests {
    /// 4 blobs of 80 points in 8-D: even rows are the map's reference, odd rows the new points.
    static let blobs = TestData.blobs(clusters: 4, perCluster: 80, dimension: 8, separation: 8, seed: 21)
    static let train = blobs.points.rows(at: Array(stride(from: 0, to: 320, by: 2)))
    static let trainLabels = Array(stride(from: 0, to: 320, by: 2)).map { blobs.labels[$0] }
    static let test = blobs.points.rows(at: Array(stride(from: 1, to: 320, by: 2)))
    static let testLabels = Array(stride(from: 1, to: 320, by: 2)).map { blobs.labels[$0] }

    static func map(_ method: GradientMethod) throws -> TSNEMap {
        let tsne = TSNE(perplexity: 15, method: method, iterations: 300, exaggerationIterations: 100, seed: 3)
        let result = try tsne.fit(train)
        return try TSNEMap(reference: train, result: result, tsne: tsne, labels: trainLabels)
    }

    static let barnesHut = try! map(.barnesHut(theta: 0.5))

    @Test(arguments: [GradientMethod.exact, .barnesHut(theta: 0.5)])
    func placingInOneBatchOrSeveralGivesTheSameBytes(method: GradientMethod) throws {
        let map = method == .exact ? try TSNEMapTests.map(.exact) : TSNEMapTests.barnesHut
        let all = try map.transform(TSNEMapTests.test).positions
        let first = try map.transform(TSNEMapTests.test.rows(0..<37)).positions
        let rest = try map.transform(TSNEMapTests.test.rows(37..<160)).positions
        #expect(try Matrix.vstack([first, rest]).elements.map(\.bitPattern) == all.elements.map(\.bitPattern))
        // One point alone lands where it lands in the batch.
        let single = try map.transform(TSNEMapTests.test.rows(100..<101)).positions
        #expect(single.elements == all.rows(100..<101).elements)
    }

    @Test func placementIsTheSameForAnyThreadCount() throws {
        let serial = try TSNEMapTests.barnesHut.transform(TSNEMapTests.test, context: ExecutionContext(threads: 1)).positions
        let parallel = try TSNEMapTests.barnesHut.transform(TSNEMapTests.test, context: ExecutionContext(threads: 4)).positions
        #expect(serial.elements.map(\.bitPattern) == parallel.elements.map(\.bitPattern))
    }

    @Test func placedPointsLandAmongTheirClassAndTheMapDoesNotMove() throws {
        let map = TSNEMapTests.barnesHut
        let before = map.positions
        let placed = try map.transform(TSNEMapTests.test).positions
        #expect(map.positions.elements == before.elements)
        let accuracy = try KNNClassifier(k: 10).accuracy(training: map.positions, labels: TSNEMapTests.trainLabels,
                                                          test: placed, testLabels: TSNEMapTests.testLabels)
        #expect(accuracy >= 0.97, "10-NN accuracy of placed points \(accuracy)")
        // Optimising moves the points off their starting medians (the run did something).
        let start = try map.transform(TSNEMapTests.test, placement: TSNEPlacement(iterations: 0)).positions
        #expect(start.elements != placed.elements)
    }

    /// The training points placed again land near where they are: the median displacement is
    /// a small fraction of the map's spread (the RMS distance of the map from its centre).
    @Test func replacingTheTrainingPointsKeepsThemNearWhereTheyAre() throws {
        let map = TSNEMapTests.barnesHut
        let again = try map.transform(map.reference).positions
        var moves = (0..<map.count).map { i -> Double in
            let dx = Double(again[i, 0] - map.positions[i, 0]), dy = Double(again[i, 1] - map.positions[i, 1])
            return (dx * dx + dy * dy).squareRoot()
        }
        moves.sort()
        let relative = moves[moves.count / 2] / map.spread
        #expect(relative < 0.1, "median displacement \(relative) of the spread")
    }

    /// The kernel's gradient is half the derivative of point i's KL(p_·|i ‖ q_·|i) over the
    /// reference (the exact field; central differences in Double).
    @Test func placementGradientMatchesFiniteDifferences() throws {
        let map = try TSNEMapTests.map(.exact)
        let k = 15
        let x = TSNEMapTests.test.rows(0..<3)
        let knn = try NearestNeighbors(of: x, in: map.reference, k: k)
        var d2 = knn.distances.map { $0 * $0 }
        var p = [Float](repeating: 0, count: 3 * k)
        d2.withUnsafeMutableBufferPointer { dp in
            p.withUnsafeMutableBufferPointer { pp in
                PerplexitySearch.conditionalProbabilities(squaredDistances: dp.baseAddress!, rows: 3, width: k, perplexity: 5,
                                                          probabilities: pp.baseAddress!)
            }
        }
        let ref = map.positions
        for i in 0..<3 {
            let at: [Double] = [Double(ref[Int(knn.indices[i * k]), 0]) + 0.3, Double(ref[Int(knn.indices[i * k]), 1]) - 0.2]
            func loss(_ c: [Double]) -> Double {
                var w = [Double](repeating: 0, count: ref.rows), total = 0.0
                for j in 0..<ref.rows {
                    let dx = c[0] - Double(ref[j, 0]), dy = c[1] - Double(ref[j, 1])
                    w[j] = 1 / (1 + dx * dx + dy * dy); total += w[j]
                }
                var kl = 0.0
                for t in 0..<k where p[i * k + t] > 0 {
                    let pj = Double(p[i * k + t])
                    kl += pj * log(pj / (w[Int(knn.indices[i * k + t])] / total))
                }
                return kl
            }
            let numeric = Numeric.centralDifferenceGradient(at: at, step: 1e-5, loss)
            let g = ref.withUnsafeBufferPointer { rb in
                knn.indices.withUnsafeBufferPointer { nb in
                    p.withUnsafeBufferPointer { pb in
                        PlacementKernel.gradient(PlaneSpace.self, i, at: (Float(at[0]), Float(at[1]), 0),
                                                 field: ExactField(positions: rb.baseAddress!, count: ref.rows),
                                                 reference: rb.baseAddress!, neighbors: nb.baseAddress!,
                                                 affinities: pb.baseAddress!, k: k, exaggeration: 1)
                    }
                }
            }
            let error = Numeric.relativeError([g.0, g.1], numeric.map { Float($0 / 2) })
            #expect(error < 1e-3, "point \(i): gradient \(g), numeric/2 \(numeric.map { $0 / 2 })")
        }
    }

    @Test func aMapFileRoundTrips() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let base = TSNEMapTests.barnesHut
        let raw = TestData.random(rows: 10, columns: 12, seed: 2)
        let projection = TSNEMap.Projection(try PCA(fitting: raw, components: 8))
        let map = try TSNEMap(reference: base.reference, positions: base.positions, perplexity: base.perplexity,
                              metric: .cosine, method: .barnesHut(theta: 0.35), labels: base.labels, projection: projection)
        try map.write(to: dir.file("map.safetensors"))
        let back = try TSNEMap.read(from: dir.file("map.safetensors"))
        #expect(back.reference.elements == map.reference.elements && back.positions.elements == map.positions.elements)
        #expect(back.positions.columns == 2 && back.reference.columns == 8)
        #expect(back.perplexity == 15 && back.metric == .cosine && back.method == .barnesHut(theta: 0.35))
        #expect(back.labels == TSNEMapTests.trainLabels && back.projection == projection)
        #expect(back.inputDimensions == 12)
        // A map without the optional parts.
        try base.write(to: dir.file("plain.safetensors"))
        let plain = try TSNEMap.read(from: dir.file("plain.safetensors"))
        #expect(plain.projection == nil && plain.labels == TSNEMapTests.trainLabels && plain.method == .barnesHut(theta: 0.5))
        #expect(try plain.transform(TSNEMapTests.test).positions.elements == base.transform(TSNEMapTests.test).positions.elements)
    }

    @Test func dataThatDoesNotFitTheMapIsRefusedNamingTheDifference() throws {
        let map = TSNEMapTests.barnesHut
        let wide = TestData.random(rows: 5, columns: 9, seed: 1)
        #expect(throws: TSNEError.mapMismatch("the map was made from 8-dimensional points, the new data has 9 columns")) {
            try map.transform(wide)
        }
        #expect(throws: TSNEError.mapMismatch("the map measures distances with the euclidean metric, cosine was asked for")) {
            try map.checkFits(columns: 8, metric: .cosine)
        }
        var bad = TSNEMapTests.test.rows(0..<3)
        bad[1, 2] = .nan
        #expect(throws: TSNEError.nonFinite(what: "the new points", row: 1, column: 2)) { try map.transform(bad) }
        #expect(throws: TSNEError.self) { try map.transform(TSNEMapTests.test, placement: TSNEPlacement(perplexity: 200)) }
        #expect(try map.transform(Matrix(rows: 0, columns: 8)).positions.rows == 0)
    }

    @Test func aDamagedMapFileGetsOneClearError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let good = TSNEMapTests.barnesHut.safetensors()
        let bytes = try good.encoded()
        var missing = good
        missing.tensors.removeAll { $0.name == "reference" }
        var other = good
        other.metadata["format"] = "latentmap-autoencoder"
        var reshaped = good
        reshaped.tensors[0].tensor.shape = [80, 4]
        var method = good
        method.metadata["method"] = "magic"
        let cases: [(Data, String)] = [
            (bytes.prefix(bytes.count - 10), "truncated"), (bytes.prefix(5), "too short"),
            (try missing.encoded(), "'reference' is missing"), (try other.encoded(), "format"),
            (try reshaped.encoded(), "positions"), (try method.encoded(), "method 'magic'"),
        ]
        for (data, word) in cases {
            let path = dir.file("bad.safetensors")
            try data.write(to: URL(fileURLWithPath: path))
            do {
                _ = try TSNEMap.read(from: path)
                Issue.record("a damaged map (\(word)) was accepted")
            } catch let error as TSNEError {
                #expect(error.description.hasPrefix("\(path): not a usable t-SNE map: "), "\(error)")
                #expect(error.description.contains(word), "\(error) lacks '\(word)'")
                #expect(!error.description.contains("\n"))
            }
        }
        #expect(throws: TSNEError.invalidMap(path: "/no/such/map.safetensors", reason: "no such file")) {
            try TSNEMap.read(from: "/no/such/map.safetensors")
        }
    }

    /// numpy alone (a JSON parse of the header and `np.frombuffer`) reads the map file.
    @Test(.enabled(if: numpyAvailable, "python3 with numpy is not installed"))
    func numpyReadsTheMapFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let map = TSNEMapTests.barnesHut
        let path = dir.file("map.safetensors")
        try map.write(to: path)
        let r = runPython("""
            import json, struct, numpy as np
            raw = open('\(path)', 'rb').read()
            n = struct.unpack('<Q', raw[:8])[0]
            header = json.loads(raw[8:8 + n]); meta = header.pop('__metadata__')
            t = {k: np.frombuffer(raw[8 + n + v['data_offsets'][0]:8 + n + v['data_offsets'][1]], dtype='<f4').reshape(v['shape'])
                 for k, v in header.items()}
            print(meta['format'], meta['perplexity'], meta['metric'], meta['method'], t['positions'].shape, t['reference'].shape)
            print(' '.join(repr(float(v)) for v in t['positions'].ravel()))
            print(' '.join(str(int(v)) for v in t['labels']))
            """)
        #expect(r.status == 0)
        let lines = r.output.split(separator: "\n")
        try #require(lines.count == 3)
        #expect(lines[0] == "latentmap-tsne-map 15.0 euclidean barnes-hut (160, 2) (160, 8)")
        #expect(lines[1].split(separator: " ").map { Float(Double($0)!) } == map.positions.elements)
        #expect(lines[2].split(separator: " ").map { Int($0)! } == TSNEMapTests.trainLabels)
    }
}

extension TSNEMapTests {
    @Test func threeDimensionalMapsPlaceBatchIndependentlyToo() throws {
        let tsne = TSNE(perplexity: 15, iterations: 200, exaggerationIterations: 80, dimensions: 3, seed: 4)
        let map = try TSNEMap(reference: TSNEMapTests.train, result: try tsne.fit(TSNEMapTests.train), tsne: tsne,
                              labels: TSNEMapTests.trainLabels)
        let all = try map.transform(TSNEMapTests.test).positions
        #expect(all.columns == 3)
        let parts = try (0..<4).map { try map.transform(TSNEMapTests.test.rows(($0 * 40)..<($0 * 40 + 40))).positions }
        #expect(try Matrix.vstack(parts).elements == all.elements)
        let accuracy = try KNNClassifier(k: 10).accuracy(training: map.positions, labels: TSNEMapTests.trainLabels,
                                                          test: all, testLabels: TSNEMapTests.testLabels)
        #expect(accuracy >= 0.95, "3-D placement 10-NN accuracy \(accuracy)")
    }
}

extension TSNEMapTests {
    /// The grid sampled once from the tree gives the tree's repulsion to within interpolation
    /// error, and placements through it land where the tree's do.
    @Test func theSampledGridAgreesWithTheTree() throws {
        let map = TSNEMapTests.barnesHut
        var tree = QuadTree()
        map.positions.withUnsafeBufferPointer { tree.rebuild(positions: $0.baseAddress!, count: map.count, dimensions: 2) }
        let grid = map.positions.withUnsafeBufferPointer { pb in
            tree.walkStorage.withUnsafeBufferPointer { wb in
                ReferenceGrid(positions: pb.baseAddress!, count: map.count, walk: wb.baseAddress!, walkCount: tree.walkCount,
                              thetaSquared: 0.25, spacing: 0.5)
            }
        }
        var rng = SeededGenerator(seed: 8)
        var errorSquares = 0.0, forceSquares = 0.0, worstZ = 0.0
        grid.values.withUnsafeBufferPointer { gb in
            tree.walkStorage.withUnsafeBufferPointer { wb in
                let walkField = BarnesHutField(walk: wb.baseAddress!, walkCount: tree.walkCount, thetaSquared: 0.25)
                let gridField = GridField(grid, values: gb.baseAddress!, fallback: walkField)
                for _ in 0..<200 {
                    let i = Int(rng.next() % UInt64(map.count))
                    var p: [Float] = [map.positions[i, 0] + Float(rng.nextGaussian()), map.positions[i, 1] + Float(rng.nextGaussian()), 0]
                    let (a, b) = p.withUnsafeMutableBufferPointer { q in
                        (walkField.repulsion(PlaneSpace.self, at: q.baseAddress!), gridField.repulsion(PlaneSpace.self, at: q.baseAddress!))
                    }
                    // The normalised force, as the gradient uses it.
                    let ex = Double(a.x / a.sumQ - b.x / b.sumQ), ey = Double(a.y / a.sumQ - b.y / b.sumQ)
                    errorSquares += ex * ex + ey * ey
                    forceSquares += Double((a.x * a.x + a.y * a.y) / (a.sumQ * a.sumQ))
                    worstZ = max(worstZ, Double(abs(a.sumQ - b.sumQ) / a.sumQ))
                }
            }
        }
        let relative = (errorSquares / forceSquares).squareRoot()
        #expect(relative < 0.1, "RMS force error \(relative) of the RMS force")
        #expect(worstZ < 0.05, "largest relative error of Z \(worstZ)")
        let viaGrid = try map.transform(TSNEMapTests.test).positions
        let viaTree = try map.transform(TSNEMapTests.test, placement: TSNEPlacement(gridSpacing: nil)).positions
        var moves = (0..<viaGrid.rows).map { i in
            Double(hypotf(viaGrid[i, 0] - viaTree[i, 0], viaGrid[i, 1] - viaTree[i, 1]))
        }
        moves.sort()
        #expect(moves[moves.count / 2] / map.spread < 0.01, "median grid-vs-tree distance \(moves[moves.count / 2])")
    }
}
