import LatentAnalysis
import LatentCore
@testable import LatentTSNE
import Testing
import TestSupport

/// The FFT-accelerated interpolation gradient against the exact sums it approximates.
@Suite struct InterpolationTests {
    /// 2,500 2-D positions shaped like a t-SNE embedding: ten blobs spread over about 60 units.
    static let embedding: Matrix = {
        let (y, _) = TestData.blobs(clusters: 10, perCluster: 250, dimension: 2, separation: 25, seed: 21)
        return try! Matrix(rows: y.rows, columns: 2, elements: y.elements.map { $0 * 1.2 })
    }()
    /// Affinities for `embedding` (only their count matters for the repulsion).
    static let affinities = try! Affinities(perplexity: 10, of: embedding)

    /// The repulsion divided by Z (row-major N × d) and Z, as `method` computes them.
    static func repulsion(_ y: Matrix, affinities p: Affinities, method: GradientMethod) -> (field: [Float], z: Double) {
        var w = GradientWorkspace(count: y.rows, dimensions: y.columns)
        _ = w.evaluate(positions: y, affinities: p, method: method, exaggeration: 1, withKL: false)
        let z = w.partialZ.reduce(0, +)
        return (w.repulsion.map { Float(Double($0) / z) }, z)
    }

    /// At the references' defaults (3 nodes, boxes at most 1 wide) the repulsion is about as
    /// accurate as Barnes-Hut at θ = 0.5 (1.5e-2 here; Barnes-Hut 5e-3) and Z ten times more
    /// (5e-4); the error falls as the cube of the box width, below 1e-3 at 4 boxes per unit.
    @Test func interpolationMatchesExactRepulsion() throws {
        let y = InterpolationTests.embedding, p = InterpolationTests.affinities
        let exact = InterpolationTests.repulsion(y, affinities: p, method: .exact)
        let fft = InterpolationTests.repulsion(y, affinities: p, method: .interpolation())
        let error = Numeric.relativeError(fft.field, exact.field)
        #expect(error < 3e-2, "relative error of the repulsion at the defaults \(error)")
        #expect(abs(fft.z - exact.z) < 1e-3 * exact.z, "Z \(fft.z) vs \(exact.z)")
        let fine = InterpolationTests.repulsion(y, affinities: p, method: .interpolation(InterpolationOptions(boxesPerUnit: 4)))
        let fineError = Numeric.relativeError(fine.field, exact.field)
        #expect(fineError < 1e-3, "relative error of the repulsion at 4 boxes per unit \(fineError)")
        #expect(abs(fine.z - exact.z) < 1e-5 * exact.z, "Z \(fine.z) vs \(exact.z)")
    }

    @Test func errorFallsAsBoxesAreAdded() throws {
        let y = InterpolationTests.embedding, p = InterpolationTests.affinities
        let exact = InterpolationTests.repulsion(y, affinities: p, method: .exact)
        let errors = [0.25, 0.5, 1, 2].map { perUnit -> Double in
            let options = InterpolationOptions(minimumBoxes: 1, boxesPerUnit: perUnit)
            return Numeric.relativeError(InterpolationTests.repulsion(y, affinities: p, method: .interpolation(options)).field,
                                         exact.field)
        }
        for k in 1..<errors.count { #expect(errors[k] < errors[k - 1], "errors by boxes per unit 0.25, 0.5, 1, 2: \(errors)") }
        #expect(errors[0] > 1e-3, "coarse boxes must show an error: \(errors)")
        // More nodes per box (a higher-degree polynomial) is more accurate too.
        let coarse = InterpolationOptions(minimumBoxes: 1, boxesPerUnit: 0.25)
        var finer = coarse
        finer.nodesPerBox = 5
        let e5 = Numeric.relativeError(InterpolationTests.repulsion(y, affinities: p, method: .interpolation(finer)).field, exact.field)
        #expect(e5 < errors[0])
    }

    @Test func gradientIsTheSameForOneAndTwoThreads() throws {
        let y = InterpolationTests.embedding, p = InterpolationTests.affinities
        let one = try ExecutionContext(threads: 1).run {
            try Embedding(positions: y, affinities: p, method: .interpolation()).gradient(exaggeration: 12)
        }
        let two = try ExecutionContext(threads: 2).run {
            try Embedding(positions: y, affinities: p, method: .interpolation()).gradient(exaggeration: 12)
        }
        #expect(one.map(\.bitPattern) == two.map(\.bitPattern))
    }

    @Test func gridIsReusedAcrossIterationsAndGivesTheBytesOfAFreshOne() throws {
        let y = InterpolationTests.embedding, p = InterpolationTests.affinities
        let moved = try Matrix(rows: y.rows, columns: 2, elements: y.elements.enumerated().map { $1 + 0.01 * Float($0 % 7) })
        var reused = GradientWorkspace(count: y.rows, dimensions: 2)
        _ = reused.evaluate(positions: y, affinities: p, method: .interpolation(), exaggeration: 1, withKL: false)
        // (Only an identifier: holding the grid would make the workspace replace it, as a copy must.)
        let grid = ObjectIdentifier(try #require(reused.interpolation.grid))
        _ = reused.evaluate(positions: moved, affinities: p, method: .interpolation(), exaggeration: 1, withKL: false)
        #expect(reused.interpolation.grid.map(ObjectIdentifier.init) == grid,
                "the same grid (plans, buffers, kernel spectrum) serves the next iteration")
        var fresh = GradientWorkspace(count: y.rows, dimensions: 2)
        _ = fresh.evaluate(positions: moved, affinities: p, method: .interpolation(), exaggeration: 1, withKL: false)
        #expect(reused.repulsion.map(\.bitPattern) == fresh.repulsion.map(\.bitPattern))
        #expect(reused.partialZ == fresh.partialZ)
    }

    @Test func fitReachesBarnesHutQuality() throws {
        let (x, labels) = TestData.blobs(clusters: 5, perCluster: 100, dimension: 10, seed: 4)
        let bh = try TSNE(perplexity: 20, method: .barnesHut(theta: 0.5), iterations: 400, seed: 3).fit(x)
        let fft = try TSNE(perplexity: 20, method: .interpolation(), iterations: 400, seed: 3).fit(x)
        #expect(fft.method == .interpolation())
        #expect(fft.interpolationBoxes == 50, "a compact embedding uses the minimum of 50 boxes")
        #expect(abs(fft.klDivergence - bh.klDivergence) < 0.03 * bh.klDivergence, "KL \(fft.klDivergence) vs \(bh.klDivergence)")
        let accuracy = try KNNClassifier(k: 10).crossValidatedAccuracy(fft.positions, labels: labels, folds: 5)
        #expect(accuracy > 0.98)
    }

    @Test func reportedKLUsesTheInterpolatedZ() throws {
        let y = InterpolationTests.embedding, p = InterpolationTests.affinities
        let exact = try Embedding(positions: y, affinities: p, method: .exact).klDivergence()
        let fft = try Embedding(positions: y, affinities: p, method: .interpolation()).klDivergence()
        #expect(abs(fft - exact) < 1e-3 * exact, "KL \(fft) vs \(exact)")
    }

    @Test func oneDimensionalInterpolationMatchesExactAndConverges() throws {
        var rng = SeededGenerator(seed: 6)
        let y = Matrix.gaussian(rows: 2_000, columns: 1, standardDeviation: 20, using: &rng)
        let p = try Affinities(perplexity: 10, of: y)
        let exact = InterpolationTests.repulsion(y, affinities: p, method: .exact)
        let errors = [1.0, 2, 4].map { perUnit in
            Numeric.relativeError(InterpolationTests.repulsion(y, affinities: p, method: .interpolation(InterpolationOptions(boxesPerUnit: perUnit))).field,
                                  exact.field)
        }
        #expect(errors[0] < 0.1 && errors[2] < 1e-3, "1-D errors by boxes per unit 1, 2, 4: \(errors)")
        #expect(errors[1] < errors[0] && errors[2] < errors[1], "\(errors)")
        // The exact 1-D gradient is the KL's: finite differences agree.
        let small = try Matrix(rows: 12, columns: 1, elements: (0..<12).map { Float($0) * 0.7 - 4 })
        let x = TestData.random(rows: 12, columns: 4, seed: 2)
        let q = try Affinities(perplexity: 3, of: x, allPairs: true)
        let analytic = try Embedding(positions: small, affinities: q, method: .exact).gradient().map { 4 * $0 }
        let numeric = Numeric.centralDifferenceGradient(at: small.elements.map(Double.init)) {
            Reference.kl(p: q.denseMatrix(), y: $0, dimensions: 1)
        }
        #expect(Numeric.relativeError(analytic, numeric.map { Float($0) }) < 1e-3)
    }

    @Test func oneDimensionalFitSeparatesBlobs() throws {
        let (x, labels) = TestData.blobs(clusters: 4, perCluster: 100, dimension: 8, seed: 12)
        let fit = try TSNE(perplexity: 15, method: .interpolation(), iterations: 300, dimensions: 1, seed: 2).fit(x)
        #expect(fit.positions.columns == 1)
        #expect(fit.method == .interpolation())
        let accuracy = try KNNClassifier(k: 10).crossValidatedAccuracy(fit.positions, labels: labels, folds: 5)
        #expect(accuracy > 0.95)
        // Barnes-Hut has no 1-D tree: asking for it runs interpolation.
        #expect(GradientMethod.barnesHut().resolved(points: 400, dimensions: 1) == .interpolation())
        #expect(GradientMethod.auto.resolved(points: 50_000, dimensions: 1) == .interpolation())
    }

    @Test func boxCountsAreFFTFriendlyAndBounded() {
        #expect(InterpolationOptions.smoothSize(atLeast: 97) == 100)
        #expect(InterpolationOptions.smoothSize(atLeast: 121) == 125)
        #expect(InterpolationOptions.smoothSize(atMost: 799) == 768)
        let o = InterpolationOptions()
        #expect(o.boxCount(span: 0.001, dimensions: 2) == 50)
        #expect(o.boxCount(span: 130.5, dimensions: 2) == 135)
        #expect(o.boxCount(span: 1e30, dimensions: 2) * o.nodesPerBox <= InterpolationOptions.maximumNodes2D)
        #expect(InterpolationOptions(boxes: 61).boxCount(span: 5, dimensions: 2) == 64)
    }

    @Test func autoAndThreeDimensionsResolveAsDocumented() {
        #expect(GradientMethod.auto.resolved(points: GradientMethod.exactLimit - 1, dimensions: 2) == .exact)
        #expect(GradientMethod.auto.resolved(points: GradientMethod.exactLimit, dimensions: 2) == .barnesHut())
        #expect(GradientMethod.auto.resolved(points: GradientMethod.interpolationThreshold, dimensions: 2) == .interpolation())
        #expect(GradientMethod.auto.resolved(points: 1_000_000, dimensions: 3) == .barnesHut())
        #expect(GradientMethod.interpolation().resolved(points: 100, dimensions: 3) == .barnesHut())
    }

    @Test func threeDimensionalInterpolationRunsBarnesHut() throws {
        let (x, _) = TestData.blobs(clusters: 3, perCluster: 40, dimension: 6, seed: 8)
        let asked = try TSNE(perplexity: 10, method: .interpolation(), iterations: 60, dimensions: 3).fit(x)
        let bh = try TSNE(perplexity: 10, method: .barnesHut(), iterations: 60, dimensions: 3).fit(x)
        #expect(asked.method == .barnesHut())
        #expect(asked.interpolationBoxes == nil)
        #expect(asked.positions.elements == bh.positions.elements)
    }

    @Test func badOptionsAreRefusedByName() {
        let (x, _) = TestData.blobs(clusters: 2, perCluster: 20, dimension: 4, seed: 1)
        for (options, name) in [(InterpolationOptions(nodesPerBox: 1), "nodes per box"),
                                (InterpolationOptions(minimumBoxes: 0), "minimum boxes"),
                                (InterpolationOptions(boxesPerUnit: .nan), "boxes per unit"),
                                (InterpolationOptions(boxes: 0), "boxes")] {
            #expect { try TSNE(perplexity: 5, method: .interpolation(options), iterations: 5).fit(x) } throws: { error in
                "\(error)".hasPrefix(name + " =")
            }
        }
    }

    @Test func memoryEstimateGrowsLinearlyInN() {
        let tsne = TSNE(method: .interpolation())
        let small = tsne.estimatedPeakBytes(points: 100_000, inputDimensions: 50)
        let large = tsne.estimatedPeakBytes(points: 1_000_000, inputDimensions: 50)
        #expect(Double(large) / Double(small) < 12, "\(small) → \(large)")
        #expect(large < 8_000_000_000)
        // Barnes-Hut and interpolation hold the same affinities; the grid is the difference.
        let bh = TSNE(method: .barnesHut()).estimatedPeakBytes(points: 1_000_000, inputDimensions: 50)
        #expect(abs(large - bh) < bh / 2)
    }
}
