import LatentAnalysis
import LatentCore
import Testing
import TestSupport

@Suite struct LatentPathTests {
    @Test func weightsRunEvenlyFromZeroToOne() {
        #expect(LatentPath.weights(steps: 5) == [0, 0.25, 0.5, 0.75, 1])
        #expect(LatentPath.evenlySpaced(-3...3, count: 7) == [-3, -2, -1, 0, 1, 2, 3])
        #expect(LatentPath.evenlySpaced(-1...1, count: 1) == [0])
    }

    @Test func interpolationStartsAndEndsAtTheCodesAndIsLinearBetween() throws {
        let a: [Float] = [1, -2, 4], b: [Float] = [3, 6, -4]
        let line = try LatentPath.interpolation(from: a, to: b, weights: LatentPath.weights(steps: 5))
        #expect(line.rows == 5 && line.columns == 3)
        #expect(line.row(0) == a)
        #expect(line.row(4) == b)
        #expect(line.row(2) == [2, 2, 0])
        #expect(line.row(1) == [1.5, 0, 2])
    }

    @Test func gridSetsTheWalkedDimensionsAndHoldsTheOthers() throws {
        let base: [Float] = [9, 8, 7, 6]
        let xs = [-1.0, 0, 1], ys = [2.0, -2]
        let grid = try LatentPath.grid(x: xs, y: ys, dimensions: (2, 0), base: base)
        #expect(grid.rows == 6 && grid.columns == 4)
        for (r, y) in ys.enumerated() {
            for (c, x) in xs.enumerated() {
                #expect(grid.row(r * 3 + c) == [Float(y), 8, Float(x), 6], "row \(r), column \(c)")
            }
        }
    }

    @Test func badArgumentsAreErrors() {
        #expect(throws: AnalysisError.self) { try LatentPath.interpolation(from: [1], to: [1, 2], weights: [0, 1]) }
        #expect(throws: AnalysisError.self) { try LatentPath.interpolation(from: [1], to: [2], weights: []) }
        #expect(throws: AnalysisError.self) { try LatentPath.grid(x: [0.0], y: [0.0], dimensions: (1, 1), base: [0, 0]) }
        #expect(throws: AnalysisError.self) { try LatentPath.grid(x: [0.0], y: [0.0], dimensions: (0, 2), base: [0, 0]) }
        #expect(throws: AnalysisError.self) { try LatentPath.grid(x: [Double](), y: [0.0], dimensions: (0, 1), base: [0, 0]) }
    }
}
