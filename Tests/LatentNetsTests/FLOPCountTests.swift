@testable import LatentNets
import LatentCore
import Testing

/// The FLOPs per training step that bench.sh divides by the epoch time, against counts worked
/// out by hand from the layer sizes.
@Suite struct FLOPCountTests {
    @Test func denseStackCountsForwardWeightAndInputGradientProducts() throws {
        // 10-6-3 mirrored: products 10·6, 6·3, 3·6, 6·10; the first layer has no input gradient.
        let model = try Autoencoder(architecture: try Architecture(spec: "10-6-3"), seed: 1)
        #expect(model.trainingFLOPsPerSample == Double(2 * 60 * 2 + 2 * 18 * 3 + 2 * 18 * 3 + 2 * 60 * 3))
    }

    @Test func convDenoiseCountsItsFiveConvolutions() throws {
        let model = try Autoencoder(architecture: try Preset.convDenoise.architecture(), seed: 1)
        // 1→32 at 28×28, 32→32 at 14×14, 7×7 and 14×14, 32→1 at 28×28; 3×3 kernels.
        let first = 784 * 9 * 32, rest = 196 * 288 * 32 + 49 * 288 * 32 + 196 * 288 * 32 + 784 * 288 * 1
        #expect(model.trainingFLOPsPerSample == Double(2 * first * 2 + 2 * rest * 3))
        #expect(model.trainingFLOPsPerSample == 26_643_456)
    }
}
