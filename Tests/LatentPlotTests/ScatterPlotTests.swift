import Foundation
import LatentCore
import LatentPlot
import TestSupport
import Testing

@Suite struct ScatterPlotTests {
    /// Four points of four classes at the corners of a square, big opaque discs, nothing else.
    func corners() throws -> ScatterPlot {
        let points = try Matrix([[0, 0], [10, 0], [0, 10], [10, 10]])
        return ScatterPlot(points, labels: [0, 1, 2, 3]).legend(false).pointSize(6, opacity: 1).size(width: 200, height: 200)
    }

    @Test func pngHasSignatureAndTheSizeOfTheFigureAtTheDPI() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let path = dir.file("corners.png")
        try corners().write(to: path, dpi: 144)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let image = try RasterImage(contentsOfPNG: path)
        #expect(image.width == 400 && image.height == 400)
        #expect(dir.contents() == ["corners.png"])
        // The resolution is recorded: pHYs with 144 dpi = 5669 pixels per metre on both axes.
        let bytes = [UInt8](data)
        let tag = Array("pHYs".utf8)
        let at = try #require((0..<(bytes.count - 12)).first { Array(bytes[$0..<($0 + 4)]) == tag })
        let perMetre = bytes[(at + 4)..<(at + 8)].reduce(0) { $0 << 8 | Int($1) }
        #expect(perMetre == 5669 && bytes[at + 12] == 1)
    }

    @Test func eachPointHasItsClassColourAndTheBackgroundIsWhiteElsewhere() throws {
        let plot = try corners()
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let path = dir.file("corners.png")
        try plot.write(to: path, dpi: 144)
        let image = try RasterImage(contentsOfPNG: path)
        let positions = try plot.pointPositions()
        let colors = Palette.tab10.colors(count: 4)
        for (k, p) in positions.enumerated() {
            #expect(channelDistance(pixel(image, at: p, dpi: 144), colors[k]) < 3, "point \(k) at \(p)")
        }
        // Between the points, and in the figure's corner, only background.
        let middle = Point(x: (positions[0].x + positions[3].x) / 2, y: (positions[0].y + positions[3].y) / 2)
        #expect(channelDistance(pixel(image, at: middle, dpi: 144), .white) < 1)
        #expect(channelDistance(image.color(x: 1, y: 1), .white) < 1)
        // Equal aspect: the square of points stays a square.
        let width = positions[1].x - positions[0].x, height = positions[0].y - positions[2].y
        #expect(abs(width - height) < 0.01 && width > 100)
    }

    @Test func svgIsWellFormedWithOnePathPerPointInItsClassColour() throws {
        let (points, labels) = try triangleBlobs(perClass: 25)
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let path = dir.file("blobs.svg")
        try ScatterPlot(points, labels: labels).opacity(0.5).titled("Blobs").write(to: path)
        let svg = try SVGElements.parse(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(svg.root == "svg")
        let marks = svg.paths(withOpacity: "0.5")
        #expect(marks.count == 75)
        // tab10 blue, orange, green: 25 each.
        for rgb in ["rgb(12.156863%,46.666667%,70.588235%)", "rgb(100%,49.803922%,5.490196%)", "rgb(17.254902%,62.745098%,17.254902%)"] {
            #expect(marks.filter { $0.contains(rgb) }.count == 25, "\(rgb)")
        }
        #expect(svg.elements.contains { $0.name == "image" } == false)
    }

    @Test func largePointCloudsAreEmbeddedAsOneImageInVectorFilesUnlessTurnedOff() throws {
        let (points, labels) = try triangleBlobs(perClass: 40)
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let plot = ScatterPlot(points, labels: labels).opacity(0.5).pointRendering(.automatic(threshold: 100))
        try plot.write(to: dir.file("raster.svg"))
        let raster = try SVGElements.parse(Data(contentsOf: URL(fileURLWithPath: dir.file("raster.svg"))))
        #expect(raster.elements.filter { $0.name == "image" }.count == 1)
        #expect(raster.paths(withOpacity: "0.5").isEmpty)
        try plot.pointRendering(.vector).write(to: dir.file("vector.svg"))
        let vector = try SVGElements.parse(Data(contentsOf: URL(fileURLWithPath: dir.file("vector.svg"))))
        #expect(vector.paths(withOpacity: "0.5").count == 120)
        #expect(vector.elements.filter { $0.name == "image" }.isEmpty)
        // PDF: the bitmap is an image XObject.
        try plot.write(to: dir.file("raster.pdf"))
        try plot.pointRendering(.vector).write(to: dir.file("vector.pdf"))
        let hasImage = { (name: String) in
            String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir.file(name))), as: UTF8.self).contains("/Subtype /Image")
        }
        #expect(try hasImage("raster.pdf"))
        #expect(try !hasImage("vector.pdf"))
    }

    @Test func pdfStartsWithItsHeader() throws {
        let (points, labels) = try triangleBlobs()
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try ScatterPlot(points, labels: labels).titled("PDF").write(to: dir.file("f.pdf"))
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.file("f.pdf")))
        #expect(String(decoding: data.prefix(5), as: UTF8.self) == "%PDF-")
        #expect(dir.contents() == ["f.pdf"])
    }

    @Test func drawingOrderIsFixedBySeedAndChangesWithIt() throws {
        let (points, labels) = try triangleBlobs(perClass: 60)
        let jittered = points.map { $0 * 0.05 }   // heavy overlap, so the order shows
        let a = try ScatterPlot(jittered, labels: labels).shuffled(seed: 1).rasterized(dpi: 72)
        let b = try ScatterPlot(jittered, labels: labels).shuffled(seed: 1).rasterized(dpi: 72)
        let c = try ScatterPlot(jittered, labels: labels).shuffled(seed: 2).rasterized(dpi: 72)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func mismatchedLabelsAreAClearErrorAndLeaveNoFile() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let points = try Matrix([[0, 0], [1, 1], [2, 2]])
        #expect(throws: PlotError.lengthMismatch(what: "labels for 3 points", expected: 3, got: 2)) {
            try ScatterPlot(points, labels: [0, 1]).write(to: dir.file("bad.png"))
        }
        #expect(dir.contents().isEmpty)
    }

    @Test func nanCoordinatesNameThePoint() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let points = try Matrix([[0, 0], [1, .nan], [2, 2]])
        do {
            try ScatterPlot(points).write(to: dir.file("nan.svg"))
            Issue.record("expected an error")
        } catch let error as PlotError {
            #expect(error == .nonFinite(what: "point", index: 1))
            #expect(error.description.contains("point 1"))
        }
        #expect(dir.contents().isEmpty)
    }

    @Test func unknownExtensionAndUnwritablePathsAreOutputErrors() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let plot = try corners()
        #expect(throws: OutputError.self) { try plot.write(to: dir.file("figure.jpg")) }
        do {
            try plot.write(to: dir.file("figure.jpg"))
        } catch let error as OutputError {
            #expect(error.description.contains(".svg") && error.description.contains("figure.jpg"))
        }
        #expect(throws: OutputError.self) { try plot.write(to: dir.file("missing/figure.png")) }
        #expect(dir.contents().isEmpty)
        // A directory nobody may create files in, even root: cairo's failure becomes an OutputError.
        for ext in ["png", "svg", "pdf"] {
            #expect(throws: OutputError.self) { try plot.write(to: "/proc/latentmap-test-figure.\(ext)") }
        }
        if getuid() != 0 {   // root may write anywhere
            let locked = dir.file("locked")
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
            chmod(locked, 0o500)
            defer { chmod(locked, 0o700) }
            #expect(throws: OutputError.self) { try plot.write(to: locked + "/figure.svg") }
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: locked)) ?? ["?"]).isEmpty)
        }
    }

    @Test func valuesAreColouredThroughTheColourMap() throws {
        let points = try Matrix([[0, 0], [10, 0], [5, 8]])
        let plot = ScatterPlot(points).colored(by: [0, 0.5, 1], label: "error").pointSize(6, opacity: 1)
            .size(width: 260, height: 200)
        let image = try plot.rasterized(dpi: 144)
        let positions = try plot.pointPositions()
        for (k, t) in [0.0, 0.5, 1.0].enumerated() {
            #expect(channelDistance(pixel(image, at: positions[k], dpi: 144), ColorMap.viridisLike.color(at: t)) < 3)
        }
    }

    @Test func pointSizeAndOpacityShrinkAsPointsGrow() {
        #expect(ScatterPlot.defaultRadius(count: 100) > ScatterPlot.defaultRadius(count: 10_000))
        #expect(ScatterPlot.defaultRadius(count: 10_000) >= ScatterPlot.defaultRadius(count: 70_000))
        #expect(ScatterPlot.defaultRadius(count: 70_000) >= 0.5)
        #expect(ScatterPlot.defaultOpacity(count: 100) > ScatterPlot.defaultOpacity(count: 70_000))
    }

    @Test func threeDimensionalPointsCanBeShownAsPairsOfAxes() throws {
        var rng = SeededGenerator(seed: 3)
        let points = Matrix.gaussian(rows: 60, columns: 3, using: &rng)
        let panel = ScatterPlot(points, labels: (0..<60).map { $0 % 3 }).titled("3-D").pairs()
        #expect(panel.figures.count == 3)
        let image = try panel.rasterized(dpi: 72)
        #expect(image.width == Int(panel.size.width.rounded()))
        #expect(throws: PlotError.self) { try ScatterPlot(points).projection(.columns(0, 3)).rasterized() }
        _ = try ScatterPlot(points).projection(.rotated(azimuth: 30, elevation: 20)).rasterized(dpi: 36)
    }
}
