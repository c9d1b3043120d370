import LatentCore
@testable import LatentNets
import Testing
import TestSupport

/// The unrolled 2×2 max-pooling path (even sides, channels in fours) against a plain
/// reference and finite differences.
@Suite struct PoolingTests {
    func pool(height: Int, width: Int, channels: Int) throws -> MaxPool2DLayer {
        let input = TensorShape(height: height, width: width, channels: channels)
        let spec = LayerSpec.maxPool2D(size: 2, padding: .same)
        return makeLayer(spec, input: input, output: try Architecture.outputShape(of: spec, input: input, index: 0))
            as! MaxPool2DLayer
    }

    @Test func wholeBlocksGiveTheReferenceMaximaAndRouteTheGradientToTheFirstWinner() throws {
        let layer = try pool(height: 6, width: 4, channels: 8)
        #expect(layer.pairsTile)
        let batch = 3, h = 6, w = 4, c = 8
        var rng = SeededGenerator(seed: 51)
        // Values on a coarse grid, so ties occur and the first-winner rule is exercised.
        let x = (0..<(batch * h * w * c)).map { _ in Float(Int(rng.nextUniform() * 4)) }
        let up = (0..<(batch * 3 * 2 * c)).map { _ in rng.nextUniform() - 0.5 }
        var expectedY = [Float](), expectedGx = [Float](repeating: 0, count: x.count)
        for n in 0..<batch {
            for oy in 0..<3 {
                for ox in 0..<2 {
                    for ch in 0..<c {
                        var best = -Float.infinity, winner = 0
                        for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                            let i = ((n * h + 2 * oy + dy) * w + 2 * ox + dx) * c + ch
                            if x[i] > best { best = x[i]; winner = i }
                        }
                        expectedY.append(best)
                        expectedGx[winner] = up[((n * 3 + oy) * 2 + ox) * c + ch]
                    }
                }
            }
        }
        let harness = LayerHarness(layer: layer, batch: batch)
        #expect(harness.forward(input: x, parameters: []) == expectedY)
        #expect(harness.backward(input: x, parameters: [], upstream: up).input == expectedGx)
    }

    @Test func wholeBlocksMatchFiniteDifferences() throws {
        let layer = try pool(height: 4, width: 6, channels: 4)
        #expect(layer.pairsTile)
        let e = LayerHarness(layer: layer, batch: 2).gradientErrors(seed: 52)
        #expect(e.input < 5e-3, "input gradient error \(e.input)")
    }

    @Test func oddSidesOrChannelsTakeTheGeneralPath() throws {
        #expect(try !pool(height: 7, width: 6, channels: 4).pairsTile)
        #expect(try !pool(height: 6, width: 6, channels: 5).pairsTile)
    }
}
