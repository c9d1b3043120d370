import LatentAnalysis
import LatentCore
import Testing
import TestSupport

@Suite struct PCATests {
    @Test func recoversTheVariancesOfAxisAlignedData() throws {
        var rng = SeededGenerator(seed: 3)
        let stds: [Float] = [5, 2, 0.5]
        var x = Matrix.gaussian(rows: 20000, columns: 3, using: &rng)
        x.scaleColumns(by: stds)
        let pca = try PCA(fitting: x, components: 3)
        for k in 0..<3 {
            #expect(abs(pca.explainedVariance[k] - stds[k] * stds[k]) / (stds[k] * stds[k]) < 0.05)
            #expect(abs(abs(pca.components[k, k]) - 1) < 0.01)
        }
        #expect(abs(pca.explainedVarianceRatio.reduce(0, +) - 1) < 1e-4)
    }

    @Test func inverseTransformOfAllComponentsIsIdentity() throws {
        let x = TestData.random(rows: 50, columns: 6, seed: 4)
        let pca = try PCA(fitting: x, components: 6)
        let back = pca.inverseTransform(pca.transform(x))
        #expect(Numeric.relativeError(back.elements, x.elements) < 1e-4)
    }

    @Test func rejectsTooManyComponents() {
        #expect(throws: MatrixError.self) { try PCA(fitting: TestData.random(rows: 5, columns: 3, seed: 1), components: 4) }
    }
}
