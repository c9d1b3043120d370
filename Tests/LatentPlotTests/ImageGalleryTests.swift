import Foundation
import LatentCore
import LatentPlot
import TestSupport
import Testing

@Suite struct ImageGalleryTests {
    /// `count` 8 × 6 images, each black with one bright pixel at a position that depends on k.
    func markedImages(_ count: Int) -> Matrix {
        var m = Matrix(rows: count, columns: 48)
        for k in 0..<count { m[k, (k % 8) * 6 + (k * 5) % 6] = 1 }
        return m
    }

    @Test func theImageInEachCellIsWhereItShouldBe() throws {
        let images = markedImages(12)
        let gallery = ImageGallery(images, height: 8, width: 6, columns: 5).titled("Cells")
        let frames = gallery.imageFrames()
        #expect(frames.count == 12)
        let dpi = 144.0
        let picture = try gallery.rasterized(dpi: dpi)
        for k in 0..<12 {
            // Row then column: image k is in row k / 5, column k % 5, left to right.
            #expect(frames[k].minY > (k >= 5 ? frames[k - 5].maxY : 0))
            if k % 5 > 0 { #expect(frames[k].minX > frames[k - 1].maxX) }
            let row = k % 8, column = (k * 5) % 6
            let f = frames[k]
            let bright = Point(x: f.minX + (Double(column) + 0.5) * f.width / 6, y: f.minY + (Double(row) + 0.5) * f.height / 8)
            #expect(channelDistance(pixel(picture, at: bright, dpi: dpi), .white) < 2, "image \(k)")
            let dark = Point(x: f.minX + (Double((column + 3) % 6) + 0.5) * f.width / 6, y: bright.y)
            #expect(channelDistance(pixel(picture, at: dark, dpi: dpi), .black) < 2, "image \(k)")
        }
    }

    @Test func pixelsStayCrispWhenScaledUp() throws {
        var m = Matrix(rows: 1, columns: 4)
        m[0, 0] = 1; m[0, 3] = 1   // a 2 × 2 checkerboard
        let gallery = ImageGallery(m, height: 2, width: 2).cellWidth(100)
        let picture = try gallery.rasterized(dpi: 72)
        let f = gallery.imageFrames()[0]
        // Nearest-neighbour: a quarter-pixel from the boundary is still pure black or white.
        let y = Int(f.minY + f.height * 0.25)
        #expect(channelDistance(picture.color(x: Int(f.midX) - 3, y: y), .white) < 1)
        #expect(channelDistance(picture.color(x: Int(f.midX) + 3, y: y), .black) < 1)
    }

    @Test func reconstructionsHaveOneCaptionedRowPerKind() throws {
        let x = markedImages(6)
        let g = try ImageGallery.reconstructions(original: x, noisy: x, reconstructed: x, height: 8, width: 6, count: 4)
        #expect(g.images.rows == 12 && g.columns == 4)
        #expect(g.rowCaptions == ["original", "noisy", "reconstructed"])
        #expect(throws: PlotError.self) {
            try ImageGallery.reconstructions(original: x, reconstructed: x.rows(0..<5), height: 8, width: 6)
        }
    }

    @Test func interpolationCaptionsShowEachWeightExactly() throws {
        let g = try ImageGallery.interpolation(markedImages(5), weights: [0, 0.25, 0.5, 0.75, 1], height: 8, width: 6)
        #expect(g.imageCaptions == ["0.00", "0.25", "0.50", "0.75", "1.00"])
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try g.write(to: dir.file("interp.svg"))
        _ = try SVGElements.parse(Data(contentsOf: URL(fileURLWithPath: dir.file("interp.svg"))))
    }

    @Test func latentWalkIsAGridLabelledWithItsCoordinates() throws {
        let g = try ImageGallery.latentWalk(markedImages(6), xValues: [-1, 0, 1], yValues: [1, -1], height: 8, width: 6)
        #expect(g.columns == 3 && g.columnCaptions == ["\u{2212}1", "0", "1"] && g.rowCaptions == ["1", "\u{2212}1"])
        #expect(throws: PlotError.self) {
            try ImageGallery.latentWalk(markedImages(5), xValues: [-1, 0, 1], yValues: [1, -1], height: 8, width: 6)
        }
        _ = try g.rasterized(dpi: 72)
    }

    @Test func aTitleWiderThanTheGridWidensTheFigureAndKeepsTheCellsWhole() throws {
        let plain = ImageGallery(markedImages(2), height: 8, width: 6, columns: 2)
        let titled = plain.titled("A title much wider than two small images side by side")
        #expect(titled.size.width > plain.size.width + 100)
        let a = plain.imageFrames(), b = titled.imageFrames()
        #expect(zip(a, b).allSatisfy { abs($0.width - $1.width) < 1e-9 && abs($0.height - $1.height) < 1e-9 })
        // The grid is centred under the title.
        let left = b[0].minX, right = b[1].maxX
        #expect(abs((left + right) / 2 - titled.size.width / 2) < 1)
    }

    @Test func wrongImageSizeOrCaptionCountIsAnError() {
        #expect(throws: PlotError.lengthMismatch(what: "pixels per image (7 × 7)", expected: 49, got: 48)) {
            try ImageGallery(markedImages(3), height: 7, width: 7).rasterized()
        }
        #expect(throws: PlotError.self) {
            try ImageGallery(markedImages(3), height: 8, width: 6).imageCaptions(["a"]).rasterized()
        }
    }

    @Test func vectorGalleriesEmbedOneImagePerCell() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try ImageGallery(markedImages(7), height: 8, width: 6, columns: 4).write(to: dir.file("g.svg"))
        let svg = try SVGElements.parse(Data(contentsOf: URL(fileURLWithPath: dir.file("g.svg"))))
        #expect(svg.elements.filter { $0.name == "image" }.count == 7)
        try ImageGallery(markedImages(7), height: 8, width: 6).write(to: dir.file("g.pdf"))
        #expect(dir.contents() == ["g.pdf", "g.svg"])
    }
}
