import Foundation
import LatentCore
@testable import LatentNets
import Testing
import TestSupport

/// D_CS straight from its definition, in `Double`, without log-sum-exp: the oracle.
func referenceDivergence(_ x: [Double], _ y: [Double], dimension d: Int, sigma: Double) -> Double {
    func meanKernel(_ a: [Double], _ b: [Double]) -> Double {
        let n = a.count / d, m = b.count / d
        var s = 0.0
        for i in 0..<n {
            for j in 0..<m {
                var d2 = 0.0
                for k in 0..<d { d2 += (a[i * d + k] - b[j * d + k]) * (a[i * d + k] - b[j * d + k]) }
                s += exp(-d2 / (4 * sigma * sigma))
            }
        }
        return s / Double(n * m)
    }
    let cross = meanKernel(x, y)
    return -log(cross * cross / (meanKernel(x, x) * meanKernel(y, y)))
}

@Suite struct CauchySchwarzDivergenceTests {
    @Test(arguments: [1, 3, 10])
    func theDivergenceOfASetToItselfIsZero(dimension: Int) throws {
        let x = TestData.random(rows: 40, columns: dimension, seed: UInt64(dimension))
        let copy = try Matrix(rows: 40, columns: dimension, elements: x.elements)
        #expect(CauchySchwarzDivergence.divergence(between: x, and: copy, sigma: 0.7) == 0)
        let (value, gradient) = CauchySchwarzDivergence.divergenceAndGradient(x, copy, sigma: 0.7)
        #expect(value == 0)
        // A minimum: the gradient vanishes (up to Float rounding).
        #expect(gradient.elements.allSatisfy { abs($0) < 1e-4 }, "largest \(gradient.elements.map(abs).max()!)")
    }

    @Test func theDivergenceIsPositiveForDifferentSetsAndMatchesTheDefinition() {
        for (seed, shift) in [(UInt64(1), Float(0)), (2, 0.5), (3, 2)] {
            let x = TestData.random(rows: 30, columns: 3, seed: seed)
            var y = TestData.random(rows: 25, columns: 3, seed: seed + 100)
            y = y.map { $0 + shift }
            for sigma: Float in [0.3, 1, 3] {
                let value = CauchySchwarzDivergence.divergence(between: x, and: y, sigma: sigma)
                let reference = referenceDivergence(x.elements.map(Double.init), y.elements.map(Double.init),
                                                    dimension: 3, sigma: Double(sigma))
                #expect(value > 0, "seed \(seed), shift \(shift), σ \(sigma)")
                #expect(abs(value - reference) <= 1e-4 * max(1, reference), "\(value) vs \(reference)")
                // Symmetric in its arguments.
                let swapped = CauchySchwarzDivergence.divergence(between: y, and: x, sigma: sigma)
                #expect(abs(value - swapped) <= 1e-5 * max(1, value))
            }
        }
    }

    @Test func theDivergenceGrowsAsTheSetsMoveApart() {
        let x = TestData.random(rows: 30, columns: 2, seed: 5)
        let values = [0, 0.5, 1, 2].map { (shift: Float) in
            CauchySchwarzDivergence.divergence(between: x, and: x.map { $0 + shift }, sigma: 1)
        }
        #expect(values[0] == 0)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 }, "\(values)")
    }

    @Test func farApartSetsGiveAFiniteDivergenceAndGradient() {
        // exp(−‖Δ‖²/4σ²) underflows to 0 for every cross pair: the plain formula gives +∞.
        let x = TestData.random(rows: 20, columns: 3, seed: 9)
        let y = x.map { $0 + 100 }
        let (value, gradient) = CauchySchwarzDivergence.divergenceAndGradient(x, y, sigma: 0.5)
        #expect(referenceDivergence(x.elements.map(Double.init), y.elements.map(Double.init), dimension: 3, sigma: 0.5).isInfinite)
        #expect(value.isFinite && value > 1000)
        #expect(gradient.isFinite)
    }

    @Test(arguments: [(Float(0.5), 1), (1, 2), (2, 3)])
    func theGradientMatchesCentralDifferences(sigma: Float, dimension: Int) throws {
        let x = TestData.random(rows: 12, columns: dimension, seed: 31)
        let y = TestData.random(rows: 9, columns: dimension, seed: 32).map { $0 * 1.5 + 0.3 }
        let (_, gradient) = CauchySchwarzDivergence.divergenceAndGradient(x, y, sigma: sigma)
        let yd = y.elements.map(Double.init)
        let numeric = Numeric.centralDifferenceGradient(at: x.elements.map(Double.init), step: 1e-5) { xs in
            referenceDivergence(xs, yd, dimension: dimension, sigma: Double(sigma))
        }
        let err = Numeric.relativeError(gradient.elements, numeric.map { Float($0) })
        #expect(err < 1e-3, "σ \(sigma), d \(dimension): relative gradient error \(err)")
    }

    @Test func thePriorSamplesAreReproducibleAndChangeWithTheStep() {
        let cs = CauchySchwarzDivergence(prior: .swissRoll(), sigma: 1, seed: 4)
        let codes = TestData.random(rows: 50, columns: 3, seed: 2)
        let a = cs.evaluate(codes: codes, step: 7), b = cs.evaluate(codes: codes, step: 7)
        let c = cs.evaluate(codes: codes, step: 8)
        #expect(a.value == b.value && a.gradient == b.gradient)
        #expect(a.value != c.value)
        #expect(ExecutionContext(threads: 1).run { cs.evaluate(codes: codes, step: 7).gradient } == a.gradient)
    }

    @Test func aPriorOfAnotherDimensionIsRefusedBeforeTraining() throws {
        var model = try Autoencoder.dense(inputSize: 6, hidden: [4], codeSize: 2, seed: 1)
        var options = TrainingOptions()
        options.latentRegularizer = CauchySchwarzDivergence(prior: .swissRoll())
        let x = TestData.random(rows: 10, columns: 6, seed: 1).map { ($0 + 1) / 2 }
        #expect(throws: NetsError.self) { try model.train(on: x, options: options) }
        do {
            try model.train(on: x, options: options)
        } catch let error as NetsError {
            #expect(error.description.contains("3 dimensions") && error.description.contains("has 2"), "\(error)")
        }
        options.latentRegularizer = CauchySchwarzDivergence(prior: .standardGaussian(dimension: 2), sigma: 0)
        #expect(throws: NetsError.self) { try model.train(on: x, options: options) }
    }

    @Test func trainingWithTheGaussianPriorPullsTheCodesTowardsIt() throws {
        // A linear encoder's codes drift freely; with the prior they approach N(0, I).
        var rng = SeededGenerator(seed: 12)
        let x = Matrix.uniform(rows: 400, columns: 8, low: 0, high: 1, using: &rng)
        func codesAfterTraining(weight: Float) throws -> (divergence: Double, mse: Double) {
            var model = try Autoencoder.dense(inputSize: 8, hidden: [16], codeSize: 2, seed: 3)
            var options = TrainingOptions()
            options.epochs = 30
            options.batchSize = 50
            options.optimizer = .adam(learningRate: 5e-3)
            let prior = LatentPrior.standardGaussian(dimension: 2)
            options.latentRegularizer = CauchySchwarzDivergence(prior: prior, sigma: 0.5, seed: 2)
            options.regularizerWeight = weight
            try model.train(on: x, options: options)
            var priorRng = SeededGenerator(seed: 99)
            let samples = prior.samples(count: 400, using: &priorRng)
            return (CauchySchwarzDivergence.divergence(between: try model.encode(x), and: samples, sigma: 0.5),
                    try model.meanSquaredError(x))
        }
        let free = try codesAfterTraining(weight: 0), pulled = try codesAfterTraining(weight: 1)
        #expect(pulled.divergence < 0.5 * free.divergence, "D_CS without prior \(free.divergence), with \(pulled.divergence)")
        #expect(pulled.divergence < 0.1)
    }
}
