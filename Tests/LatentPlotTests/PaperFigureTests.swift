import Foundation
import LatentCore
@testable import LatentPlot
import Testing
import TestSupport

/// Figures for papers: lengths with units, fonts, legends that stay on the page, text that
/// stays text in SVG, heights that follow the width, and the compare-figure fixes.
@Suite struct PaperFigureTests {
    /// `classes` Gaussian blobs along a line `spread` wide and 1 high (a wide map for spread > 1).
    static func blobs(classes: Int, perClass: Int = 20, spread: Float = 4) -> (points: Matrix, labels: [Int]) {
        var rng = SeededGenerator(seed: 11)
        var rows: [[Float]] = [], labels: [Int] = []
        for c in 0..<classes {
            let cx = spread * Float(c) / Float(max(1, classes - 1))
            for _ in 0..<perClass {
                rows.append([cx + 0.05 * rng.nextGaussian(), 0.5 + 0.15 * rng.nextGaussian()])
                labels.append(c)
            }
        }
        return (try! Matrix(rows), labels)
    }

    static func style(_ change: (inout FigureStyle) -> Void) -> FigureStyle {
        var s = FigureStyle()
        change(&s)
        return s
    }

    // MARK: Lengths

    @Test(arguments: [("3.5in", 252.0), ("89mm", 252.283), ("8.9cm", 252.283), ("252pt", 252.0), ("252", 252.0),
                      (" 2 IN ", 144.0), ("1.5inch", 108.0)])
    func lengthsConvertToPoints(text: String, points: Double) throws {
        #expect(abs(try Length(parsing: text).points() - points) < 0.01)
    }

    @Test func pixelsConvertAtTheOutputResolution() throws {
        let length = try Length(parsing: "1200px")
        #expect(length.unit == .px)
        #expect(abs(length.points(dpi: 300) - 288) < 1e-9)
        #expect(abs(length.points(dpi: 200) - 432) < 1e-9)
        #expect(length.description == "1200px")
    }

    @Test(arguments: ["3.5furlongs", "-1in", "in", "0mm", "nanin", "", "3.5.1in", "infpt"])
    func badLengthsAreRefusedByName(text: String) {
        let error = #expect(throws: PlotError.self) { try Length(parsing: text) }
        #expect(error?.description.contains("'\(text)'") == true)
    }

    // MARK: Text in SVG and PDF

    @Test func svgKeepsTextAsSelectableTextElements() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (points, labels) = PaperFigureTests.blobs(classes: 3)
        let plot = ScatterPlot(points, labels: labels).titled("Digits <&> \"maps\"").classNames(["zero", "one", "two"])
        try plot.write(to: dir.file("text.svg"))
        let texts = try SVGTextElements.parse(dir.file("text.svg")).filter(\.isFilled)
        #expect(texts.map(\.content).contains("Digits <&> \"maps\""))
        for name in ["zero", "one", "two"] { #expect(texts.filter { $0.content == name }.count == 1) }
        #expect(texts.allSatisfy { $0.attributes["font-family"] == "DejaVu Sans, sans-serif" })

        try plot.styled(PaperFigureTests.style { $0.text = .paths }).write(to: dir.file("paths.svg"))
        #expect(try SVGTextElements.parse(dir.file("paths.svg")).isEmpty)
        // The glyphs are outlines instead: many more paths than the points (60) and legend discs.
        func paths(_ file: String) throws -> Int {
            try SVGElements.parse(Data(contentsOf: URL(fileURLWithPath: dir.file(file)))).elements.filter { $0.name == "path" }.count
        }
        #expect(try paths("paths.svg") >= paths("text.svg") + texts.count)
    }

    @Test func pdfEmbedsAFontUnlessTextIsOutlined() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (points, labels) = PaperFigureTests.blobs(classes: 3)
        let plot = ScatterPlot(points, labels: labels).titled("Font check")
        try plot.write(to: dir.file("text.pdf"))
        try plot.styled(PaperFigureTests.style { $0.text = .paths }).write(to: dir.file("paths.pdf"))
        let text = try Data(contentsOf: URL(fileURLWithPath: dir.file("text.pdf")))
        let paths = try Data(contentsOf: URL(fileURLWithPath: dir.file("paths.pdf")))
        #expect(text.range(of: Data("/FontFile".utf8)) != nil)
        #expect(paths.range(of: Data("/FontFile".utf8)) == nil)
    }

    @Test func fontSizesFollowTheBaseSize() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let plot = LinePlot().adding("loss", y: [3.0, 2.0, 1.5]).titled("Title").axisLabels(x: "epoch", y: "loss")
            .styled(PaperFigureTests.style { $0.fontSize = 20 })
        try plot.write(to: dir.file("big.svg"))
        let sizes = Dictionary(try SVGTextElements.parse(dir.file("big.svg")).filter(\.isFilled).map { ($0.content, $0.fontSize ?? 0) },
                               uniquingKeysWith: { a, _ in a })
        #expect(sizes["Title"] == 24)
        #expect(sizes["epoch"] == 20)
        #expect(sizes["loss"] == 18 || sizes["loss"] == 20)   // the legend entry or the y label
        #expect(sizes["3.0"] == 17, "\(sizes)")                // a tick label
    }

    @Test func aFamilyFontconfigLacksIsRefusedBeforeWriting() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let plot = LinePlot().adding("x", y: [1.0, 2.0]).styled(PaperFigureTests.style { $0.fontFamily = "No Such Family 42" })
        let error = #expect(throws: PlotError.self) { try plot.write(to: dir.file("f.svg")) }
        #expect(error?.description.contains("No Such Family 42") == true)
        #expect(dir.contents().isEmpty)
        #expect(throws: PlotError.self) { try FigureStyle().styledSize(0.5).validate() }
    }

    /// Needs fonts-liberation2 (scripts/setup.sh installs it).
    @Test func aHelveticaCloneIsUsedAndNamed() throws {
        let liberation = PaperFigureTests.style { $0.fontFamily = "Liberation Sans" }
        try liberation.validate()
        let text = "Reconstruction error 0123456789"
        let narrow = Canvas.measuring(style: liberation) { $0.textWidth(text, size: 10) }
        let wide = Canvas.measuring { $0.textWidth(text, size: 10) }
        #expect(narrow < wide * 0.95)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try LinePlot().adding("x", y: [1.0, 2.0]).titled("T").styled(liberation).write(to: dir.file("l.svg"))
        #expect(try SVGTextElements.parse(dir.file("l.svg")).allSatisfy { $0.attributes["font-family"] == "Liberation Sans, sans-serif" })
    }

    @Test func theStyleChoosesVectorOrRasterPoints() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (points, labels) = PaperFigureTests.blobs(classes: 3)      // 60 points
        let plot = ScatterPlot(points, labels: labels).legend(false).opacity(0.5)
        try plot.styled(PaperFigureTests.style { $0.points = .raster }).write(to: dir.file("raster.svg"))
        try plot.pointRendering(.raster).styled(PaperFigureTests.style { $0.points = .vector }).write(to: dir.file("vector.svg"))
        let raster = try SVGElements.parse(Data(contentsOf: URL(fileURLWithPath: dir.file("raster.svg"))))
        let vector = try SVGElements.parse(Data(contentsOf: URL(fileURLWithPath: dir.file("vector.svg"))))
        #expect(raster.elements.contains { $0.name == "image" } && raster.paths(withOpacity: "0.5").isEmpty)
        #expect(!vector.elements.contains { $0.name == "image" } && vector.paths(withOpacity: "0.5").count == 60)
    }

    // MARK: Legends

    /// Every filled text element's box, from its anchor, alignment and measured width.
    static func textBoxes(_ path: String, style: FigureStyle) throws -> [(String, Rect)] {
        try SVGTextElements.parse(path).filter(\.isFilled).compactMap { e in
            guard let p = e.anchor, let size = e.fontSize, e.attributes["transform"]?.contains("rotate") == false else { return nil }
            let w = Canvas.measuring(style: style) { $0.textWidth(e.content, size: size, bold: e.attributes["font-weight"] == "bold") }
            let x: Double
            switch e.attributes["text-anchor"] {
            case "middle": x = p.x - w / 2
            case "end": x = p.x - w
            default: x = p.x
            }
            let baseline = p.y + (e.attributes["y"].flatMap(Double.init) ?? 0)
            return (e.content, Rect(x: x, y: baseline - 0.76 * size, width: w, height: size))
        }
    }

    @Test(arguments: LegendPlacement.allCases)
    func legendsStayOnAThreeAndAHalfInchPage(placement: LegendPlacement) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (points, labels) = PaperFigureTests.blobs(classes: 12, perClass: 10, spread: 1.5)
        let style = PaperFigureTests.style { $0.fontSize = 8; $0.legend = placement }
        let names = (0..<12).map { "class number \($0) of the set" }
        let plot = ScatterPlot(points, labels: labels).classNames(names).titled("Twelve classes").styled(style).width(252)
        let page = Rect(x: 0, y: 0, width: plot.size.width, height: plot.size.height)
        #expect(page.width == 252)
        let frame = try plot.legendFrame()
        if placement == .none {
            #expect(frame == nil)
        } else {
            let f = try #require(frame)
            #expect(f.minX >= 0 && f.minY >= 0 && f.maxX <= page.maxX && f.maxY <= page.maxY, "legend \(f) off the page \(page)")
        }
        try plot.write(to: dir.file("legend.svg"))
        let boxes = try PaperFigureTests.textBoxes(dir.file("legend.svg"), style: style)
        #expect(boxes.filter { $0.0.hasPrefix("class number") || $0.0.hasSuffix("…") }.count == (placement == .none ? 0 : 12))
        for (text, box) in boxes {
            #expect(box.minX >= -0.5 && box.maxX <= page.maxX + 0.5 && box.minY >= -0.5 && box.maxY <= page.maxY + 0.5,
                    "'\(text)' at \(box) leaves the \(page.width) × \(page.height) page")
        }
    }

    @Test func aBottomLegendSitsUnderEveryPoint() throws {
        let (points, labels) = PaperFigureTests.blobs(classes: 10, perClass: 10)
        let plot = ScatterPlot(points, labels: labels).styled(PaperFigureTests.style { $0.legend = .bottom }).width(300)
        let legend = try #require(try plot.legendFrame())
        let lowest = try plot.pointPositions().map(\.y).max()!
        #expect(legend.minY > lowest)
        #expect(legend.width > legend.height)     // entries run across, in several columns
    }

    @Test func anInsideLegendTakesTheEmptiestCorner() throws {
        // An L of points: the top-right quarter of the map is empty.
        var rows: [[Float]] = [], labels: [Int] = []
        for k in 0..<60 { rows.append([Float(k % 30) / 3, 0]); labels.append(k % 3) }
        for k in 0..<60 { rows.append([0, Float(k % 30) / 3]); labels.append(k % 3) }
        let plot = ScatterPlot(try Matrix(rows), labels: labels).styled(PaperFigureTests.style { $0.legend = .inside }).width(360)
        let legend = try #require(try plot.legendFrame())
        let xs = try plot.pointPositions().map(\.x), ys = try plot.pointPositions().map(\.y)
        #expect(legend.midX > (xs.min()! + xs.max()!) / 2)
        #expect(legend.midY < (ys.min()! + ys.max()!) / 2)
    }

    @Test func aPanelSharesOneLegend() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (points, labels) = PaperFigureTests.blobs(classes: 3)
        let maps = (0..<4).map { _ in ScatterPlot(points, labels: labels).classNames(["alpha", "beta", "gamma"]).size(width: 200, height: 160) }
        try Panel(maps, columns: 2).write(to: dir.file("own.svg"))
        let shared = Panel(maps, columns: 2).sharingLegend().styled(PaperFigureTests.style { $0.legend = .bottom })
        try shared.write(to: dir.file("shared.svg"))
        func count(_ file: String) throws -> Int { try SVGTextElements.parse(dir.file(file)).filter { $0.content == "beta" }.count }
        #expect(try count("own.svg") == 4)
        #expect(try count("shared.svg") == 1)
        let beta = try #require(try SVGTextElements.parse(dir.file("shared.svg")).first { $0.content == "beta" }?.anchor)
        #expect(beta.y > 2 * 160 && beta.y < shared.size.height)
    }

    @Test func legendSwatchesCarryTheSeriesDashes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try LinePlot().adding("test", y: [3.0, 2.0, 1.0]).adding("train", y: [2.5, 1.5, 0.8], dash: [4, 3])
            .write(to: dir.file("dash.svg"))
        let svg = try SVGElements.parse(Data(contentsOf: URL(fileURLWithPath: dir.file("dash.svg"))))
        // The dashed series and its legend swatch; the solid series and its swatch have none.
        #expect(svg.elements.filter { $0.style.contains("stroke-dasharray:4,3") }.count == 2)
    }

    // MARK: Sizes from the width

    @Test(arguments: [Float(2), Float(0.4)])
    func theHeightFollowsTheWidthWithoutEmptyBands(spread: Float) throws {
        let (points, _) = PaperFigureTests.blobs(classes: 5, spread: spread)
        let plot = ScatterPlot(points).width(252)
        let size = plot.size
        let p = try plot.pointPositions()
        let xs = p.map(\.x), ys = p.map(\.y)
        // Margins of 10 points and 3 % padding on each side: nothing else is left over.
        #expect(abs((xs.max()! - xs.min()!) * 1.06 + 20 - size.width) < 1.5)
        #expect(abs((ys.max()! - ys.min()!) * 1.06 + 20 - size.height) < 1.5)
        #expect(spread > 1 ? size.height < size.width : size.height > size.width)
    }

    @Test func axisLabelsShowOnAScatterWithoutTicks() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (points, labels) = PaperFigureTests.blobs(classes: 3)
        try ScatterPlot(points, labels: labels).axisLabels(x: "t-SNE 1", y: "t-SNE 2").width(300).write(to: dir.file("axes.svg"))
        let texts = try SVGTextElements.parse(dir.file("axes.svg"))
        #expect(texts.contains { $0.content == "t-SNE 1" })
        #expect(texts.contains { $0.content == "t-SNE 2" && $0.attributes["transform"]?.contains("rotate(-90") == true })
    }

    @Test func theThumbnailMapIsAsTallAsItsData() throws {
        let (points, labels) = PaperFigureTests.blobs(classes: 4, perClass: 30, spread: 4)
        let images = TestData.random(rows: points.rows, columns: 16, seed: 2)
        let map = ThumbnailScatter(points, images: images, height: 4, width: 4, labels: labels)
        #expect(map.size.width == 560)
        #expect(map.size.height < 0.6 * 560)
        // A point on the plot's edge gets a thumbnail moved inside rather than none.
        let plot = Rect(x: 10, y: 10, width: 200, height: 100)
        let box = ThumbnailScatter.box(x: 10, y: 110, side: 20, plot: plot)
        #expect(box == Rect(x: 10, y: 90, width: 20, height: 20))
    }

    @Test func aReconstructionGalleryHasCaptionedRowsAndFitsTheWidth() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clean = TestData.random(rows: 12, columns: 36, seed: 3)
        let g = try ImageGallery.reconstructions(original: clean, noisy: clean, reconstructed: clean, height: 6, width: 6, count: 8)
        #expect(abs(g.height(forWidth: g.size.width) - g.size.height) < 1)
        let narrow = g.sized(width: 252, height: nil)
        #expect(narrow.size.height < g.size.height)
        try narrow.write(to: dir.file("rows.svg"))
        let rows = try SVGTextElements.parse(dir.file("rows.svg")).filter { ["original", "noisy", "reconstructed"].contains($0.content) }
        #expect(rows.map(\.content) == ["original", "noisy", "reconstructed"])
        #expect(zip(rows, rows.dropFirst()).allSatisfy { $0.anchor!.y < $1.anchor!.y })
        #expect(rows.allSatisfy { $0.anchor!.y < narrow.size.height })
    }

    // MARK: Compare-figure fixes

    @Test func emptyBinsOnALogAxisLieOnTheBaseline() throws {
        // Bin 0 holds 200 values, bin 9 one, the bins between none.
        let values = [Double](repeating: 0.01, count: 200) + [1.0]
        let h = Histogram(values, bins: 10).logarithmicY()
        let frame = Rect(x: 0, y: 0, width: h.size.width, height: h.size.height)
        let (plot, _, tops) = Canvas.measuring { h.layout(in: $0, frame: frame) }
        #expect(tops[1...8].allSatisfy { $0 == plot.maxY })
        #expect(tops[9] < plot.maxY - 2)
        #expect(tops[0] < tops[9])
        // Drawn: nothing above an empty bin, the bar of the single value above the last.
        let dpi = 72.0
        let image = try h.rasterized(dpi: dpi)
        let binWidth = plot.width / 1.04 / 10
        let empty = pixel(image, at: Point(x: plot.midX, y: plot.maxY - 3), dpi: dpi)
        let single = pixel(image, at: Point(x: plot.maxX - 0.02 / 1.04 * plot.width - binWidth / 2, y: plot.maxY - 1.5), dpi: dpi)
        #expect(channelDistance(empty, .white) < 8)
        #expect(channelDistance(single, .white) > 20)
    }

    @Test func aKLCurveMarksTheEndOfExaggeration() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let its = stride(from: 50.0, through: 750, by: 50).map { $0 }
        try LinePlot().adding("KL", x: its, y: its.map { $0 <= 250 ? 5 - $0 / 1000 : 2.5 - $0 / 1000 })
            .marking(x: 250, "end of exaggeration").write(to: dir.file("kl.svg"))
        let texts = try SVGTextElements.parse(dir.file("kl.svg")).filter(\.isFilled)
        let label = try #require(texts.first { $0.content == "end of exaggeration" })
        let tick200 = try #require(texts.first { $0.content == "200" }?.anchor)
        let tick300 = try #require(texts.first { $0.content == "300" }?.anchor)
        // The label starts just right of x = 250, halfway between the ticks at 200 and 300.
        #expect(abs(label.anchor!.x - (tick200.x + tick300.x) / 2) < 5)
    }
}

private extension FigureStyle {
    func styledSize(_ size: Double) -> FigureStyle {
        var s = self
        s.fontSize = size
        return s
    }
}
