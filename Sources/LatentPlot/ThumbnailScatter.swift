import Foundation
import LatentCore

/// A scatter plot with small images drawn at the positions of a non-overlapping subset of the
/// points, so a reader sees what each region of an embedding holds.
///
/// The thumbnails are chosen greedily in a seeded random order: a point gets its image when the
/// image would not overlap one already placed. Each thumbnail has a frame in its class colour.
///
/// ```swift
/// try ThumbnailScatter(embedding, images: test.images, height: 28, width: 28, labels: test.labels)
///     .titled("MNIST t-SNE with digits").write(to: "thumbnails.pdf")
/// ```
public struct ThumbnailScatter: Figure {
    /// The scatter plot underneath (points, labels, colours, legend, size).
    public var scatter: ScatterPlot
    /// N × (height · width) images, one per point.
    public var images: Matrix
    public var imageHeight: Int
    public var imageWidth: Int
    /// Side of each thumbnail in points.
    public var thumbnailSize = 20.0
    /// Free space kept around each thumbnail, as a fraction of its side.
    public var clearance = 0.35
    /// At most this many thumbnails.
    public var maximumCount = 80
    /// Seed of the order in which points are offered a thumbnail.
    public var seed: UInt64 = 0
    /// White digits on black (false) or black on white (true).
    public var inverted = false

    public init(_ points: Matrix, images: Matrix, height: Int, width: Int, labels: [Int]? = nil) {
        scatter = ScatterPlot(points, labels: labels)
        scatter.opacity = 0.35
        scatter.width = 560
        self.images = images
        self.imageHeight = height
        self.imageWidth = width
    }

    /// 560 points wide and as tall as the map's aspect needs, unless set.
    public var size: Size {
        get { scatter.size }
        set { scatter.size = newValue }
    }
    public var style: FigureStyle {
        get { scatter.style }
        set { scatter.style = newValue }
    }
    public func height(forWidth width: Double) -> Double { scatter.height(forWidth: width) }

    public func titled(_ title: String) -> ThumbnailScatter { var c = self; c.scatter.title = title; return c }
    public func classNames(_ names: [String]) -> ThumbnailScatter { var c = self; c.scatter.classNames = names; return c }
    /// A copy with thumbnails `size` points wide, at most `maximumCount` of them.
    public func thumbnails(size: Double, maximumCount: Int? = nil) -> ThumbnailScatter {
        var c = self; c.thumbnailSize = size; if let maximumCount { c.maximumCount = maximumCount }; return c
    }
    public func seed(_ seed: UInt64) -> ThumbnailScatter { var c = self; c.seed = seed; return c }
    public func inverted(_ on: Bool = true) -> ThumbnailScatter { var c = self; c.inverted = on; return c }
    public func size(width: Double, height: Double) -> ThumbnailScatter { var c = self; c.scatter.size = Size(width: width, height: height); return c }

    public func validate() throws {
        try scatter.validate()
        guard scatter.points.columns == 2 else {
            throw PlotError.invalidArgument("thumbnails need a 2-D embedding (N × 2), got N × \(scatter.points.columns)")
        }
        guard imageHeight > 0, imageWidth > 0, images.columns == imageHeight * imageWidth else {
            throw PlotError.lengthMismatch(what: "pixels per image (\(imageHeight) × \(imageWidth))",
                                           expected: imageHeight * imageWidth, got: images.columns)
        }
        guard images.rows == scatter.points.rows else {
            throw PlotError.lengthMismatch(what: "images for \(scatter.points.rows) points", expected: scatter.points.rows, got: images.rows)
        }
        guard thumbnailSize > 0, thumbnailSize <= ImageGallery.maximumCellWidth, maximumCount >= 0 else {
            throw PlotError.invalidArgument("thumbnail size must be in (0, \(Int(ImageGallery.maximumCellWidth))] points and the count non-negative, got \(thumbnailSize) and \(maximumCount)")
        }
    }

    /// The thumbnail box of a point at (`x`, `y`): centred on it, and moved inside `plot` when
    /// the point lies within half a side of the edge (so the map's rim gets thumbnails too).
    static func box(x: Double, y: Double, side: Double, plot: Rect) -> Rect {
        Rect(x: min(max(x - side / 2, plot.minX), plot.maxX - side), y: min(max(y - side / 2, plot.minY), plot.maxY - side),
             width: side, height: side)
    }

    /// Indices of the points that get a thumbnail, given their figure positions.
    static func chooseThumbnails(x: [Double], y: [Double], plot: Rect, side: Double, clearance: Double, maximumCount: Int, seed: UInt64) -> [Int] {
        var rng = SeededGenerator(seed: seed)
        var order = Array(x.indices)
        order.shuffle(using: &rng)
        // A grid of cells one padded thumbnail wide: conflicts only occur with the 3 × 3 neighbours.
        let cellSide = side * (1 + clearance)
        let columns = max(1, Int(plot.width / cellSide) + 1)
        var occupied: [Int: [Rect]] = [:]
        var chosen: [Int] = []
        for k in order where chosen.count < maximumCount {
            guard side <= plot.width, side <= plot.height else { break }
            let r = box(x: x[k], y: y[k], side: side, plot: plot)
            let cx = Int((r.midX - plot.minX) / cellSide), cy = Int((r.midY - plot.minY) / cellSide)
            var free = true
            search: for dy in -1...1 {
                for dx in -1...1 {
                    for other in occupied[(cy + dy) * columns + cx + dx] ?? [] where other.intersects(r.inset(by: -side * clearance)) {
                        free = false
                        break search
                    }
                }
            }
            if free {
                occupied[cy * columns + cx, default: []].append(r)
                chosen.append(k)
            }
        }
        return chosen
    }

    public func draw(in canvas: Canvas, frame: Rect) throws {
        try validate()
        let (plot, xs, ys, _) = try scatter.render(in: canvas, frame: frame)
        let chosen = ThumbnailScatter.chooseThumbnails(x: xs, y: ys, plot: plot, side: thumbnailSize, clearance: clearance,
                                                       maximumCount: maximumCount, seed: seed)
        let coloring = scatter.classColoring()
        let pixels = imageHeight * imageWidth
        images.withUnsafeBufferPointer { all in
            for k in chosen {
                let r = ThumbnailScatter.box(x: xs[k], y: ys[k], side: thumbnailSize, plot: plot)
                canvas.greyImage(UnsafeBufferPointer(rebasing: all[(k * pixels)..<((k + 1) * pixels)]),
                                 height: imageHeight, width: imageWidth, in: r, inverted: inverted)
                let border = coloring.map { $0.colors[$0.classes.indices[k]] } ?? scatter.color
                canvas.stroke(r, color: border, lineWidth: 1.2)
            }
        }
        try canvas.checkStatus("drawing thumbnails")
    }
}
