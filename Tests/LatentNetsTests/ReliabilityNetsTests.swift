import Foundation
import LatentCore
import LatentNets
import Testing
import TestSupport

/// Sizes checked before anything is allocated, NaN weights refused on load, BCE only on [0, 1].
@Suite struct ReliabilityNetsTests {
    @Test func absurdLayerSizesAreRefusedBeforeAllocating() {
        let wide = #expect(throws: NetsError.self) {
            try Architecture(spec: "784-99999999999-2", activation: .relu, output: .sigmoid).validate()
        }
        #expect(wide?.description.contains("99999999999") == true)
        // Within the per-layer limit but 7.8·10¹¹ parameters: refused by the memory estimate.
        let heavy = #expect(throws: NetsError.self) {
            try Architecture(spec: "784-1000000000-2", activation: .relu, output: .sigmoid).validate()
        }
        #expect(heavy?.description.contains("parameters need about") == true)
        #expect(throws: NetsError.self) {
            try ClassifierArchitecture(inputSize: 20, hidden: [99_999_999_999], classes: 10).validate()
        }
        #expect(throws: NetsError.self) {
            try ClassifierArchitecture(inputSize: 20, hidden: [1_000_000_000], classes: 1_000).validate()
        }
        #expect(throws: NetsError.self) {
            try Architecture(inputShape: TensorShape(height: 4, width: 4, channels: 1),
                             encoder: [.upSampling2D(factor: Int.max / 2)], decoder: [.flatten]).validate()
        }
    }

    @Test func aModelFileWithANaNWeightIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("m.safetensors")
        try Safetensors(tensors: [("w", SafetensorsTensor(shape: [3], values: [1, .nan, 2]))], metadata: [:]).write(to: path)
        #expect(try Safetensors.read(from: path).tensors[0].tensor.values[2] == 2)   // the container itself keeps any value
        let error = #expect(throws: SafetensorsError.self) { try Safetensors.readModel(from: path) }
        #expect(error?.description.contains("NaN") == true && error?.description.contains("m.safetensors") == true)
    }

    @Test func binaryCrossEntropyNeedsTargetsInTheUnitInterval() throws {
        #expect(throws: NetsError.self) { try Loss.binaryCrossEntropy.checkTargets(in: (min: -1, max: 1), of: "x") }
        try Loss.binaryCrossEntropy.checkTargets(in: (min: 0, max: 1), of: "x")
        try Loss.meanSquaredError.checkTargets(in: (min: -5, max: 5), of: "x")
    }
}
