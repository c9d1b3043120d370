import Foundation
import LatentCore

/// A grid of greyscale images with optional captions: samples, reconstructions, interpolations
/// and latent walks.
///
/// Images are the rows of a `Matrix` (one flattened `height × width` image per row, values in
/// [0, 1], 0 black), drawn left to right, top to bottom, with crisp (nearest-neighbour) pixels.
///
/// ```swift
/// try ImageGallery(test.images.rows(0..<40), height: 28, width: 28, columns: 10)
///     .titled("MNIST test digits").write(to: "digits.png")
/// try ImageGallery.reconstructions(original: x, noisy: noisy, reconstructed: y, height: 28, width: 28)
///     .write(to: "reconstructions.pdf")
/// ```
public struct ImageGallery: Figure, CopyModifying {
    /// How pixel values become grey levels.
    public enum Normalization: Sendable, Equatable {
        /// Values are clamped to [0, 1].
        case clamp
        /// Each image is stretched from its own minimum (black) to its maximum (white).
        case perImage
    }

    /// N × (height · width) pixel values.
    public var images: Matrix
    public var imageHeight: Int
    public var imageWidth: Int
    /// Images per row.
    public var columns: Int
    public var title: String?
    /// A caption left of each row.
    public var rowCaptions: [String]?
    /// A caption above each column.
    public var columnCaptions: [String]?
    /// A caption under each image.
    public var imageCaptions: [String]?
    /// A label under the column captions' axis and beside the row captions' axis (latent walks).
    public var columnAxisLabel: String?
    public var rowAxisLabel: String?
    /// Width of each image in points.
    public var cellWidth = 36.0
    /// Space between images in points.
    public var spacing = 2.0
    /// White digits on black (false, the MNIST look) or black on white (true).
    public var inverted = false
    public var normalization: Normalization = .clamp
    public var style = FigureStyle()

    /// A gallery of every row of `images`, `columns` per row (default: up to 10).
    public init(_ images: Matrix, height: Int, width: Int, columns: Int? = nil) {
        self.images = images
        self.imageHeight = height
        self.imageWidth = width
        self.columns = max(1, columns ?? min(10, max(1, images.rows)))
    }

    // MARK: Builder

    public func titled(_ title: String) -> ImageGallery { with { $0.title = title } }
    public func rowCaptions(_ captions: [String]) -> ImageGallery { with { $0.rowCaptions = captions } }
    public func columnCaptions(_ captions: [String]) -> ImageGallery { with { $0.columnCaptions = captions } }
    /// A copy with `captions[k]` under image `k`.
    public func imageCaptions(_ captions: [String]) -> ImageGallery { with { $0.imageCaptions = captions } }
    /// A copy whose images are `width` points wide.
    public func cellWidth(_ width: Double, spacing: Double? = nil) -> ImageGallery {
        with { $0.cellWidth = width; if let spacing { $0.spacing = spacing } }
    }
    public func inverted(_ on: Bool = true) -> ImageGallery { with { $0.inverted = on } }
    public func normalized(_ normalization: Normalization) -> ImageGallery { with { $0.normalization = normalization } }

    // MARK: Kinds of gallery

    /// Rows of originals, optionally their noisy versions, and reconstructions, captioned on the
    /// left (the first row `originalCaption`, e.g. "deskewed" when the model saw deskewed images);
    /// one column per example.
    public static func reconstructions(original: Matrix, noisy: Matrix? = nil, reconstructed: Matrix,
                                       height: Int, width: Int, count: Int = 10,
                                       originalCaption: String = "original") throws -> ImageGallery {
        var parts = [original], names = [originalCaption]
        if let noisy { parts.append(noisy); names.append("noisy") }
        parts.append(reconstructed); names.append("reconstructed")
        for (p, name) in zip(parts, names) where p.rows != original.rows || p.columns != original.columns {
            throw PlotError.lengthMismatch(what: "\(name) images (rows × pixels) to match the originals'",
                                           expected: original.rows * original.columns, got: p.rows * p.columns)
        }
        let n = min(count, original.rows)
        guard n > 0 else { throw PlotError.empty(what: "the original images") }
        let stacked = try Matrix.vstack(parts.map { $0.rows(0..<n) })
        return ImageGallery(stacked, height: height, width: width, columns: n).rowCaptions(names)
    }

    /// A strip of images decoded along a line between two codes, with the mixing weight under
    /// each image (one strip per `weights.count` images; several strips make several rows).
    /// The weights are printed with as few decimals as tell them apart (0, 0.25, 0.5 → "0.00",
    /// "0.25", "0.50"; 14 weights from 0 to 1 → "0.00", "0.08", …).
    public static func interpolation(_ images: Matrix, weights: [Double], height: Int, width: Int) throws -> ImageGallery {
        guard !weights.isEmpty, images.rows % weights.count == 0 else {
            throw PlotError.lengthMismatch(what: "images for \(weights.count) weights per strip (a multiple)",
                                           expected: weights.count * max(1, images.rows / max(1, weights.count)), got: images.rows)
        }
        let labels = Ticks.distinctLabels(for: weights)
        let strips = images.rows / weights.count
        return ImageGallery(images, height: height, width: width, columns: weights.count)
            .imageCaptions(Array((0..<strips).map { _ in labels }.joined()))
    }

    /// Images decoded over a grid of 2-D latent coordinates: `yValues.count` rows (top row =
    /// first y value) by `xValues.count` columns, with the coordinates as captions.
    public static func latentWalk(_ images: Matrix, xValues: [Double], yValues: [Double], height: Int, width: Int,
                                  xLabel: String = "z₁", yLabel: String = "z₂") throws -> ImageGallery {
        guard images.rows == xValues.count * yValues.count else {
            throw PlotError.lengthMismatch(what: "images for a \(yValues.count) × \(xValues.count) latent grid",
                                           expected: xValues.count * yValues.count, got: images.rows)
        }
        func labels(_ v: [Double]) -> [String] { Ticks.distinctLabels(for: v) }
        var g = ImageGallery(images, height: height, width: width, columns: xValues.count)
            .columnCaptions(labels(xValues)).rowCaptions(labels(yValues))
        g.columnAxisLabel = xLabel
        g.rowAxisLabel = yLabel
        g.spacing = 0
        return g
    }

    // MARK: Checks

    public func validate() throws {
        guard imageHeight > 0, imageWidth > 0 else {
            throw PlotError.invalidArgument("image size must be positive, got \(imageHeight) × \(imageWidth)")
        }
        let (pixels, overflow) = imageHeight.multipliedReportingOverflow(by: imageWidth)
        guard !overflow, images.columns == pixels else {
            throw PlotError.lengthMismatch(what: "pixels per image (\(imageHeight) × \(imageWidth))",
                                           expected: overflow ? Int.max : pixels, got: images.columns)
        }
        guard images.rows > 0 else { throw PlotError.empty(what: "the images") }
        if let imageCaptions, imageCaptions.count != images.rows {
            throw PlotError.lengthMismatch(what: "image captions", expected: images.rows, got: imageCaptions.count)
        }
        if let rowCaptions, rowCaptions.count != rowCount {
            throw PlotError.lengthMismatch(what: "row captions", expected: rowCount, got: rowCaptions.count)
        }
        if let columnCaptions, columnCaptions.count != columns {
            throw PlotError.lengthMismatch(what: "column captions", expected: columns, got: columnCaptions.count)
        }
        guard cellWidth > 0, cellWidth <= ImageGallery.maximumCellWidth, spacing >= 0, spacing <= ImageGallery.maximumCellWidth else {
            throw PlotError.invalidArgument("cell width must be in (0, \(Int(ImageGallery.maximumCellWidth))] points and spacing non-negative, got \(cellWidth) and \(spacing)")
        }
    }

    /// The widest gallery cell, in points (a hand span; a larger value is a typing error).
    public static let maximumCellWidth = 1_000.0

    // MARK: Layout

    var rowCount: Int { images.rows / columns + (images.rows % columns == 0 ? 0 : 1) }
    var cellHeight: Double { cellWidth * Double(imageHeight) / Double(imageWidth) }

    /// Room around the grid: left for row captions and the row axis label, above for the
    /// title, column captions and column axis label, and under each row for image captions.
    private func margins(canvas: Canvas) -> (left: Double, top: Double, caption: Double) {
        var left = 0.0
        if let rowCaptions { left += (rowCaptions.map { canvas.textWidth($0, size: style.captionSize) }.max() ?? 0) + 8 * style.scale }
        if rowAxisLabel != nil { left += style.labelSize + 8 * style.scale }
        var top = title == nil ? 0 : style.titleRoom
        if columnAxisLabel != nil { top += style.labelSize + 6 * style.scale }
        if columnCaptions != nil { top += style.captionSize + 5 * style.scale }
        return (left, top, imageCaptions == nil ? 0 : style.captionSize + 5 * style.scale)
    }

    public var size: Size {
        Canvas.measuring(style: style) { canvas in
            let m = margins(canvas: canvas)
            let gridWidth = 2 * style.margin + m.left + Double(columns) * (cellWidth + spacing) - spacing
            // Wide enough for the title too: the grid is centred in any extra width.
            let titleWidth = title.map { canvas.textWidth($0, size: style.titleSize) + 2 * style.margin } ?? 0
            return Size(width: max(gridWidth, titleWidth),
                        height: 2 * style.margin + m.top + Double(rowCount) * (cellHeight + spacing + m.caption) - spacing)
        }
    }

    /// The height when `width` points wide: the cells scaled to fill the width (text keeps
    /// its size), with the margins and captions around them.
    public func height(forWidth width: Double) -> Double {
        Canvas.measuring(style: style) { canvas in
            let m = margins(canvas: canvas)
            let naturalWidth = Double(columns) * (cellWidth + spacing) - spacing
            let s = max(0, width - 2 * style.margin - m.left) / naturalWidth
            return (2 * style.margin + m.top + Double(rowCount) * ((cellHeight + spacing) * s + m.caption) - spacing * s).rounded(.up)
        }
    }

    private struct Layout {
        var origin: Point
        var cell: Size
        var stepX: Double
        var stepY: Double
        var captionHeight: Double
    }

    private func layout(in frame: Rect, canvas: Canvas) -> Layout {
        let m = margins(canvas: canvas)
        let top = frame.minY + style.margin + m.top
        let left = frame.minX + style.margin + m.left
        let captionHeight = m.caption
        let availableWidth = frame.maxX - style.margin - left
        let availableHeight = frame.maxY - style.margin - top
        // Scale cells (and spacing) to fit the frame, keeping each image's aspect.
        let naturalWidth = Double(columns) * (cellWidth + spacing) - spacing
        let naturalHeight = Double(rowCount) * (cellHeight + spacing + captionHeight) - spacing
        let s = min(availableWidth / naturalWidth, (availableHeight - Double(rowCount) * captionHeight) / (naturalHeight - Double(rowCount) * captionHeight))
        let cell = Size(width: cellWidth * s, height: cellHeight * s)
        let gridWidth = naturalWidth * s
        let origin = Point(x: left + max(0, (availableWidth - gridWidth) / 2), y: top)
        return Layout(origin: origin, cell: cell, stepX: (cellWidth + spacing) * s,
                      stepY: (cellHeight + spacing) * s + captionHeight, captionHeight: captionHeight)
    }

    /// Where each image is drawn when the gallery fills its own `size`: one rectangle per image.
    public func imageFrames() -> [Rect] {
        Canvas.measuring(style: style) { canvas in
            let l = layout(in: Rect(x: 0, y: 0, width: size.width, height: size.height), canvas: canvas)
            return (0..<images.rows).map { k in
                Rect(x: l.origin.x + Double(k % columns) * l.stepX, y: l.origin.y + Double(k / columns) * l.stepY,
                     width: l.cell.width, height: l.cell.height)
            }
        }
    }

    // MARK: Drawing

    public func draw(in canvas: Canvas, frame: Rect) throws {
        try validate()
        let l = layout(in: frame, canvas: canvas)
        if let title {
            canvas.text(fitted(title, width: frame.width - 2 * style.margin, size: style.titleSize, canvas: canvas),
                        at: Point(x: frame.midX, y: frame.minY + style.margin), size: style.titleSize,
                        horizontal: .center, vertical: .top)
        }
        let gridRight = l.origin.x + Double(columns - 1) * l.stepX + l.cell.width
        let gridBottom = l.origin.y + Double(rowCount - 1) * l.stepY + l.cell.height
        if spacing == 0 {
            // Touching images: a backing in the images' zero colour hides anti-aliased seams.
            canvas.fill(Rect(x: l.origin.x, y: l.origin.y, width: gridRight - l.origin.x, height: gridBottom - l.origin.y),
                        color: inverted ? .white : .black)
        }
        let pixelsPerImage = imageHeight * imageWidth
        var scratch = [Float](repeating: 0, count: pixelsPerImage)
        images.withUnsafeBufferPointer { all in
            for k in 0..<images.rows {
                let rect = Rect(x: l.origin.x + Double(k % columns) * l.stepX, y: l.origin.y + Double(k / columns) * l.stepY,
                                width: l.cell.width, height: l.cell.height)
                let source = UnsafeBufferPointer(rebasing: all[(k * pixelsPerImage)..<((k + 1) * pixelsPerImage)])
                switch normalization {
                case .clamp:
                    canvas.greyImage(source, height: imageHeight, width: imageWidth, in: rect, inverted: inverted)
                case .perImage:
                    var lo = Float.infinity, hi = -Float.infinity
                    for v in source where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
                    let span = hi > lo ? hi - lo : 1
                    for j in 0..<pixelsPerImage { scratch[j] = (source[j] - lo) / span }
                    scratch.withUnsafeBufferPointer {
                        canvas.greyImage($0, height: imageHeight, width: imageWidth, in: rect, inverted: inverted)
                    }
                }
                if let imageCaptions {
                    canvas.text(fitted(imageCaptions[k], width: l.stepX + 4, size: style.captionSize, canvas: canvas),
                                at: Point(x: rect.midX, y: rect.maxY + 3), size: style.captionSize, color: .axisGrey,
                                horizontal: .center, vertical: .top)
                }
            }
        }
        if let columnCaptions {
            for (c, caption) in columnCaptions.enumerated() {
                canvas.text(caption, at: Point(x: l.origin.x + Double(c) * l.stepX + l.cell.width / 2, y: l.origin.y - 4),
                            size: style.captionSize, color: .axisGrey, horizontal: .center, vertical: .bottom)
            }
        }
        if let columnAxisLabel {
            let y = l.origin.y - (columnCaptions == nil ? 4 : style.captionSize + 8)
            canvas.text(columnAxisLabel, at: Point(x: (l.origin.x + gridRight) / 2, y: y), size: style.labelSize,
                        horizontal: .center, vertical: .bottom)
        }
        var captionLeft = l.origin.x
        if let rowCaptions {
            for (r, caption) in rowCaptions.enumerated() {
                canvas.text(caption, at: Point(x: l.origin.x - 6, y: l.origin.y + Double(r) * l.stepY + l.cell.height / 2),
                            size: style.captionSize, color: .axisGrey, horizontal: .trailing, vertical: .middle)
            }
            captionLeft -= (rowCaptions.map { canvas.textWidth($0, size: style.captionSize) }.max() ?? 0) + 6
        }
        if let rowAxisLabel {
            canvas.text(rowAxisLabel, at: Point(x: captionLeft - 4, y: (l.origin.y + gridBottom) / 2), size: style.labelSize,
                        horizontal: .center, vertical: .bottom, rotation: 90)
        }
    }
}
