import Foundation
import LatentAnalysis
import LatentCore
import LatentData
import LatentNets
import LatentWorkflows
import Testing
import TestSupport

/// Anomaly reports, interpolations, walks, samples and confusion reports.
@Suite struct LatentImagesTests {
    /// A small 2-D autoencoder trained on the template images.
    static func model(code: Int = 2) throws -> (Autoencoder, Dataset) {
        let data = WorkflowTestData.images()
        var ae = try Autoencoder(architecture: try Architecture(spec: "64-32-\(code)", output: .sigmoid), seed: 1)
        var options = TrainingOptions()
        options.epochs = 20
        options.batchSize = 16
        try ae.train(on: data.samples, options: options)
        return (ae, data)
    }

    @Test func outliersRankFirstAndTheHistogramCountsEverySample() throws {
        let (ae, data) = try Self.model()
        var mixed = data
        // Three images of noise the model never saw.
        var rng = SeededGenerator(seed: 9)
        let noise = Matrix.uniform(rows: 3, columns: 64, low: 0, high: 1, using: &rng)
        mixed.samples = try Matrix.vstack([data.samples, noise])
        mixed.labels = (data.labels ?? []) + [7, 7, 7]
        let report = try AnomalyReport(autoencoder: ae, dataset: mixed, top: 5)
        #expect(Set(report.chosen.prefix(3)) == [120, 121, 122], "top: \(report.chosen)")
        let histogram = report.histogramCounts()
        #expect(histogram.counts.reduce(0, +) == mixed.count)
        #expect(histogram.counts.count == 11)   // √123 rounded down, within 10…60
        #expect(report.csv().split(separator: "\n").count == mixed.count + 1)
        #expect(report.histogram() != nil)
    }

    @Test func interpolationEndsAtTheTwoCodesAndRefusesABadIndex() throws {
        let (ae, data) = try Self.model()
        let gallery = try LatentInterpolation(pairs: [(0, 50)], steps: 5).gallery(autoencoder: ae, dataset: data)
        #expect(gallery.images.rows == 5)
        let ends = try ae.decode(try ae.encode(data.samples.rows(at: [0, 50])))
        // ω = 0 decodes the first image's own code (a batch of another size may round differently).
        let gap = zip(gallery.images.row(0), ends.row(0)).map { abs($0 - $1) }.max() ?? 1
        #expect(gap < 1e-5, "first strip image is \(gap) from the decoded first code")
        #expect(throws: WorkflowError.self) {
            _ = try LatentInterpolation(pairs: [(0, data.count)]).gallery(autoencoder: ae, dataset: data)
        }
    }

    @Test func theDefaultWalkGridCoversTheCodesAtARoundStep() throws {
        let (ae, data) = try Self.model()
        let codes = try ae.encode(data.samples)
        let walk = LatentWalk(steps: 7)
        for k in 0..<2 {
            let values = walk.axisValues(k, codes: codes)
            #expect(values.count == 7)
            let column = (0..<codes.rows).map { Double(codes[$0, k]) }.sorted()
            let lo = column[Int(0.02 * Double(column.count - 1))], hi = column[Int((0.98 * Double(column.count - 1)).rounded())]
            let step = values[1] - values[0]
            #expect(values.first! <= lo + step / 2 + 1e-9 && values.last! >= hi - step / 2 - 1e-9, "\(values) for \(lo)…\(hi)")
            // 1, 2, 2.5 or 5 × 10^k
            let mantissa = step / pow(10, log10(step).rounded(.down))
            #expect([1, 2, 2.5, 5, 10].contains { abs($0 - mantissa) < 1e-6 }, "step \(step)")
        }
        #expect(LatentWalk(steps: 3, range: -1...1).axisValues(0, codes: codes) == [-1, 0, 1])
        #expect(try LatentWalk(steps: 4).gallery(autoencoder: ae).images.rows == 16)
    }

    @Test func aWalkOfALargerCodeNeedsData() throws {
        let (ae, data) = try Self.model(code: 3)
        #expect(throws: WorkflowError.self) { _ = try LatentWalk().gallery(autoencoder: ae) }
        #expect(try LatentWalk(dimensions: (0, 2), steps: 3).gallery(autoencoder: ae, dataset: data).images.rows == 9)
    }

    @Test func samplesOfAPlainModelNeedDataAndFollowTheSeed() throws {
        let (ae, data) = try Self.model()
        #expect(throws: WorkflowError.self) { _ = try LatentSampling(count: 4).run(autoencoder: ae, dataset: nil) }
        let a = try LatentSampling(count: 6, seed: 4).run(autoencoder: ae, dataset: data)
        let b = try LatentSampling(count: 6, seed: 4).run(autoencoder: ae, dataset: data)
        let c = try LatentSampling(count: 6, seed: 5).run(autoencoder: ae, dataset: data)
        #expect(a.codes.elements == b.codes.elements && a.codes.elements != c.codes.elements)
        #expect(a.images.rows == 6 && a.columns == 3)
    }

    @Test func confusionCountsMatchATallyAndKeepAClassNeverPredicted() {
        var rng = SeededGenerator(seed: 2)
        let actual = (0..<200).map { _ in Int(rng.next() % 4) }
        let predicted = actual.map { $0 == 3 ? 0 : (rng.next() % 5 == 0 ? (($0 + 1) % 3) : $0) }   // never 3
        let report = ConfusionReport(actual: actual, predicted: predicted, classes: 5)
        var tally = [[Int]](repeating: [Int](repeating: 0, count: 5), count: 5)
        for (a, p) in zip(actual, predicted) { tally[a][p] += 1 }
        #expect(report.matrix.counts == tally)
        #expect(report.csv().split(separator: "\n").count == 5)
    }
}

/// `Noise.applied(to:seed:)`, the corruption a denoiser is scored on (the CLI's former copy
/// drew it from another generator).
@Suite struct NoiseTests {
    @Test func maskingZeroesAboutItsFractionTheSameOnAnyThreadCount() {
        let x = Matrix(rows: 40, columns: 50, repeating: 0.5)
        let one = ExecutionContext(threads: 1).run { Noise.masking(fraction: 0.3).applied(to: x, seed: 4) }
        let two = ExecutionContext(threads: 2).run { Noise.masking(fraction: 0.3).applied(to: x, seed: 4) }
        #expect(one.elements == two.elements)
        let zeros = one.elements.filter { $0 == 0 }.count
        #expect(zeros > 500 && zeros < 700, "\(zeros) of 2000 masked at 0.3")
        #expect(Noise.masking(fraction: 0.3).applied(to: x, seed: 5).elements != one.elements)
    }

    @Test func gaussianNoiseStaysInTheUnitRangeAndNoneChangesNothing() {
        let x = Matrix(rows: 30, columns: 30, repeating: 0.9)
        let noisy = Noise.gaussian(factor: 0.5).applied(to: x, seed: 1)
        #expect(noisy.elements.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(noisy.elements.filter { $0 != 0.9 }.count > 800)
        #expect(Noise.none.applied(to: x, seed: 1).elements == x.elements)
    }
}
