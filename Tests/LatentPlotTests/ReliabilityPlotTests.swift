import Foundation
import LatentCore
import LatentPlot
import Testing
import TestSupport

/// Labels as class identifiers, legends that fit, and sizes refused before drawing.
@Suite struct ReliabilityPlotTests {
    static func points(_ n: Int) -> Matrix { TestData.random(rows: n, columns: 2, seed: 5) }

    /// The horizontal extent of the drawn points, in figure points.
    static func width(of plot: ScatterPlot) throws -> Double {
        let xs = try plot.pointPositions().map(\.x)
        return xs.max()! - xs.min()!
    }

    @Test func threeHundredClassesDoNotSqueezeThePlot() throws {
        let n = 1_200
        let few = ScatterPlot(ReliabilityPlotTests.points(n), labels: (0..<n).map { $0 % 10 })
        let many = ScatterPlot(ReliabilityPlotTests.points(n), labels: (0..<n).map { $0 % 300 })
        // A legend of 300 names in columns would take most of the width; instead the plot
        // keeps nearly the room it has beside a 10-class legend (less only the note's line).
        #expect(try ReliabilityPlotTests.width(of: many) >= ReliabilityPlotTests.width(of: few) * 0.9)
        _ = try many.rasterized(dpi: 30)
    }

    @Test func oneHugeLabelDrawsQuicklyWithItsOwnColour() throws {
        var labels = (0..<200).map { $0 % 10 }
        labels[3] = 100_000_000
        let image = try ScatterPlot(ReliabilityPlotTests.points(200), labels: labels).rasterized(dpi: 30)
        #expect(image.width > 0)
    }

    @Test func absurdSizesAreRefusedBeforeDrawing() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let images = Matrix(rows: 4, columns: 16)
        let cell = #expect(throws: PlotError.self) {
            try ImageGallery(images, height: 4, width: 4).cellWidth(1e9).write(to: dir.file("g.png"))
        }
        #expect(cell?.description.contains("cell width") == true)
        #expect(throws: PlotError.self) { try ScatterPlot(ReliabilityPlotTests.points(10)).pointSize(1e6).write(to: dir.file("s.png")) }
        #expect(throws: PlotError.self) {
            try ScatterPlot(ReliabilityPlotTests.points(10)).size(width: 1e12, height: 100).write(to: dir.file("s.svg"))
        }
        let thumbs = #expect(throws: PlotError.self) {
            try ThumbnailScatter(TestData.random(rows: 4, columns: 3, seed: 1), images: images, height: 4, width: 4).write(to: dir.file("t.png"))
        }
        #expect(thumbs?.description.contains("N × 2") == true)
        #expect(dir.contents().isEmpty)
    }
}
