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
public struct ScatterPlot: Figure {
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
    /// Whether a legend (labelled) or colour bar (values) is drawn on the right.
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
    /// The figure size in points; by default 500 wide and as tall as the data's aspect needs.
    public var size: Size {
        get { explicitSize ?? naturalSize() }
        set { explicitSize = newValue }
    }
    private var explicitSize: Size?

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
    public func axes(_ style: AxesStyle, x: String? = nil, y: String? = nil) -> ScatterPlot {
        with { $0.axesStyle = style; $0.xLabel = x; $0.yLabel = y }
    }
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

    private func with(_ change: (inout ScatterPlot) -> Void) -> ScatterPlot {
        var copy = self
        change(&copy)
        return copy
    }

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
        if let pointRadius, !(pointRadius > 0 && pointRadius.isFinite) {
            throw PlotError.invalidArgument("point radius must be positive, got \(pointRadius)")
        }
        if let opacity, !(opacity > 0 && opacity <= 1) {
            throw PlotError.invalidArgument("opacity must be in (0, 1], got \(opacity)")
        }
    }

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

    /// A size that fits the data's aspect ratio: 500 points wide, as tall as the points need.
    private func naturalSize() -> Size {
        let width = 500.0
        guard points.rows > 0, points.columns >= 2, validProjection else { return Size(width: width, height: 420) }
        let (xs, ys, _) = projectedCoordinates()
        let dx = (xs.max() ?? 1) - (xs.min() ?? 0), dy = (ys.max() ?? 1) - (ys.min() ?? 0)
        let aspect = dx > 0 && dy > 0 && dx.isFinite && dy.isFinite ? min(1.3, max(0.45, dy / dx)) : 1
        let side = showsLegend && (labels != nil || values != nil) ? 100.0 : 0
        let titleRoom = title == nil ? 0 : Style.title + 8
        let axesRoom = axesStyle == .ticks ? 40.0 : 0
        let box = width - 2 * Style.margin - side - axesRoom
        return Size(width: width, height: (box * aspect + titleRoom + 2 * Style.margin + axesRoom).rounded())
    }

    private var validProjection: Bool {
        switch projection {
        case .columns(let i, let j): return i >= 0 && j >= 0 && i < points.columns && j < points.columns
        case .rotated: return points.columns >= 3
        }
    }

    func classCount() -> Int { (labels?.max() ?? -1) + 1 }

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
        try Canvas.measuring { canvas in
            let (_, xs, ys) = try render(in: canvas, frame: Rect(x: 0, y: 0, width: size.width, height: size.height))
            return zip(xs, ys).map { Point(x: $0, y: $1) }
        }
    }

    /// Draws the plot and returns where each point landed (figure coordinates) and the plot box.
    func render(in canvas: Canvas, frame: Rect) throws -> (plot: Rect, x: [Double], y: [Double]) {
        try validate()
        let (xs, ys, order) = projected()
        let n = xs.count
        let (bxs, bys) = background.map { b in with { $0.points = b }.projectedCoordinates() }.map { ($0.x, $0.y) } ?? ([], [])
        let content = drawTitle(title, in: canvas, frame: frame).inset(left: Style.margin, bottom: Style.margin, right: Style.margin)

        // Right-hand side: legend or colour bar.
        let classes = classCount()
        let classColors = palette.colors(count: max(classes, 1))
        var legend: Legend?
        var colorBar: ColorBar?
        let valueRange = values.map { v in (Double(v.min()!), Double(v.max()!)) }
        if showsLegend, let labels {
            let present = Set(labels)
            legend = Legend(entries: (0..<classes).filter(present.contains).map { (className($0), classColors[$0]) })
        } else if showsLegend, let valueRange {
            colorBar = ColorBar(map: colorMap, lower: valueRange.0, upper: valueRange.1, label: colorBarLabel)
        }
        let gap = 14.0
        let nameLimit = min(160, content.width * 0.28)
        let sideWidth = legend?.width(height: content.height, canvas: canvas, maximum: nameLimit) ?? colorBar?.width(canvas: canvas) ?? 0
        let plotArea = content.inset(right: sideWidth > 0 ? sideWidth + gap : 0)

        // Data ranges and the equal-aspect box.
        let pad = axesStyle == .ticks ? 0.04 : 0.03
        let xAxis = Axis(minimum: min(xs.min()!, bxs.min() ?? .infinity), maximum: max(xs.max()!, bxs.max() ?? -.infinity), padding: pad)
        let yAxis = Axis(minimum: min(ys.min()!, bys.min() ?? .infinity), maximum: max(ys.max()!, bys.max() ?? -.infinity), padding: pad)
        // Equal aspect: one scale for x and y, the largest that fits.
        var area = plotArea
        if axesStyle == .ticks {
            let m = Axes.margins(x: xAxis, y: yAxis, xLabel: xLabel, yLabel: yLabel, canvas: canvas)
            area = plotArea.inset(top: 4, left: m.left, bottom: m.bottom, right: 6)
        }
        let dx = xAxis.upper - xAxis.lower, dy = yAxis.upper - yAxis.lower
        let scale = min(area.width / dx, area.height / dy)
        // Centre the plot, its tick labels and its legend together horizontally.
        let groupWidth = (area.minX - plotArea.minX) + dx * scale + (sideWidth > 0 ? gap + sideWidth : 0)
        let shift = max(0, (content.width - groupWidth) / 2)
        let plot = Rect(x: area.minX + shift, y: area.minY + (area.height - dy * scale) / 2, width: dx * scale, height: dy * scale)
        let axes = Axes(plot: plot, x: xAxis, y: yAxis)

        switch axesStyle {
        case .hidden: break
        case .frame: canvas.stroke(plot, color: Color(hex: 0xBBBBBB), lineWidth: 0.6)
        case .ticks: axes.draw(in: canvas, xLabel: xLabel, yLabel: yLabel)
        }

        let sx = plot.width / (xAxis.upper - xAxis.lower), sy = plot.height / (yAxis.upper - yAxis.lower)
        if !bxs.isEmpty {
            var under = MarkerLayer()
            under.radius = pointRadius ?? ScatterPlot.defaultRadius(count: bxs.count)
            under.colors = [backgroundColor]
            for k in bxs.indices { under.append(x: plot.minX + (bxs[k] - xAxis.lower) * sx, y: plot.maxY - (bys[k] - yAxis.lower) * sy, color: 0) }
            try canvas.drawMarkers(under, clip: plot, rasterize: pointRendering.rasterizes(count: bxs.count))
        }

        // Points.
        var layer = MarkerLayer()
        layer.radius = pointRadius ?? ScatterPlot.defaultRadius(count: n)
        let alpha = opacity ?? ScatterPlot.defaultOpacity(count: n)
        layer.xs.reserveCapacity(n); layer.ys.reserveCapacity(n); layer.colorIndex.reserveCapacity(n)
        let levels = 256
        if let labels {
            layer.colors = classColors.map { $0.withAlpha(alpha) }
            for k in order { layer.append(x: plot.minX + (xs[k] - xAxis.lower) * sx, y: plot.maxY - (ys[k] - yAxis.lower) * sy, color: labels[k]) }
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
        try canvas.drawMarkers(layer, clip: plot, rasterize: pointRendering.rasterizes(count: n))

        if case .rotated(let azimuth, let elevation) = projection {
            drawOrientation(azimuth: azimuth, elevation: elevation, at: Point(x: plot.minX + 22, y: plot.maxY - 22), canvas: canvas)
        }
        if showsClusterLabels, let labels {
            drawClusterLabels(labels: labels, xs: layer.xs, ys: layer.ys, order: order, plot: plot, canvas: canvas)
        }
        legend?.draw(in: canvas, x: plot.maxX + gap, top: plot.minY, height: plot.height, maximumNameWidth: nameLimit)
        colorBar?.draw(in: canvas, x: plot.maxX + gap, top: plot.minY, height: plot.height)
        return (plot, xs.map { plot.minX + ($0 - xAxis.lower) * sx }, ys.map { plot.maxY - ($0 - yAxis.lower) * sy })
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
            canvas.text(name, at: Point(x: origin.x + px * (length + 6), y: origin.y - py * (length + 6)), size: Style.tick,
                        color: .axisGrey, horizontal: .center, vertical: .middle)
        }
    }

    /// Writes each class's name at the coordinate-wise median of its points, nudging labels
    /// apart where two would overlap.
    private func drawClusterLabels(labels: [Int], xs: [Float], ys: [Float], order: [Int], plot: Rect, canvas: Canvas) {
        let fontSize = 10.5
        var byClass = [[Int]](repeating: [], count: classCount())
        for (drawn, k) in order.enumerated() { byClass[labels[k]].append(drawn) }
        var boxes: [(name: String, rect: Rect)] = []
        for (c, members) in byClass.enumerated() where !members.isEmpty {
            let mx = Double(members.map { xs[$0] }.sorted()[members.count / 2])
            let my = Double(members.map { ys[$0] }.sorted()[members.count / 2])
            let name = fitted(className(c), width: min(150, plot.width * 0.6), size: fontSize, bold: true, canvas: canvas)
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
