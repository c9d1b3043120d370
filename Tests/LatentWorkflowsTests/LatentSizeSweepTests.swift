import Foundation
import LatentCore
import LatentData
import LatentNets
import LatentWorkflows
import Testing
import TestSupport

@Suite struct LatentSizeSweepTests {
    static func sweep() -> LatentSizeSweep {
        var s = LatentSizeSweep(sizes: [4, 8])
        s.encoder = [16]
        s.epochs = 8
        s.classifierEpochs = 4
        s.classifier.hidden = [16]
        s.batchSize = 32
        s.neighbours = 5
        s.seed = 3
        return s
    }

    @Test func reportsOneRowPerSizeAndCallsBackAfterEach() throws {
        var seen: [Int] = []
        let report = try Self.sweep().run(on: WorkflowTestData.images(perClass: 30)) { seen.append($0.results.count) }
        #expect(seen == [1, 2])
        #expect(report.results.map(\.latent) == [4, 8])
        #expect(report.trainSamples + report.testSamples == 90)
        for row in report.results {
            #expect(row.knnAccuracy > 0.8, "\(row.latent)-D codes: 5-NN accuracy \(row.knnAccuracy)")
            #expect(row.testMSE > 0 && row.testMSE < 0.2)
        }
        #expect(report.markdown().contains("| 8 | "))
        #expect(report.csv().split(separator: "\n").count == 3)
    }

    @Test func sizesOnOneAndTwoThreadsScoreTheSame() throws {
        let data = WorkflowTestData.images(perClass: 30)
        let one = try Self.sweep().run(on: data, context: ExecutionContext(threads: 1))
        let two = try Self.sweep().run(on: data, context: ExecutionContext(threads: 2))
        func scores(_ r: LatentSizeSweep.Report) -> [[Double]] {
            r.results.map { [$0.testMSE, $0.trainMSE, $0.mlpAccuracy, $0.knnAccuracy, Double($0.parameters)] }
        }
        #expect(scores(one) == scores(two))
    }

    @Test func theJSONKeysAreSnakeCaseAndLeaveOutTheMarkdownOnlyFields() throws {
        let report = try Self.sweep().run(on: WorkflowTestData.images(perClass: 30))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(report), as: UTF8.self)
        for key in ["\"train_samples\"", "\"autoencoder_epochs\"", "\"test_mse\"", "\"knn_accuracy\"", "\"classifier_seconds\""] {
            #expect(text.contains(key), "\(key) missing in \(text)")
        }
        #expect(!text.contains("lossName") && !text.contains("classifierLayers"))
    }

    @Test func unlabelledDataIsRefused() {
        var data = WorkflowTestData.images()
        data.labels = nil
        #expect(throws: WorkflowError.self) { _ = try Self.sweep().run(on: data) }
    }
}
