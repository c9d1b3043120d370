import Foundation
import LatentCore
import LatentData
import LatentNets
import LatentWorkflows
import Testing
import TestSupport

@Suite struct AutoencoderPipelineTests {
    /// A quick pipeline: the 20-D recipe, 3 epochs, 300 t-SNE iterations.
    static func pipeline(seed: UInt64 = 2) -> AutoencoderPipeline {
        var p = AutoencoderPipeline(latent: 20, epochs: 3, seed: seed)
        p.tsne.iterations = 300
        return p
    }

    @Test func resultsOnOneAndTwoThreadsAreIdentical() throws {
        let data = WorkflowTestData.images()
        let one = try Self.pipeline().run(on: data, context: ExecutionContext(threads: 1))
        let two = try Self.pipeline().run(on: data, context: ExecutionContext(threads: 2))
        #expect(one.codes.elements == two.codes.elements)
        #expect(one.embedding.elements == two.embedding.elements)
        #expect(one.autoencoder.parameters == two.autoencoder.parameters)
        #expect(one.scores == two.scores)
        #expect(one.history?.epochs.map(\.trainLoss) == two.history?.epochs.map(\.trainLoss))
    }

    @Test func mapsSeparableTemplatesAndScoresTheMap() throws {
        let data = WorkflowTestData.images()
        let result = try Self.pipeline().run(on: data)
        #expect(result.codes.rows == data.count && result.codes.columns == 20)
        #expect(result.embedding.rows == data.count && result.embedding.columns == 2)
        #expect(result.history?.epochs.count == 3)
        // Three templates 0.1 noise apart are easy: chance is 1/3.
        let knn = try #require(result.scores.knnMap)
        #expect(knn > 0.9, "10-NN accuracy of the map \(knn)")
        #expect(result.scores.trustworthiness > 0.8)
        let keys = result.metrics.fields.map(\.key)
        #expect(keys.starts(with: ["dataset", "samples", "latent", "reconstruction_mse", "kl", "knn10_latent", "knn10_2d"]))
        #expect(keys.contains("train_s") && keys.contains("tsne_s") && !keys.contains("test_samples"))
    }

    @Test func heldOutImagesArePlacedIntoTheFinishedMap() throws {
        let all = WorkflowTestData.images(perClass: 50)
        let (train, test) = try all.split(validationFraction: 0.2, seed: 3)
        let result = try Self.pipeline().run(on: train, heldOut: test)
        let placed = try #require(result.heldOut)
        #expect(placed.positions.rows == test.count)
        #expect(placed.map.count == train.count)
        let accuracy = try #require(placed.accuracy)
        #expect(accuracy > 0.8, "held-out 10-NN accuracy \(accuracy)")
        #expect(result.metrics.fields.contains { $0.key == "knn10_test_2d" })
    }

    @Test func aModelTrainedOnDeskewedImagesDeskewsWhatItEncodes() throws {
        let raw = WorkflowTestData.images(perClass: 20)
        let upright = try raw.deskewed()
        let result = try Self.pipeline().run(on: upright)
        #expect(result.autoencoder.deskewsInputs)
        // Raw images are deskewed on the way in (so they encode like the training images), and
        // deskewed ones are not deskewed twice.
        #expect(try Recipes.modelInputs(raw, for: result.autoencoder) == upright.samples)
        #expect(try Recipes.modelInputs(upright, for: result.autoencoder) == upright.samples)
        #expect(try result.autoencoder.encode(Recipes.modelInputs(raw, for: result.autoencoder)) == result.codes)
        #expect(upright.samples != raw.samples)
        let plain = try Self.pipeline().run(on: raw)
        #expect(!plain.autoencoder.deskewsInputs)
        #expect(try Recipes.modelInputs(raw, for: plain.autoencoder) == raw.samples)
        // The reconstructions figure says which images the model was given.
        #expect(try result.reconstructions().rowCaptions == ["deskewed", "reconstructed"])
        #expect(try plain.reconstructions().rowCaptions == ["original", "reconstructed"])
    }

    @Test(arguments: ["train", "t-SNE"])
    func aStopEndsTheRunWithNoResult(stage: String) throws {
        var reports: [String] = []
        var afterStop = 0
        var stopped = false
        #expect(throws: WorkflowStopped(stage: stage)) {
            _ = try Self.pipeline().run(on: WorkflowTestData.images()) { p in
                if stopped { afterStop += 1 }
                reports.append(p.stage)
                if p.stage == stage { stopped = true; return .stop }
                return .continue
            }
        }
        #expect(stopped)
        #expect(afterStop == 0, "\(afterStop) reports after the stop")
        #expect(!reports.contains("metrics"))
    }

    @Test func dataThatDoesNotFitTheModelIsOneError() throws {
        let (model, _) = try Recipes.latentAutoencoder(codeSize: 20, imageShape: TensorShape(height: 4, width: 4), epochs: 1, seed: 1)
        #expect(throws: WorkflowError.self) {
            _ = try Self.pipeline().run(on: WorkflowTestData.images(), model: model)
        }
    }
}
