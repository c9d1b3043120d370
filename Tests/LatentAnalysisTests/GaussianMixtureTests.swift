import Foundation
@testable import LatentAnalysis
import LatentCore
import Testing
import TestSupport

@Suite struct GaussianMixtureTests {
    @Test(arguments: GaussianMixture.Covariance.allCases)
    func recoversSeparatedBlobs(covariance: GaussianMixture.Covariance) throws {
        let (points, labels) = TestData.blobs(clusters: 4, perCluster: 60, dimension: 3, separation: 12, seed: 5)
        let fit = try GaussianMixture(components: 4, covariance: covariance, seed: 2).fit(points)
        #expect(ClusteringAccuracy.score(labels: labels, clusters: fit.assignments) == 1)
        #expect(abs(fit.weights.reduce(0, +) - 1) < 1e-9)
        for w in fit.weights { #expect(abs(w - 0.25) < 1e-6) }
        // The blobs have unit spread: each fitted variance is near 1, each covariance near diagonal.
        for s in fit.covariances {
            for a in 0..<3 { #expect(s[a * 3 + a] > 0.6 && s[a * 3 + a] < 1.5) }
            if covariance == .diagonal { #expect(s[1] == 0 && s[3] == 0) }
        }
        #expect(fit.converged)
    }

    @Test func fullCovarianceFollowsTiltedClusters() throws {
        // Two clusters stretched along y = x, side by side across it. Within each, x and y
        // have variance 4.04 and covariance 3.96 (correlation 0.98): a full covariance fits
        // them, a diagonal one cannot.
        var rng = SeededGenerator(seed: 3)
        var rows = [[Float]](), labels = [Int]()
        for c in 0..<2 {
            for _ in 0..<150 {
                let t = 2 * rng.nextGaussian(), w = 0.2 * rng.nextGaussian() + Float(c) * 4 - 2
                rows.append([t + w, t - w]); labels.append(c)
            }
        }
        let points = try Matrix(rows)
        let full = try GaussianMixture(components: 2, covariance: .full, seed: 1).fit(points)
        let diagonal = try GaussianMixture(components: 2, covariance: .diagonal, seed: 1).fit(points)
        #expect(ClusteringAccuracy.score(labels: labels, clusters: full.assignments) == 1)
        #expect(full.logLikelihood > diagonal.logLikelihood + 0.5)
        for s in full.covariances {
            #expect(abs(s[1] - s[2]) < 1e-9, "symmetric")
            #expect(s[1] / (s[0] * s[3]).squareRoot() > 0.95, "correlation near 0.98")
        }
    }

    @Test func logLikelihoodOfOneGaussianIsTheClosedForm() throws {
        // One component: the maximum-likelihood fit is the sample mean and (biased) covariance,
        // and the mean log-likelihood is −½(D log 2π + log|Σ| + D).
        let points = TestData.random(rows: 200, columns: 2, seed: 8)
        let fit = try GaussianMixture(components: 1, regularization: 0, seed: 1).fit(points)
        let mean = points.columnMeans()
        var s = [Double](repeating: 0, count: 4)
        for i in 0..<points.rows {
            let d0 = Double(points[i, 0] - mean[0]), d1 = Double(points[i, 1] - mean[1])
            s[0] += d0 * d0; s[1] += d0 * d1; s[3] += d1 * d1
        }
        s = s.map { $0 / 200 }
        let logDet = Foundation.log(s[0] * s[3] - s[1] * s[1])
        let expected = -0.5 * (2 * Foundation.log(2 * Double.pi) + logDet + 2)
        #expect(abs(fit.logLikelihood - expected) < 1e-4)
        #expect(abs(fit.covariances[0][1] - s[1]) < 1e-4)
    }

    @Test func sameResultForAnyThreadCount() throws {
        let (points, _) = TestData.blobs(clusters: 5, perCluster: 100, dimension: 2, separation: 3, seed: 6)
        let one = try ExecutionContext(threads: 1).run { try GaussianMixture(components: 5, seed: 4).fit(points) }
        let four = try ExecutionContext(threads: 4).run { try GaussianMixture(components: 5, seed: 4).fit(points) }
        #expect(one.assignments == four.assignments)
        #expect(one.logLikelihood == four.logLikelihood)
        #expect(one.means == four.means)
    }

    /// Five pairs of unit-spread blobs: the pairs far apart on a circle, the two blobs of a pair
    /// 8 apart. A k-means start that puts two centres in one pair and one across another is a
    /// local optimum EM cannot leave.
    static func pairedBlobs(seed: UInt64) throws -> (points: Matrix, labels: [Int]) {
        var rng = SeededGenerator(seed: seed)
        var rows = [[Float]](), labels = [Int]()
        for pair in 0..<5 {
            let angle = Float(pair) * 2 * Float.pi / 5
            for side in 0..<2 {
                let cx = 30 * cos(angle) + (side == 0 ? -4 : 4), cy = 30 * sin(angle)
                for _ in 0..<40 { rows.append([cx + rng.nextGaussian(), cy + rng.nextGaussian()]); labels.append(2 * pair + side) }
            }
        }
        return (try Matrix(rows), labels)
    }

    @Test func restartsKeepTheMostLikelyRun() throws {
        var rescued = 0
        for seed in UInt64(1)...10 {
            let (points, labels) = try Self.pairedBlobs(seed: 10 + seed)
            let mixture = GaussianMixture(components: 10, restarts: 8, seed: seed)
            let fit = try mixture.fit(points)
            // Each restart alone, as `fit` runs it: EM from the restart's k-means.
            let x = points.withUnsafeBufferPointer { $0.map(Double.init) }
            let starts = KMeans(clusters: 10, restarts: 1, seed: seed)
            let likelihoods = (0..<8).map { r in
                mixture.expectationMaximization(x, rows: points.rows, start: starts.fit(points, restart: r).assignments).logLikelihood
            }
            #expect(fit.logLikelihood == likelihoods.max(), "seed \(seed)")
            #expect(ClusteringAccuracy.score(labels: labels, clusters: fit.assignments) >= 0.995, "seed \(seed)")
            // One restart is restart 0 alone; count the seeds where it fell into a worse optimum.
            let single = try GaussianMixture(components: 10, restarts: 1, seed: seed).fit(points)
            #expect(single.logLikelihood == likelihoods[0], "seed \(seed)")
            if single.logLikelihood < fit.logLikelihood - 0.05
                && ClusteringAccuracy.score(labels: labels, clusters: single.assignments) < 0.95 { rescued += 1 }
        }
        // The data traps some single starts; otherwise this test would prove nothing.
        #expect(rescued >= 2, "restarts rescued \(rescued) of 10 seeds")
    }

    @Test func refusesBadArguments() throws {
        let points = TestData.random(rows: 10, columns: 2, seed: 1)
        #expect(throws: AnalysisError.self) { try GaussianMixture(components: 11).fit(points) }
        #expect(throws: AnalysisError.self) { try GaussianMixture(components: 0).fit(points) }
        #expect(throws: AnalysisError.self) { try GaussianMixture(components: 2, restarts: 0).fit(points) }
        var bad = points
        bad[3, 1] = .nan
        #expect(throws: AnalysisError.self) { try GaussianMixture(components: 2).fit(bad) }
    }
}

@Suite struct ClusteringAgreementTests {
    @Test func handComputedSmallCase() {
        // labels {0,0,0 | 1,1,1}, clusters {0,0 | 1,1 | 2,2}: MI = ⅔ log 2, H(U) = log 2,
        // H(V) = log 3, so NMI = (4/3) log 2 / log 6. Pairs: together in both 2, in U 6, in V 3,
        // of 15: ARI = (2 − 6·3/15) / ((6 + 3)/2 − 6·3/15) = 8/33.
        let labels = [0, 0, 0, 1, 1, 1], clusters = [0, 0, 1, 1, 2, 2]
        let nmi = ClusteringAgreement.normalizedMutualInformation(labels: labels, clusters: clusters)
        #expect(abs(nmi - 4.0 / 3 * Foundation.log(2.0) / Foundation.log(6.0)) < 1e-12)
        #expect(abs(ClusteringAgreement.adjustedRandIndex(labels: labels, clusters: clusters) - 8.0 / 33) < 1e-12)
    }

    @Test func independentPartitions() {
        // Every cluster holds one of each class: no information, and fewer agreeing pairs than chance.
        let labels = [0, 0, 1, 1], clusters = [0, 1, 0, 1]
        #expect(abs(ClusteringAgreement.normalizedMutualInformation(labels: labels, clusters: clusters)) < 1e-12)
        #expect(abs(ClusteringAgreement.adjustedRandIndex(labels: labels, clusters: clusters) + 0.5) < 1e-12)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func invariantToRenamingEitherSide(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let labels = (0..<200).map { _ in Int(rng.next() % 5) }
        let clusters = labels.map { l in rng.nextUniform() < 0.7 ? l : Int(rng.next() % 6) }
        var names = Array(0..<6)
        names.shuffle(using: &rng)
        let renamed = clusters.map { 100 - 7 * names[$0] }
        let relabelled = labels.map { names[$0] + 40 }
        let nmi = ClusteringAgreement.normalizedMutualInformation(labels: labels, clusters: clusters)
        let ari = ClusteringAgreement.adjustedRandIndex(labels: labels, clusters: clusters)
        #expect(nmi > 0.3 && nmi < 1, "seed \(seed)")
        #expect(ari > 0.3 && ari < 1, "seed \(seed)")
        #expect(abs(ClusteringAgreement.normalizedMutualInformation(labels: relabelled, clusters: renamed) - nmi) < 1e-12)
        #expect(abs(ClusteringAgreement.adjustedRandIndex(labels: relabelled, clusters: renamed) - ari) < 1e-12)
        // Symmetric in its two arguments.
        #expect(abs(ClusteringAgreement.normalizedMutualInformation(labels: clusters, clusters: labels) - nmi) < 1e-12)
        #expect(abs(ClusteringAgreement.adjustedRandIndex(labels: clusters, clusters: labels) - ari) < 1e-12)
    }

    @Test func identicalPartitionsScoreOne() {
        let labels = [3, 3, 1, 1, 1, 7], clusters = [0, 0, 2, 2, 2, 5]
        #expect(abs(ClusteringAgreement.normalizedMutualInformation(labels: labels, clusters: clusters) - 1) < 1e-12)
        #expect(ClusteringAgreement.adjustedRandIndex(labels: labels, clusters: clusters) == 1)
    }
}
