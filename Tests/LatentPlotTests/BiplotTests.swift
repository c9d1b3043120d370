import Foundation
import LatentCore
@testable import LatentPlot
import TestSupport
import Testing

@Suite struct BiplotTests {
    /// Bounding box (in pixels) of the pixels close to `color`, and their count.
    func extent(of color: Color, in picture: RasterImage) -> (width: Int, height: Int, count: Int) {
        var minX = Int.max, maxX = Int.min, minY = Int.max, maxY = Int.min, count = 0
        for y in 0..<picture.height {
            for x in 0..<picture.width where channelDistance(picture.color(x: x, y: y), color) < 30 {
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y); count += 1
            }
        }
        return count == 0 ? (0, 0, 0) : (maxX - minX + 1, maxY - minY + 1, count)
    }

    @Test func theLongestArrowReachesTheChosenFractionOfTheFarthestPoint() throws {
        let (points, labels) = try triangleBlobs()
        let loadings = try Matrix([[2, 0], [0, -1], [1, 1]])
        let plot = Biplot(scores: points, loadings: loadings, featureNames: ["a", "b", "c"], labels: labels).arrowReach(0.8)
        var farthest = 0.0
        for i in 0..<points.rows { farthest = max(farthest, hypot(Double(points[i, 0]), Double(points[i, 1]))) }
        let tips = plot.arrowTips()
        #expect(abs(hypot(tips[0].x, tips[0].y) - 0.8 * farthest) < 1e-6 * farthest)
        // One factor for all arrows: directions and relative lengths are the loadings'.
        #expect(abs(tips[1].y / tips[0].x + 0.5) < 1e-9 && tips[1].x == 0)
        #expect(abs(tips[2].x - tips[2].y) < 1e-9 && abs(tips[2].x / tips[0].x - 0.5) < 1e-9)
    }

    @Test func anArrowIsDrawnAlongItsLoadingDirection() throws {
        let (points, labels) = try triangleBlobs()
        let red = Color(hex: 0xB22222)
        let across = try Biplot(scores: points, loadings: try Matrix([[1, 0]]), featureNames: ["width"], labels: labels)
            .rasterized(dpi: 144)
        let up = try Biplot(scores: points, loadings: try Matrix([[0, 1]]), featureNames: ["height"], labels: labels)
            .rasterized(dpi: 144)
        let h = extent(of: red, in: across), v = extent(of: red, in: up)
        #expect(h.count > 50 && v.count > 50)
        #expect(h.width > 4 * h.height, "a horizontal arrow: \(h)")
        #expect(v.height > 4 * v.width, "a vertical arrow: \(v)")
    }

    @Test func writesEveryFormatWithFeatureNamesInTheSVG() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let (points, labels) = try triangleBlobs()
        let plot = Biplot(scores: points, loadings: try Matrix([[0.9, 0.1], [-0.2, 0.8], [0.5, -0.5], [0.1, 0.1]]),
                          featureNames: ["sepal length", "sepal width", "petal length", "petal width"], labels: labels)
            .classNames(["setosa", "versicolor", "virginica"]).titled("Biplot")
        for ext in ["png", "svg", "pdf"] { try plot.write(to: dir.file("biplot.\(ext)")) }
        #expect(dir.contents() == ["biplot.pdf", "biplot.png", "biplot.svg"])
        _ = try SVGElements.parse(Data(contentsOf: URL(fileURLWithPath: dir.file("biplot.svg"))))
    }

    @Test func mismatchedInputsAreErrors() throws {
        let (points, labels) = try triangleBlobs()
        let loadings = try Matrix([[1, 0], [0, 1]])
        #expect(throws: PlotError.self) { try Biplot(scores: points, loadings: loadings, featureNames: ["only one"]).rasterized() }
        #expect(throws: PlotError.self) { try Biplot(scores: points, loadings: loadings, labels: Array(labels.dropLast())).rasterized() }
        #expect(throws: PlotError.self) { try Biplot(scores: points.columns(0..<1), loadings: loadings).rasterized() }
        #expect(throws: PlotError.self) { try Biplot(scores: Matrix(rows: 0, columns: 2), loadings: loadings).rasterized() }
    }
}
