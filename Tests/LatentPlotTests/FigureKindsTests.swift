import Foundation
import LatentCore
@testable import LatentPlot
import TestSupport
import Testing

@Suite struct LinePlotTests {
    @Test func aLineIsDrawnInItsColourAlongItsPath() throws {
        let plot = LinePlot().adding("diagonal", x: [0, 1, 2, 3], y: [0, 1, 2, 3], color: Color(hex: 0xD62728)).markers(false)
        let picture = try plot.rasterized(dpi: 144)
        // Find the red pixels; they must lie on a rising diagonal.
        var reds: [(Int, Int)] = []
        for y in 0..<picture.height {
            for x in 0..<picture.width where channelDistance(picture.color(x: x, y: y), Color(hex: 0xD62728)) < 10 {
                reds.append((x, y))
            }
        }
        #expect(reds.count > 300)
        let left = reds.min { $0.0 < $1.0 }!, right = reds.max { $0.0 < $1.0 }!
        #expect(left.1 > right.1 + 200, "the line rises from left to right")
    }

    @Test func badSeriesAreErrors() {
        #expect(throws: PlotError.self) { try LinePlot().rasterized() }
        #expect(throws: PlotError.self) { try LinePlot().adding("a", x: [1, 2], y: [1.0]).rasterized() }
        #expect(throws: PlotError.self) { try LinePlot().adding("a", y: [1.0, .nan]).rasterized() }
        #expect(throws: PlotError.self) { try LinePlot().adding("a", y: [1.0, 0]).logarithmicY().rasterized() }
    }

    @Test func severalSeriesOnALogAxisWriteEveryFormat() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let plot = LinePlot().adding("train", y: [0.5, 0.2, 0.1, 0.05] as [Double]).adding("validation", y: [0.6, 0.3, 0.2, 0.15] as [Double])
            .logarithmicY().axisLabels(x: "epoch", y: "loss").titled("Loss")
        for ext in ["png", "svg", "pdf"] { try plot.write(to: dir.file("loss.\(ext)")) }
        #expect(dir.contents() == ["loss.pdf", "loss.png", "loss.svg"])
        _ = try SVGElements.parse(Data(contentsOf: URL(fileURLWithPath: dir.file("loss.svg"))))
    }
}

@Suite struct HeatmapTests {
    @Test func cellsTakeTheColourOfTheirValue() throws {
        let counts = [[9, 0], [0, 9]]
        var map = try Heatmap(confusion: counts, classNames: ["a", "b"]).cellValues(false)
        map.showsColorBar = false
        let picture = try map.rasterized(dpi: 72)
        let high = ColorMap.blues.color(at: 1), low = ColorMap.blues.color(at: 0)
        var nHigh = 0, nLow = 0
        for y in 0..<picture.height {
            for x in 0..<picture.width {
                let c = picture.color(x: x, y: y)
                if channelDistance(c, high) < 2 { nHigh += 1 } else if channelDistance(c, low) < 1 { nLow += 1 }
            }
        }
        #expect(nHigh > 1000)
        #expect(nLow > 1000)
        #expect(abs(Double(nHigh - nLow)) / Double(nHigh) < 0.2, "two diagonal cells as large as two off-diagonal ones")
    }

    @Test func raggedOrMisnamedMatricesAreErrors() throws {
        #expect(throws: MatrixError.self) { try Heatmap(confusion: [[1, 2], [3]]) }
        #expect(throws: PlotError.self) { try Heatmap(confusion: [[1, 2], [3, 4]], classNames: ["a"]).rasterized() }
    }
}

@Suite struct PanelTests {
    @Test func figuresSitSideBySideInOneFile() throws {
        let points = try Matrix([[0, 0], [1, 1], [0, 1], [1, 0]])
        let red = ScatterPlot(points).color(Color(hex: 0xD62728)).pointSize(8, opacity: 1).size(width: 150, height: 150)
        let blue = ScatterPlot(points).color(Color(hex: 0x1F77B4)).pointSize(8, opacity: 1).size(width: 150, height: 150)
        let panel = Panel([red, blue]).titled("Two")
        #expect(panel.size.width > 300 && panel.size.height > 150)
        let picture = try panel.rasterized(dpi: 72)
        var redX: [Int] = [], blueX: [Int] = []
        for y in 0..<picture.height {
            for x in 0..<picture.width {
                let c = picture.color(x: x, y: y)
                if channelDistance(c, Color(hex: 0xD62728)) < 3 { redX.append(x) }
                if channelDistance(c, Color(hex: 0x1F77B4)) < 3 { blueX.append(x) }
            }
        }
        #expect(!redX.isEmpty && !blueX.isEmpty)
        #expect(redX.max()! < picture.width / 2 && blueX.min()! > picture.width / 2)
        #expect(throws: PlotError.self) { try Panel([]).rasterized() }
    }
}

@Suite struct ThumbnailScatterTests {
    @Test func thumbnailsDoNotOverlapAndStayInsideThePlot() {
        var rng = SeededGenerator(seed: 4)
        let x = (0..<2000).map { _ in Double(rng.nextUniform()) * 300 }, y = (0..<2000).map { _ in Double(rng.nextUniform()) * 300 }
        let plot = Rect(x: 0, y: 0, width: 300, height: 300)
        let chosen = ThumbnailScatter.chooseThumbnails(x: x, y: y, plot: plot, side: 20, clearance: 0.2, maximumCount: 60, seed: 1)
        #expect(chosen.count > 20 && chosen.count <= 60)
        let rects = chosen.map { ThumbnailScatter.box(x: x[$0], y: y[$0], side: 20, plot: plot) }
        for (i, a) in rects.enumerated() {
            #expect(a.minX >= 0 && a.maxX <= 300 && a.minY >= 0 && a.maxY <= 300)
            for b in rects[(i + 1)...] { #expect(!a.intersects(b)) }
        }
    }

    @Test func vectorOutputEmbedsTheThumbnails() throws {
        let (points, labels) = try triangleBlobs(perClass: 20)
        var images = Matrix(rows: 60, columns: 16)
        for k in 0..<60 { images[k, k % 16] = 1 }
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let figure = ThumbnailScatter(points, images: images, height: 4, width: 4, labels: labels).thumbnails(size: 16, maximumCount: 10)
        try figure.write(to: dir.file("t.svg"))
        let svg = try SVGElements.parse(Data(contentsOf: URL(fileURLWithPath: dir.file("t.svg"))))
        let count = svg.elements.filter { $0.name == "image" }.count
        #expect(count >= 3 && count <= 10)
        #expect(throws: PlotError.self) {
            try ThumbnailScatter(points, images: images.rows(0..<59), height: 4, width: 4).rasterized()
        }
    }
}

@Suite struct ClassNamesTests {
    @Test func namesAreReadOnePerLine() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try "T-shirt/top\n  Trouser \nPullover\n\n".write(toFile: dir.file("names.txt"), atomically: true, encoding: .utf8)
        #expect(try ClassNames.read(from: dir.file("names.txt")) == ["T-shirt/top", "Trouser", "Pullover"])
        #expect(throws: PlotError.cannotRead(path: dir.file("none.txt"), reason: "no such file")) {
            try ClassNames.read(from: dir.file("none.txt"))
        }
        try "\n\n".write(toFile: dir.file("empty.txt"), atomically: true, encoding: .utf8)
        #expect(throws: PlotError.self) { try ClassNames.read(from: dir.file("empty.txt")) }
    }
}

@Suite struct LayoutTests {
    /// True when the outermost `width` pixels on every side are white: nothing ran off the figure.
    func borderIsBlank(_ image: RasterImage, width: Int = 2) -> Bool {
        for y in 0..<image.height {
            for x in 0..<image.width where x < width || y < width || x >= image.width - width || y >= image.height - width {
                if channelDistance(image.color(x: x, y: y), .white) > 1 { return false }
            }
        }
        return true
    }

    @Test func longNamesAndLabelsStayInsideEveryKindOfFigure() throws {
        let (points, labels) = try triangleBlobs(perClass: 20)
        let names = ["a class with a very long name indeed, longer than any legend should be", "b", "c"]
        let scatter = ScatterPlot(points, labels: labels).classNames(names).titled("Title").axes(.ticks, x: "x axis", y: "y axis")
            .clusterLabels()
        #expect(borderIsBlank(try scatter.rasterized(dpi: 72)))
        let line = LinePlot().adding("a series with a long name", y: [1000.0, 200, 30_000]).titled("Loss").axisLabels(x: "epoch", y: "loss")
        #expect(borderIsBlank(try line.rasterized(dpi: 72)))
        let heat = try Heatmap(confusion: [[5, 1], [2, 7]], classNames: ["Ankle boot", "T-shirt/top"]).titled("Confusion")
        #expect(borderIsBlank(try heat.rasterized(dpi: 72)))
        var images = Matrix(rows: 6, columns: 16)
        for k in 0..<6 { images[k, k] = 1 }
        let gallery = ImageGallery(images, height: 4, width: 4, columns: 3).rowCaptions(["reconstructed", "original"]).titled("Gallery")
        #expect(borderIsBlank(try gallery.rasterized(dpi: 72)))
        let walk = try ImageGallery.latentWalk(images, xValues: [-1.5, 0, 1.5], yValues: [1, -1], height: 4, width: 4)
        #expect(borderIsBlank(try walk.rasterized(dpi: 72)))
    }
}

@Suite struct PNGTests {
    @Test func chunkChecksumMatchesTheKnownIENDValue() {
        #expect(PNG.crc32(Data("IEND".utf8)) == 0xAE42_6082)
    }
}
