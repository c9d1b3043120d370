import Foundation
import LatentCore
import LatentData
@testable import LatentNets
import Testing
import TestSupport

@Suite struct TrainingCheckpointTests {
    static let digits: Matrix = { (try? Dataset.mnist().samples.rows(0..<300)) ?? Matrix(rows: 0, columns: 784) }()

    /// Options that exercise every piece of carried state: Adam moments, noise streams,
    /// validation and patience, best-weight snapshots and the prior's sample stream.
    func options(epochs: Int, checkpoint: String? = nil, every: Int = 1) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = 64
        o.seed = 3
        o.noise = .gaussian(factor: 0.2)
        o.validationFraction = 0.2
        o.patience = 10
        o.latentRegularizer = CauchySchwarzDivergence(prior: .swissRoll(), sigma: 1, seed: 5)
        o.regularizerWeight = 0.1
        o.checkpoint = checkpoint.map { CheckpointPolicy(path: $0, every: every) }
        return o
    }

    func freshModel() throws -> Autoencoder {
        try Autoencoder.dense(inputSize: 784, hidden: [32], codeSize: 3, seed: 7)
    }

    /// The error `body` throws, as text, or "accepted".
    func refusal(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "accepted"
    }

    /// Wall time is the one field that cannot repeat.
    func withoutTimes(_ h: TrainingHistory) -> TrainingHistory {
        var h = h
        for k in h.epochs.indices { h.epochs[k].seconds = 0 }
        return h
    }

    @Test(arguments: [(2, 1), (3, 3), (4, 2)])
    func resumingFromACheckpointGivesTheUninterruptedRunBitForBit(stopAfter: Int, every: Int) throws {
        let x = TrainingCheckpointTests.digits
        try #require(x.rows == 300)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var whole = try freshModel()
        let reference = try whole.train(on: x, options: options(epochs: 6))

        // A run killed after epoch `stopAfter` (the caller stops it), then resumed from its checkpoint.
        let path = dir.file("run.ckpt.safetensors")
        var first = try freshModel()
        try first.train(on: x, options: options(epochs: 6, checkpoint: path, every: every)) { p in
            p.completedEpoch?.epoch == stopAfter ? .stop : .continue
        }
        let saved = try TrainingCheckpoint.read(from: path)
        #expect(saved.epoch == stopAfter / every * every)
        var resumed = try freshModel()
        let history = try resumed.train(on: x, options: options(epochs: 6, checkpoint: path, every: every), resumingFrom: saved)

        #expect(resumed.parameters == whole.parameters)
        #expect(withoutTimes(history) == withoutTimes(reference))
        #expect(history.epochs.count == 6)
        #expect(dir.contents() == ["run.ckpt.safetensors"])            // no temporary file left
        #expect(try TrainingCheckpoint.read(from: path).epoch == 6)
    }

    @Test func aCheckpointRoundTripsExactly() throws {
        let x = TrainingCheckpointTests.digits
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var model = try freshModel()
        let path = dir.file("c.safetensors")
        let history = try model.train(on: x, options: options(epochs: 2, checkpoint: path))
        let c = try TrainingCheckpoint.read(from: path)
        #expect(c.epoch == 2)
        #expect(c.history == history)                                  // including the wall times
        #expect(c.model == .autoencoder(model.architecture))
        #expect(c.optimizerStep == 2 * 4)                               // 240 training samples, batches of 64
        #expect(c.step == 8)
        #expect(!c.optimizerSecond.isEmpty && c.optimizerFirst.count == model.parameterCount)
        let copy = dir.file("copy.safetensors")
        try c.write(to: copy)
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test func aCheckpointFromAnotherArchitectureDataOrSeedIsRefused() throws {
        let x = TrainingCheckpointTests.digits
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("c.safetensors")
        var model = try freshModel()
        try model.train(on: x, options: options(epochs: 1, checkpoint: path))
        let saved = try TrainingCheckpoint.read(from: path)

        var other = try Autoencoder.dense(inputSize: 784, hidden: [16], codeSize: 3, seed: 7)
        #expect(refusal { try other.train(on: x, options: options(epochs: 3), resumingFrom: saved) }.contains("architecture"))
        var same = try freshModel()
        #expect(refusal { try same.train(on: x.rows(0..<200), options: options(epochs: 3), resumingFrom: saved) }.contains("other data"))
        var reseeded = options(epochs: 3)
        reseeded.seed = 4
        #expect(refusal { try same.train(on: x, options: reseeded, resumingFrom: saved) }.contains("seed was 3, now 4"))
        #expect(refusal { try same.train(on: x, options: options(epochs: 1), resumingFrom: saved) }.contains("already has 1 epochs"))
        #expect(same.parameters == (try freshModel()).parameters)       // a refused resume leaves the model alone
    }

    @Test func aCheckpointCarriesTheInputPreprocessing() throws {
        let x = TrainingCheckpointTests.digits
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // A model trained on deskewed images: its checkpoint's model deskews too.
        let deskewedPath = dir.file("deskewed.safetensors"), plainPath = dir.file("plain.safetensors")
        var deskewing = try freshModel()
        deskewing.deskewsInputs = true
        try deskewing.train(on: x, options: options(epochs: 1, checkpoint: deskewedPath))
        let deskewedCheckpoint = try TrainingCheckpoint.read(from: deskewedPath)
        #expect(try deskewedCheckpoint.autoencoder().deskewsInputs)
        #expect(try deskewedCheckpoint.autoencoder().parameters == deskewing.parameters)
        var plain = try freshModel()
        try plain.train(on: x, options: options(epochs: 1, checkpoint: plainPath))
        let plainCheckpoint = try TrainingCheckpoint.read(from: plainPath)
        #expect(try !plainCheckpoint.autoencoder().deskewsInputs)

        // Resuming across preprocessings is refused, naming it; the matching resume goes on.
        var fresh = try freshModel()
        #expect(refusal { try fresh.train(on: x, options: options(epochs: 2), resumingFrom: deskewedCheckpoint) }
                .contains("input_preprocessing was deskew, now unset"))
        fresh.deskewsInputs = true
        #expect(refusal { try fresh.train(on: x, options: options(epochs: 2), resumingFrom: plainCheckpoint) }
                .contains("input_preprocessing was unset, now deskew"))
        #expect(refusal { try fresh.train(on: x, options: options(epochs: 2), resumingFrom: deskewedCheckpoint) } == "accepted")

        // A preprocessing this version does not know is refused when the checkpoint is read.
        let file = try Safetensors.readModel(from: deskewedPath)
        var metadata = file.metadata
        metadata["option.input_preprocessing"] = "blur"
        let foreign = dir.file("foreign.safetensors")
        try Safetensors(tensors: file.tensors, metadata: metadata).write(to: foreign)
        #expect(refusal { _ = try TrainingCheckpoint.read(from: foreign) }.contains("input preprocessing 'blur' is unknown"))
    }

    @Test func damagedOrForeignFilesAreRefusedNamingTheFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let modelPath = dir.file("model.safetensors")
        try freshModel().save(to: modelPath)
        #expect(throws: NetsError.invalidModelFile(path: modelPath,
                                                   reason: "it is a model, not a training checkpoint")) {
            try TrainingCheckpoint.read(from: modelPath)
        }
        let truncated = dir.file("t.safetensors")
        var model = try freshModel()
        try model.train(on: TrainingCheckpointTests.digits, options: options(epochs: 1, checkpoint: truncated))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: truncated))
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: truncated))
        do {
            _ = try TrainingCheckpoint.read(from: truncated)
            Issue.record("a truncated checkpoint was accepted")
        } catch {
            #expect("\(error)".hasPrefix(truncated))
        }
    }
}
