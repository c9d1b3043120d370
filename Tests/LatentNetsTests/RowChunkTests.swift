import Foundation
import LatentCore
@testable import LatentNets
import Testing
import TestSupport

/// The data-parallel training step (`LayerStack.rowChunkedPass`): a batch cut into row chunks,
/// each run forward and backward by one worker, the gradient parts added by the optimiser.
@Suite struct RowChunkTests {
    /// 24-40-6-40-24 with a sigmoid output: 2,400 forward multiply-adds per sample, so a batch
    /// of 130 is cut into 3 chunks (64 samples each at most).
    func model() throws -> Autoencoder {
        let arch = try Architecture(spec: "24-40-6-40-24", activation: .relu, output: .sigmoid)
        return try Autoencoder(architecture: arch, seed: 4)
    }

    func objective(_ model: Autoencoder, _ x: Matrix, loss: Loss) -> ReconstructionObjective {
        var options = TrainingOptions()
        options.loss = loss
        return ReconstructionObjective(stack: model.stack, options: options, inputs: x, targets: nil, validation: nil,
                                       validationTargets: nil, fused: loss.fusesSigmoid(outputActivation: .sigmoid))
    }

    @Test func chunkCountsDependOnTheBatchAndTheLayersOnly() throws {
        let stack = try model().stack
        #expect(stack.rowChunks(batch: 130) == 3 && stack.rowChunks(batch: 128) == 2)
        #expect(stack.rowChunks(batch: 100) == 1)   // 240,000 multiply-adds: not worth a split
        let conv = try Autoencoder.preset(.conv, seed: 1).stack
        #expect(!conv.supportsRowChunks && conv.rowChunks(batch: 4096) == 1)
    }

    @Test(arguments: [Loss.meanSquaredError, .binaryCrossEntropy])
    func rowChunkedGradientMatchesTheWholeBatchPass(loss: Loss) throws {
        let model = try model(), stack = model.stack, rows = 130
        var rng = SeededGenerator(seed: 12)
        let x = Matrix.uniform(rows: rows, columns: 24, low: 0, high: 1, using: &rng)
        let objective = objective(model, x, loss: loss)
        let ws = Workspace(stack: stack, capacity: rows, training: true)
        Array(0..<rows).withUnsafeBufferPointer { objective.loadBatch($0, into: ws, step: 1) }
        let count = stack.parameterCount
        let chunked = model.parameters.withUnsafeBufferPointer { objective.computeGradient($0.baseAddress!, ws, batch: rows, step: 1) }
        #expect(ws.gradientParts == 3)
        ws.sumGradientParts(count: count)
        let chunkedGradient = Array(UnsafeBufferPointer(start: ws.parameterGradient, count: count))
        // The same batch through the whole-batch pass (one forward, one loss, one backward).
        let whole = model.parameters.withUnsafeBufferPointer { p in
            stack.forward(p.baseAddress!, ws, batch: rows, training: true, linearLastOutput: objective.fused)
            let l = loss.evaluate(ws.output, target: ws.input, count: rows * 24, fromLogits: objective.fused, gradient: ws.gradientA)
            stack.backward(p.baseAddress!, ws, batch: rows, linearLastOutput: objective.fused)
            return l
        }
        #expect(ws.gradientParts == 1)
        let wholeGradient = Array(UnsafeBufferPointer(start: ws.parameterGradient, count: count))
        #expect(abs(chunked - whole) < 1e-6 * whole)
        let err = Numeric.relativeError(chunkedGradient, wholeGradient)
        #expect(err < 1e-5, "\(loss): chunked against whole-batch gradient \(err)")
        #expect(chunkedGradient.contains { $0 != 0 })
    }

    @Test(arguments: [Loss.meanSquaredError, .binaryCrossEntropy])
    func rowChunkedGradientMatchesFiniteDifferences(loss: Loss) throws {
        let model = try model()
        var rng = SeededGenerator(seed: 3)
        let x = Matrix.uniform(rows: 130, columns: 24, low: 0, high: 1, using: &rng)
        let err = objectiveGradientError(model.stack, parameters: model.parameters, rows: 130,
                                         objective: objective(model, x, loss: loss))
        #expect(err < 1e-2, "\(loss): gradient error \(err)")
    }

    @Test(arguments: OptimizerTests.optimizers)
    func gradientPartsAreAddedInOrderInsideTheUpdate(optimizer: Optimizer) {
        // 37 values: four eight-wide blocks and a scalar tail.
        var rng = SeededGenerator(seed: 9)
        let parts = (0..<3).map { _ in (0..<37).map { _ in rng.nextUniform() * 2 - 1 } }
        let summed = (0..<37).map { k in (parts[0][k] + parts[1][k]) + parts[2][k] }
        let start = (0..<37).map { _ in rng.nextUniform() }
        var a = start, b = start
        var stateA = OptimizerState(optimizer, parameterCount: 37), stateB = stateA
        for _ in 0..<3 {
            a.withUnsafeMutableBufferPointer { w in
                summed.withUnsafeBufferPointer { stateA.update(w.baseAddress!, gradient: $0.baseAddress!, count: 37) }
            }
            let pointers = parts.map { part in
                let p = UnsafeMutablePointer<Float>.allocate(capacity: part.count)
                p.initialize(from: part, count: part.count)
                return p
            }
            b.withUnsafeMutableBufferPointer { w in
                pointers.withUnsafeBufferPointer { stateB.update(w.baseAddress!, gradientParts: $0, count: 37) }
            }
            for p in pointers { p.deallocate() }
        }
        #expect(a == b)
        #expect(a != start)
    }

    @Test(arguments: LayerTests.activations)
    func biasAndActivationGiveTheScalarFormulas(activation: Activation) {
        // Seven columns (a vectorised block and a tail); values well past the clamps too.
        var rng = SeededGenerator(seed: 2)
        let rows = 5, columns = 7
        var x = (0..<(rows * columns)).map { _ in rng.nextUniform() * 24 - 12 }
        x[3] = 0; x[4] = -0.0; x[5] = 200; x[6] = -200
        let bias = (0..<columns).map { _ in rng.nextUniform() - 0.5 }
        var y = x
        y.withUnsafeMutableBufferPointer { p in
            bias.withUnsafeBufferPointer { addBiasAndActivate(p.baseAddress!, rows: rows, columns: columns, bias: $0.baseAddress!, activation: activation) }
        }
        for r in 0..<rows {
            for c in 0..<columns {
                let z = x[r * columns + c] + bias[c]
                let expected: Float
                switch activation {
                case .linear: expected = z
                case .relu: expected = max(z, 0)
                case .leakyReLU(let s): expected = z > 0 ? z : s * z
                case .tanh: expected = Foundation.tanh(z)
                case .sigmoid: expected = sigmoid(z)
                }
                #expect(y[r * columns + c].bitPattern == expected.bitPattern, "\(activation) at \(r), \(c): \(z)")
            }
        }
    }
}

/// Whole training runs through the row-chunked step: the same bytes on any thread count, and a
/// resumed run gives the uninterrupted one's bytes.
@Suite struct RowChunkTrainingTests {
    /// 310 training rows in batches of 200: steps of 4 and 2 row chunks (the last batch, 110 rows).
    static let data: (x: Matrix, y: Matrix, validation: Matrix) = {
        var rng = SeededGenerator(seed: 21)
        return (Matrix.uniform(rows: 310, columns: 24, low: 0, high: 1, using: &rng),
                Matrix.uniform(rows: 310, columns: 24, low: 0, high: 1, using: &rng),
                Matrix.uniform(rows: 40, columns: 24, low: 0, high: 1, using: &rng))
    }()

    func options(noise: Noise, loss: Loss, epochs: Int = 3) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = 200
        o.noise = noise
        o.loss = loss
        o.patience = 5
        o.seed = 6
        return o
    }

    func trained(threads: Int, noise: Noise, loss: Loss, targets: Bool) throws -> [Float] {
        let arch = try Architecture(spec: "24-40-6-40-24", activation: .relu, output: .sigmoid)
        var model = try Autoencoder(architecture: arch, seed: 4)
        try #require(model.stack.rowChunks(batch: 200) == 4 && model.stack.rowChunks(batch: 110) == 2)
        let d = RowChunkTrainingTests.data
        try model.train(on: d.x, targets: targets ? d.y : nil, validation: d.validation,
                        options: options(noise: noise, loss: loss), context: ExecutionContext(threads: threads))
        return model.parameters
    }

    @Test(arguments: [(Noise.none, Loss.meanSquaredError, false), (.none, .binaryCrossEntropy, true),
                      (.masking(fraction: 0.3), .binaryCrossEntropy, false), (.gaussian(factor: 0.2), .meanSquaredError, true)])
    func sameSeedGivesTheSameBytesOnOneTwoAndThreeThreads(noise: Noise, loss: Loss, targets: Bool) throws {
        let one = try trained(threads: 1, noise: noise, loss: loss, targets: targets)
        #expect(one.allSatisfy { $0.isFinite })
        for threads in [2, 3] {
            let other = try trained(threads: threads, noise: noise, loss: loss, targets: targets)
            let same = one.map(\.bitPattern) == other.map(\.bitPattern)
            #expect(same, "\(noise), \(loss): \(threads) threads give other weights")
        }
    }

    @Test func resumedRunGivesTheUninterruptedRunsBytes() throws {
        let arch = try Architecture(spec: "24-40-6-40-24", activation: .relu, output: .sigmoid)
        let d = RowChunkTrainingTests.data
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var whole = try Autoencoder(architecture: arch, seed: 4)
        try whole.train(on: d.x, validation: d.validation, options: options(noise: .none, loss: .binaryCrossEntropy, epochs: 4))
        let path = dir.file("run.ckpt.safetensors")
        var first = try Autoencoder(architecture: arch, seed: 4)
        var o = options(noise: .none, loss: .binaryCrossEntropy, epochs: 4)
        o.checkpoint = CheckpointPolicy(path: path, every: 1)
        try first.train(on: d.x, validation: d.validation, options: o) { p in p.completedEpoch?.epoch == 2 ? .stop : .continue }
        var resumed = try Autoencoder(architecture: arch, seed: 4)
        try resumed.train(on: d.x, validation: d.validation, options: o, resumingFrom: try TrainingCheckpoint.read(from: path),
                          context: ExecutionContext(threads: 3))
        let same = resumed.parameters.map(\.bitPattern) == whole.parameters.map(\.bitPattern)
        #expect(same, "the resumed run's weights differ from the uninterrupted run's")
        #expect(first.parameters != whole.parameters)
    }
}
