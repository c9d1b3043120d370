import Foundation
import LatentCore

/// A scatter plot of a 2-D (or 3-D) embedding, coloured by class, by a value, or in one colour.
///
/// Points are discs whose size and opacity follow from N unless set. Classes are drawn in a
/// seeded random order, so no class paints over another; the legend sits outside the plot on
/// the right; x and y share one scale (equal aspect), as an embedding's distances demand.
///
/// ```swift
/// try ScatterPlot(embedding, labels: test.labels)
///     .titled("MNIST, AE-20 + t-SNE")
///     .classNames(ClassNames.digits)
///     .clusterLabels()
///     .write(to: "mnist-tsne.svg")
///
/// try ScatterPlot(embedding).colored(by: errors, label: "reconstruction error").write(to: "errors.png")
/// ```
public struct ScatterPlot: Figure, CopyModifying {
    /// Which axes of the axes style to draw.
    public enum AxesStyle: Sendable, Equatable {
        /// No frame, no ticks: t-SNE coordinates mean nothing by themselves.
        case hidden
        /// A thin frame around the points.
        case frame
        /// Frame, ticks and tick labels.
        case ticks
    }

    /// How points with more than two coordinates become 2-D.
    public enum Projection: Sendable, Equatable {
        /// Two of the columns (0-based), e.g. `.columns(0, 2)`.
        case columns(Int, Int)
        /// An orthographic view of the first three columns, turned by `azimuth` about the
        /// vertical axis and tilted by `elevation` (degrees); nearer points are drawn last.
        case rotated(azimuth: Double, elevation: Double)
    }

    /// N × D coordinates, one point per row (D ≥ 2).
    public var points: Matrix
    /// One class label (≥ 0) per point, or `nil`.
    public var labels: [Int]?
    /// One value per point for a continuous colour map, or `nil`.
    public var values: [Float]?
    public var title: String?
    /// Class colours (labelled data).
    public var palette: Palette = .tab10
    /// Class names indexed by label; labels without a name show their number.
    public var classNames: [String]?
    /// Whether a legend (labelled) or colour bar (values) is drawn; where, `style.legend` says.
    public var showsLegend = true
    public var axesStyle: AxesStyle = .hidden
    public var xLabel: String?
    public var yLabel: String?
    /// Disc radius in points; `nil` chooses from N.
    public var pointRadius: Double?
    /// Disc opacity in (0, 1]; `nil` chooses from N.
    public var opacity: Double?
    /// Seed of the random drawing order.
    public var seed: UInt64 = 0
    /// Whether each class's name is written at the median of its points.
    public var showsClusterLabels = false
    /// The colour of unlabelled points without values.
    public var color = Color(hex: 0x1F77B4)
    public var colorMap: ColorMap = .viridisLike
    /// The name of the value on the colour bar.
    public var colorBarLabel: String?
    public var projection: Projection = .columns(0, 1)
    public var pointRendering: PointRendering = .default
    /// Points drawn first, in `backgroundColor`, beneath `points` and on the same axes (a map
    /// under points placed into it); nil: none.
    public var background: Matrix?
    /// The colour (with its opacity) of the background points.
    public var backgroundColor = Color(hex: 0xBDBDBD).withAlpha(0.35)
    /// The figure size in points; by default 500 wide (or `width`) and as tall as the data's
    /// aspect needs, legend and axis labels included.
    public var size: Size {
        get { explicitSize ?? Size(width: width, height: height(forWidth: width)) }
        set { explicitSize = newValue }
    }
    private var explicitSize: Size?
    /// The width when no size is set, in points (default 500); the height follows.
    public var width = 500.0
    public var style = FigureStyle()

    /// A scatter plot of `points` (N × D, D ≥ 2), coloured by `labels` when given.
    public init(_ points: Matrix, labels: [Int]? = nil) {
        self.points = points
        self.labels = labels
    }

    // MARK: Builder

    /// A copy with `title` above the plot.
    public func titled(_ title: String) -> ScatterPlot { with { $0.title = title } }
    public func palette(_ palette: Palette) -> ScatterPlot { with { $0.palette = palette } }
    /// A copy whose legend names class `k` `names[k]`.
    public func classNames(_ names: [String]) -> ScatterPlot { with { $0.classNames = names } }
    public func legend(_ shown: Bool) -> ScatterPlot { with { $0.showsLegend = shown } }
    /// A copy with axes of `style`; `x` and `y` (when given) title the axes in any style.
    public func axes(_ style: AxesStyle, x: String? = nil, y: String? = nil) -> ScatterPlot {
        with { $0.axesStyle = style; if let x { $0.xLabel = x }; if let y { $0.yLabel = y } }
    }
    /// A copy whose axes are titled `x` and `y` (drawn with hidden axes too).
    public func axisLabels(x: String?, y: String?) -> ScatterPlot { with { $0.xLabel = x; $0.yLabel = y } }
    /// A copy with discs of `radius` points (and opacity `opacity`, if given).
    public func pointSize(_ radius: Double, opacity: Double? = nil) -> ScatterPlot {
        with { $0.pointRadius = radius; if let opacity { $0.opacity = opacity } }
    }
    public func opacity(_ alpha: Double) -> ScatterPlot { with { $0.opacity = alpha } }
    /// A copy drawn in the random order of `seed`.
    public func shuffled(seed: UInt64) -> ScatterPlot { with { $0.seed = seed } }
    /// A copy with class names written at the cluster medians.
    public func clusterLabels(_ shown: Bool = true) -> ScatterPlot { with { $0.showsClusterLabels = shown } }
    /// A copy in one colour (unlabelled data).
    public func color(_ color: Color) -> ScatterPlot { with { $0.color = color } }
    /// A copy coloured by `values` through `map`, with a colour bar titled `label`.
    public func colored(by values: [Float], map: ColorMap = .viridisLike, label: String? = nil) -> ScatterPlot {
        with { $0.values = values; $0.colorMap = map; $0.colorBarLabel = label }
    }
    public func projection(_ projection: Projection) -> ScatterPlot { with { $0.projection = projection } }
    public func pointRendering(_ rendering: PointRendering) -> ScatterPlot { with { $0.pointRendering = rendering } }
    /// A copy drawn over `background` (same columns as `points`), faded to `color`.
    public func over(_ background: Matrix, color: Color = Color(hex: 0xBDBDBD).withAlpha(0.35)) -> ScatterPlot {
        with { $0.background = background; $0.backgroundColor = color }
    }
    /// A copy of `width × height` points (1/72 inch).
    public func size(width: Double, height: Double) -> ScatterPlot { with { $0.size = Size(width: width, height: height) } }
    /// A copy `width` points wide whose height follows from the data's aspect.
    public func width(_ width: Double) -> ScatterPlot { with { $0.width = width; $0.explicitSize = nil } }

    /// One plot per pair of the first `min(D, 4)` columns, side by side in one panel, for 3-D
    /// (or higher) embeddings.
    public func pairs() -> Panel {
        let d = min(points.columns, 4)
        var plots: [any Figure] = []
        var pairs: [(Int, Int)] = []
        for i in 0..<d { for j in (i + 1)..<max(i + 1, d) { pairs.append((i, j)) } }
        for (k, (i, j)) in pairs.enumerated() {
            let side = min(size.height, 360.0)
            var p = self.projection(.columns(i, j)).legend(showsLegend && k == pairs.count - 1)
            p.title = "dimensions \(i + 1) and \(j + 1)"
            p.size = Size(width: p.showsLegend ? side + 90 : side, height: side)
            plots.append(p)
        }
        return Panel(plots, columns: min(pairs.count, 3)).titled(title ?? "")
    }

    // MARK: Checks

    public func validate() throws {
        let n = points.rows
        guard n > 0 else { throw PlotError.empty(what: "the points") }
        guard points.columns >= 2 else {
            throw PlotError.invalidArgument("a scatter plot needs at least 2 columns per point, got \(points.columns)")
        }
        if let (row, _) = points.firstNonFinite() { throw PlotError.nonFinite(what: "point", index: row) }
        if let labels {
            guard labels.count == n else { throw PlotError.lengthMismatch(what: "labels for \(n) points", expected: n, got: labels.count) }
            if let bad = labels.firstIndex(where: { $0 < 0 }) {
                throw PlotError.invalidArgument("label \(labels[bad]) of point \(bad) is negative; labels must be 0, 1, 2, …")
            }
        }
        if let values {
            guard values.count == n else { throw PlotError.lengthMismatch(what: "values for \(n) points", expected: n, got: values.count) }
            if let bad = values.firstIndex(where: { !$0.isFinite }) { throw PlotError.nonFinite(what: "value", index: bad) }
        }
        switch projection {
        case .columns(let i, let j):
            guard i >= 0, j >= 0, i < points.columns, j < points.columns, i != j else {
                throw PlotError.invalidArgument("projection columns (\(i), \(j)) must be two different columns of 0..<\(points.columns)")
            }
        case .rotated:
            guard points.columns >= 3 else { throw PlotError.invalidArgument("a rotated view needs 3 columns, got \(points.columns)") }
        }
        if let background {
            guard background.columns == points.columns else {
                throw PlotError.invalidArgument("background points have \(background.columns) columns, the points \(points.columns)")
            }
            if let (row, _) = background.firstNonFinite() { throw PlotError.nonFinite(what: "background point", index: row) }
        }
        if let pointRadius, !(pointRadius > 0 && pointRadius <= ScatterPlot.maximumRadius) {
            throw PlotError.invalidArgument("point radius must be in (0, \(Int(ScatterPlot.maximumRadius))] points, got \(pointRadius)")
        }
        if let opacity, !(opacity > 0 && opacity <= 1) {
            throw PlotError.invalidArgument("opacity must be in (0, 1], got \(opacity)")
        }
    }

    /// The largest disc radius, in points (a fifth of the default figure's width).
    public static let maximumRadius = 100.0

    // MARK: Defaults from N

    /// The disc radius used for `count` points: 2.8 pt for 100 points, 0.9 pt for 10,000,
    /// 0.6 pt from 50,000 on (diameter 18 / N^¼, between 1.2 and 7 points).
    public static func defaultRadius(count: Int) -> Double {
        min(7, max(1.2, 18 / pow(Double(max(count, 1)), 0.25))) * 0.5
    }

    /// The opacity used for `count` points: 0.9 up to 1,000 points, falling to 0.6 at 70,000.
    public static func defaultOpacity(count: Int) -> Double {
        min(0.9, max(0.5, 1.35 - 0.15 * log10(Double(max(count, 1)))))
    }

    // MARK: Drawing

    /// The 2-D coordinates of every point, and for rotated views each point's depth.
    func projectedCoordinates() -> (x: [Double], y: [Double], depth: [Double]?) {
        let n = points.rows
        var xs = [Double](repeating: 0, count: n), ys = xs
        switch projection {
        case .columns(let i, let j):
            for k in 0..<n { xs[k] = Double(points[k, i]); ys[k] = Double(points[k, j]) }
            return (xs, ys, nil)
        case .rotated(let azimuth, let elevation):
            let a = azimuth * .pi / 180, e = elevation * .pi / 180
            var depth = [Double](repeating: 0, count: n)
            for k in 0..<n {
                let x = Double(points[k, 0]), y = Double(points[k, 1]), z = Double(points[k, 2])
                let x1 = x * cos(a) - y * sin(a), y1 = x * sin(a) + y * cos(a)
                xs[k] = x1
                ys[k] = z * cos(e) - y1 * sin(e)
                depth[k] = y1 * cos(e) + z * sin(e)
            }
            return (xs, ys, depth)
        }
    }

    /// The 2-D coordinates and the drawing order: far to near for rotated views, by increasing
    /// value for coloured values (the extremes on top), else a seeded shuffle.
    func projected() -> (x: [Double], y: [Double], order: [Int]) {
        let (xs, ys, depth) = projectedCoordinates()
        var order = Array(0..<xs.count)
        if let depth {
            order.sort { depth[$0] > depth[$1] || (depth[$0] == depth[$1] && $0 < $1) }
        } else if let values {
            order.sort { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        } else {
            var rng = SeededGenerator(seed: seed)
            order.shuffle(using: &rng)
        }
        return (xs, ys, order)
    }

    /// The height at which the equal-aspect plot fills `width` exactly, with the title, axes
    /// and legend around it: found by laying the plot out and removing (or adding) the spare
    /// height, a few times, since a legend beside the plot has as many rows as its height allows.
    /// The data's aspect is held within 1 : 4 and 4 : 1 (a longer strip would be unreadable).
    public func height(forWidth width: Double) -> Double {
        guard points.rows > 0, points.columns >= 2, validProjection, points.firstNonFinite() == nil,
              width > 0, width.isFinite else { return (width * 0.84).rounded() }
        return Canvas.measuring(style: style) { canvas in
            var plot = self
            plot.explicitSize = nil
            var height = width * 0.84
            for _ in 0..<4 {
                let frame = Rect(x: 0, y: 0, width: width, height: height)
                let l = plot.arrange(in: frame, canvas: canvas)
                let spare = l.area.height - l.plot.height
                let short = (l.area.width - l.plot.width) * l.aspect
                let next = spare > 0.5 ? height - spare : short > 0.5 ? height + short : height
                if abs(next - height) < 0.5 { break }
                height = min(next, maximumFigureSide)
            }
            return height.rounded(.up)
        }
    }

    private var validProjection: Bool {
        switch projection {
        case .columns(let i, let j): return i >= 0 && j >= 0 && i < points.columns && j < points.columns
        case .rotated: return points.columns >= 3
        }
    }

    /// The classes of the labels (distinct values) and each class's colour: small class numbers
    /// take palette entry `label`, so a digit keeps its colour in every subset; other labels
    /// (large or sparse identifiers) take the palette in ascending order.
    func classColoring() -> (classes: LabelClasses, colors: [Color])? {
        labels.map { ScatterPlot.classColoring($0, palette: palette) }
    }

    static func classColoring(_ labels: [Int], palette: Palette) -> (classes: LabelClasses, colors: [Color]) {
        let classes = LabelClasses(labels)
        if classes.isSmall {
            let colors = palette.colors(count: (classes.values.last ?? 0) + 1)
            return (classes, classes.values.map { colors[$0] })
        }
        return (classes, palette.colors(count: max(classes.count, 1)))
    }

    /// One legend entry per class: its name and colour.
    func legendEntries() -> [LegendEntry] {
        guard let (classes, colors) = classColoring() else { return [] }
        return classes.values.indices.map { LegendEntry(name: className(classes.values[$0]), color: colors[$0]) }
    }

    func className(_ k: Int) -> String {
        if let classNames, k < classNames.count { return classNames[k] }
        return String(k)
    }

    public func draw(in canvas: Canvas, frame: Rect) throws {
        _ = try render(in: canvas, frame: frame)
    }

    /// Where each point's centre lands when the plot fills its own `size`, in points from the
    /// top-left corner (multiply by dpi / 72 for PNG pixels), in the order of `points`.
    /// - Throws: `PlotError` when the data is invalid.
    public func pointPositions() throws -> [Point] {
        try Canvas.measuring(style: style) { canvas in
            let (_, xs, ys, _) = try render(in: canvas, frame: Rect(x: 0, y: 0, width: size.width, height: size.height))
            return zip(xs, ys).map { Point(x: $0, y: $1) }
        }
    }

    /// Where the parts of the plot go inside a frame.
    struct Arrangement {
        /// The box of the points (equal aspect) and the room it could have taken.
        var plot: Rect
        var area: Rect
        var content: Rect
        var xAxis: Axis
        var yAxis: Axis
        /// dy / dx of the data, as drawn.
        var aspect: Double
        var legend: Legend?
        var legendPlacement: Legend.Placement?
        var colorBar: ColorBar?
        var legendNote: String?
        var gap: Double
    }

    /// The padded data ranges of the points and background points.
    private func axisRanges(_ xs: [Double], _ ys: [Double], _ bxs: [Double], _ bys: [Double]) -> (Axis, Axis, Double) {
        let pad = axesStyle == .ticks ? 0.04 : 0.03
        let xAxis = Axis(minimum: min(xs.min()!, bxs.min() ?? .infinity), maximum: max(xs.max()!, bxs.max() ?? -.infinity), padding: pad)
        let yAxis = Axis(minimum: min(ys.min()!, bys.min() ?? .infinity), maximum: max(ys.max()!, bys.max() ?? -.infinity), padding: pad)
        let aspect = min(4, max(0.25, (yAxis.upper - yAxis.lower) / (xAxis.upper - xAxis.lower)))
        return (xAxis, yAxis, aspect)
    }

    /// Lays the plot out in `frame`: title, legend or colour bar (placed by `style.legend`),
    /// axes and the equal-aspect box of the points, centred with its legend.
    func arrange(in frame: Rect, canvas: Canvas) -> Arrangement {
        let (xs, ys, _) = projectedCoordinates()
        let (bxs, bys) = background.map { b in with { $0.points = b }.projectedCoordinates() }.map { ($0.x, $0.y) } ?? ([], [])
        let (xAxis0, yAxis0, aspect) = axisRanges(xs, ys, bxs, bys)
        var xAxis = xAxis0, yAxis = yAxis0
        // A data range held to 1 : 4 widens the shorter axis about its centre.
        let dx0 = xAxis.upper - xAxis.lower, dy0 = yAxis.upper - yAxis.lower
        if dy0 / dx0 > aspect * 1.0001 {
            let c = (xAxis.upper + xAxis.lower) / 2
            xAxis.lower = c - dy0 / aspect / 2; xAxis.upper = c + dy0 / aspect / 2
        } else if dy0 / dx0 < aspect / 1.0001 {
            let c = (yAxis.upper + yAxis.lower) / 2
            yAxis.lower = c - dx0 * aspect / 2; yAxis.upper = c + dx0 * aspect / 2
        }
        var content = drawTitle(title, in: canvas, frame: frame, style: style).inset(left: style.margin, bottom: style.margin, right: style.margin)
        // Legend or colour bar.
        let coloring = classColoring()
        var legend: Legend?, colorBar: ColorBar?, legendNote: String?
        var placement: Legend.Placement?
        let gap = 14.0 * style.scale
        if showsLegend, style.legend != .none, coloring != nil {
            legend = Legend(entries: legendEntries(), style: style)
        } else if showsLegend, style.legend != .none, let values {
            colorBar = ColorBar(map: colorMap, lower: Double(values.min()!), upper: Double(values.max()!), label: colorBarLabel, style: style)
        }
        let nameLimit = min(160 * style.scale, content.width * 0.28)
        if let l = legend {
            // Rows beside the plot: as many as the plot's height would hold if it filled the width.
            let guessHeight = min(content.height, content.width * aspect)
            placement = l.place(style.legend, content: content, rightHeight: guessHeight, nameLimit: nameLimit, canvas: canvas)
            if placement == nil {
                // Too many classes even under the plot: a note instead of a squeezed plot.
                legend = nil
                legendNote = "\(l.entries.count) classes: too many for a legend"
                content = content.inset(bottom: style.tickSize * 1.6)
            }
        }
        var room = Legend.room(placement, gap: gap)
        if let colorBar { room.right = colorBar.width(canvas: canvas) + gap }
        var area = content.inset(bottom: room.bottom, right: room.right)
        let plotArea = area
        if axesStyle == .ticks {
            let m = Axes.margins(x: xAxis, y: yAxis, xLabel: xLabel, yLabel: yLabel, canvas: canvas, style: style)
            area = area.inset(top: 4 * style.scale, left: m.left, bottom: m.bottom, right: 6 * style.scale)
        } else {
            let m = Axes.labelMargins(xLabel: xLabel, yLabel: yLabel, style: style)
            area = area.inset(left: m.left, bottom: m.bottom)
        }
        // Equal aspect: one scale for x and y, the largest that fits.
        let dx = xAxis.upper - xAxis.lower, dy = yAxis.upper - yAxis.lower
        let scale = max(0, min(area.width / dx, area.height / dy))
        // Centre the plot, its tick labels and a legend beside it together horizontally.
        let groupWidth = (area.minX - plotArea.minX) + dx * scale + room.right
        let shift = max(0, (content.width - groupWidth) / 2)
        let plot = Rect(x: area.minX + shift, y: area.minY + (area.height - dy * scale) / 2, width: dx * scale, height: dy * scale)
        return Arrangement(plot: plot, area: area, content: content, xAxis: xAxis, yAxis: yAxis, aspect: dy / dx,
                           legend: legend, legendPlacement: placement, colorBar: colorBar, legendNote: legendNote, gap: gap)
    }

    /// Where the legend (or colour bar) is drawn when the plot fills its own `size`, in points
    /// from the top-left corner; `nil` when there is none.
    /// - Throws: `PlotError` when the data is invalid.
    public func legendFrame() throws -> Rect? {
        try Canvas.measuring(style: style) { canvas in
            try render(in: canvas, frame: Rect(x: 0, y: 0, width: size.width, height: size.height)).legend
        }
    }

    /// Draws the plot and returns where each point landed (figure coordinates), the plot box
    /// and the legend's frame.
    func render(in canvas: Canvas, frame: Rect) throws -> (plot: Rect, x: [Double], y: [Double], legend: Rect?) {
        try validate()
        let (xs, ys, order) = projected()
        let n = xs.count
        let (bxs, bys) = background.map { b in with { $0.points = b }.projectedCoordinates() }.map { ($0.x, $0.y) } ?? ([], [])
        let l = arrange(in: frame, canvas: canvas)
        let plot = l.plot, xAxis = l.xAxis, yAxis = l.yAxis
        let coloring = classColoring()
        let valueRange = values.map { v in (Double(v.min()!), Double(v.max()!)) }
        let axes = Axes(plot: plot, x: xAxis, y: yAxis)

        switch axesStyle {
        case .hidden: Axes.drawLabels(around: plot, xLabel: xLabel, yLabel: yLabel, canvas: canvas, style: style)
        case .frame:
            canvas.stroke(plot, color: Color(hex: 0xBBBBBB), lineWidth: 0.6)
            Axes.drawLabels(around: plot, xLabel: xLabel, yLabel: yLabel, canvas: canvas, style: style)
        case .ticks: axes.draw(in: canvas, xLabel: xLabel, yLabel: yLabel, style: style)
        }

        let sx = plot.width / (xAxis.upper - xAxis.lower), sy = plot.height / (yAxis.upper - yAxis.lower)
        if !bxs.isEmpty {
            var under = MarkerLayer()
            under.radius = pointRadius ?? ScatterPlot.defaultRadius(count: bxs.count)
            under.colors = [backgroundColor]
            for k in bxs.indices { under.append(x: plot.minX + (bxs[k] - xAxis.lower) * sx, y: plot.maxY - (bys[k] - yAxis.lower) * sy, color: 0) }
            try canvas.drawMarkers(under, clip: plot, rasterize: (style.points ?? pointRendering).rasterizes(count: bxs.count))
        }

        // Points.
        var layer = MarkerLayer()
        layer.radius = pointRadius ?? ScatterPlot.defaultRadius(count: n)
        let alpha = opacity ?? ScatterPlot.defaultOpacity(count: n)
        layer.xs.reserveCapacity(n); layer.ys.reserveCapacity(n); layer.colorIndex.reserveCapacity(n)
        let levels = 256
        if let (classes, colors) = coloring {
            layer.colors = colors.map { $0.withAlpha(alpha) }
            for k in order {
                layer.append(x: plot.minX + (xs[k] - xAxis.lower) * sx, y: plot.maxY - (ys[k] - yAxis.lower) * sy, color: classes.indices[k])
            }
        } else if let values, let (lo, hi) = valueRange {
            layer.colors = (0..<levels).map { colorMap.color(at: Double($0) / Double(levels - 1)).withAlpha(alpha) }
            let span = hi > lo ? hi - lo : 1
            for k in order {
                let level = Int(((Double(values[k]) - lo) / span * Double(levels - 1)).rounded())
                layer.append(x: plot.minX + (xs[k] - xAxis.lower) * sx, y: plot.maxY - (ys[k] - yAxis.lower) * sy, color: level)
            }
        } else {
            layer.colors = [color.withAlpha(alpha)]
            for k in order { layer.append(x: plot.minX + (xs[k] - xAxis.lower) * sx, y: plot.maxY - (ys[k] - yAxis.lower) * sy, color: 0) }
        }
        try canvas.drawMarkers(layer, clip: plot, rasterize: (style.points ?? pointRendering).rasterizes(count: n))

        if case .rotated(let azimuth, let elevation) = projection {
            drawOrientation(azimuth: azimuth, elevation: elevation, at: Point(x: plot.minX + 22, y: plot.maxY - 22), canvas: canvas)
        }
        if showsClusterLabels, let (classes, _) = coloring {
            drawClusterLabels(classes: classes, xs: layer.xs, ys: layer.ys, order: order, plot: plot, canvas: canvas)
        }
        if let legendNote = l.legendNote {
            canvas.text(legendNote, at: Point(x: l.content.maxX, y: l.content.maxY + style.tickSize * 1.6), size: style.tickSize,
                        color: .axisGrey, horizontal: .trailing, vertical: .bottom)
        }
        let figureX = xs.map { plot.minX + ($0 - xAxis.lower) * sx }, figureY = ys.map { plot.maxY - ($0 - yAxis.lower) * sy }
        var legendRect: Rect?
        if let legend = l.legend, let p = l.legendPlacement {
            legendRect = legend.draw(p, in: canvas, plot: plot, content: l.content, gap: l.gap, points: (figureX, figureY))
        }
        if let colorBar = l.colorBar {
            let x = plot.maxX + l.gap
            colorBar.draw(in: canvas, x: x, top: plot.minY, height: plot.height)
            legendRect = Rect(x: x, y: plot.minY, width: colorBar.width(canvas: canvas), height: plot.height)
        }
        return (plot, figureX, figureY, legendRect)
    }

    /// A small triad showing where the three data axes point in a rotated view.
    private func drawOrientation(azimuth: Double, elevation: Double, at origin: Point, canvas: Canvas) {
        let a = azimuth * .pi / 180, e = elevation * .pi / 180
        let length = 16.0
        for (axis, name) in ["1", "2", "3"].enumerated() {
            let v = [axis == 0 ? 1.0 : 0, axis == 1 ? 1.0 : 0, axis == 2 ? 1.0 : 0]
            let x1 = v[0] * cos(a) - v[1] * sin(a), y1 = v[0] * sin(a) + v[1] * cos(a)
            let px = x1, py = v[2] * cos(e) - y1 * sin(e)
            let tip = Point(x: origin.x + px * length, y: origin.y - py * length)
            canvas.line(from: origin, to: tip, color: .axisGrey, lineWidth: 0.9)
            canvas.text(name, at: Point(x: origin.x + px * (length + 6), y: origin.y - py * (length + 6)), size: style.tickSize,
                        color: .axisGrey, horizontal: .center, vertical: .middle)
        }
    }

    /// Writes each class's name at the coordinate-wise median of its points, nudging labels
    /// apart where two would overlap.
    private func drawClusterLabels(classes: LabelClasses, xs: [Float], ys: [Float], order: [Int], plot: Rect, canvas: Canvas) {
        let fontSize = 1.05 * style.fontSize
        var byClass = [[Int]](repeating: [], count: classes.count)
        for (drawn, k) in order.enumerated() { byClass[classes.indices[k]].append(drawn) }
        var boxes: [(name: String, rect: Rect)] = []
        for (c, members) in byClass.enumerated() where !members.isEmpty {
            let mx = Double(members.map { xs[$0] }.sorted()[members.count / 2])
            let my = Double(members.map { ys[$0] }.sorted()[members.count / 2])
            let name = fitted(className(classes.values[c]), width: min(150, plot.width * 0.6), size: fontSize, bold: true, canvas: canvas)
            let w = canvas.textWidth(name, size: fontSize, bold: true) + 4, h = fontSize * 1.1
            boxes.append((name, Rect(x: mx - w / 2, y: my - h / 2, width: w, height: h)))
        }
        // A few rounds of pushing overlapping pairs apart along their shorter overlap.
        for _ in 0..<60 {
            var moved = false
            for i in boxes.indices {
                for j in boxes.indices where j > i && boxes[i].rect.intersects(boxes[j].rect) {
                    let a = boxes[i].rect, b = boxes[j].rect
                    let ox = min(a.maxX, b.maxX) - max(a.minX, b.minX), oy = min(a.maxY, b.maxY) - max(a.minY, b.minY)
                    if ox < oy {
                        let d = (ox / 2 + 0.5) * (a.midX <= b.midX ? 1 : -1)
                        boxes[i].rect.x -= d; boxes[j].rect.x += d
                    } else {
                        let d = (oy / 2 + 0.5) * (a.midY <= b.midY ? 1 : -1)
                        boxes[i].rect.y -= d; boxes[j].rect.y += d
                    }
                    moved = true
                }
            }
            if !moved { break }
        }
        for (name, box) in boxes {
            // Keep every label inside the plot.
            var r = box
            r.x = min(max(r.x, plot.minX), plot.maxX - r.width)
            r.y = min(max(r.y, plot.minY), plot.maxY - r.height)
            canvas.text(name, at: Point(x: r.midX, y: r.midY), size: fontSize, color: Color(hex: 0x111111), bold: true,
                        horizontal: .center, vertical: .middle, halo: Color.white.withAlpha(0.85))
        }
    }
}
