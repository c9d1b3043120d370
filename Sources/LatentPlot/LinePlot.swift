import Foundation

/// Lines of y over x with a legend: loss per epoch, KL divergence per iteration.
///
/// ```swift
/// try LinePlot()
///     .adding("training", y: history.trainingLoss)
///     .adding("validation", y: history.validationLoss)
///     .titled("Autoencoder loss").axisLabels(x: "epoch", y: "binary cross-entropy")
///     .write(to: "loss.svg")
/// ```
public struct LinePlot: Figure, CopyModifying {
    /// One named line.
    public struct Series: Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        /// `nil` takes the next palette colour.
        public var color: Color?
        /// Dash pattern in points (empty for solid).
        public var dash: [Double]

        public init(name: String, x: [Double], y: [Double], color: Color? = nil, dash: [Double] = []) {
            self.name = name; self.x = x; self.y = y; self.color = color; self.dash = dash
        }
    }

    /// A labelled vertical line across the plot: where something changed along x, such as
    /// the end of t-SNE's early exaggeration on a KL curve, or a cut-off on a histogram.
    public struct Marker: Sendable, Equatable {
        public var x: Double
        public var label: String
        public var color: Color
        /// Dash pattern in points (empty for solid).
        public var dash: [Double]

        public init(x: Double, label: String, color: Color = Color(hex: 0x777777), dash: [Double] = [3, 2]) {
            self.x = x; self.label = label; self.color = color; self.dash = dash
        }
    }

    public var series: [Series] = []
    /// Vertical lines drawn under the series, each labelled at the top of the plot.
    public var markers: [Marker] = []
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    /// Whether the y axis is logarithmic (values must then be positive).
    public var logarithmicY = false
    /// Whether each data point gets a marker (automatic: when a line has at most 40 points).
    public var showsMarkers: Bool?
    public var palette: Palette = .tab10
    public var size = Size(width: 480, height: 300)
    public var style = FigureStyle()

    public init(_ series: [Series] = []) { self.series = series }

    /// A copy with one more line of `y` values (`Float` or `Double`); `x` defaults to 1, 2, 3, …
    /// (epochs).
    public func adding<Value: BinaryFloatingPoint>(_ name: String, x: [Double]? = nil, y: [Value], color: Color? = nil,
                                                   dash: [Double] = []) -> LinePlot {
        let ys = y.map { Double($0) }
        let xs = x ?? ys.indices.map { Double($0 + 1) }
        return with { $0.series.append(Series(name: name, x: xs, y: ys, color: color, dash: dash)) }
    }
    /// A copy with a vertical line at `x` labelled `label` (e.g. "end of exaggeration").
    public func marking(x: Double, _ label: String, color: Color = Color(hex: 0x777777), dash: [Double] = [3, 2]) -> LinePlot {
        with { $0.markers.append(Marker(x: x, label: label, color: color, dash: dash)) }
    }
    public func titled(_ title: String) -> LinePlot { with { $0.title = title } }
    public func axisLabels(x: String?, y: String?) -> LinePlot { with { $0.xLabel = x; $0.yLabel = y } }
    public func logarithmicY(_ on: Bool = true) -> LinePlot { with { $0.logarithmicY = on } }
    public func markers(_ shown: Bool) -> LinePlot { with { $0.showsMarkers = shown } }
    public func size(width: Double, height: Double) -> LinePlot { with { $0.size = Size(width: width, height: height) } }

    public func validate() throws {
        guard !series.isEmpty else { throw PlotError.empty(what: "the list of series") }
        for s in series {
            guard !s.y.isEmpty else { throw PlotError.empty(what: "series '\(s.name)'") }
            guard s.x.count == s.y.count else {
                throw PlotError.lengthMismatch(what: "x values for the y values of series '\(s.name)'", expected: s.y.count, got: s.x.count)
            }
            if let k = s.x.firstIndex(where: { !$0.isFinite }) { throw PlotError.nonFinite(what: "x value of series '\(s.name)' at", index: k) }
            if let k = s.y.firstIndex(where: { !$0.isFinite }) { throw PlotError.nonFinite(what: "y value of series '\(s.name)' at", index: k) }
            if logarithmicY, let k = s.y.firstIndex(where: { $0 <= 0 }) {
                throw PlotError.invalidArgument("series '\(s.name)': value \(s.y[k]) at \(k) cannot go on a logarithmic axis (must be positive)")
            }
        }
        if let m = markers.first(where: { !$0.x.isFinite }) { throw PlotError.invalidArgument("marker '\(m.label)' is at a non-finite x") }
    }

    /// The legend's entries: each series' name, colour and dash pattern.
    func legendEntries() -> [LegendEntry] {
        let colors = palette.colors(count: series.count)
        return series.enumerated().map { k, s in LegendEntry(name: s.name, color: s.color ?? colors[k], mark: .line(dash: s.dash)) }
    }

    public func draw(in canvas: Canvas, frame: Rect) throws {
        try validate()
        let content = drawTitle(title, in: canvas, frame: frame, style: style).inset(left: style.margin, bottom: style.margin, right: style.margin)
        let entries = legendEntries()
        let legend = series.count > 1 || !(series.first?.name.isEmpty ?? true) ? Legend(entries: entries, style: style) : nil
        let gap = 12.0 * style.scale
        let placement = legend?.place(style.legend, content: content, rightHeight: content.height, nameLimit: 160 * style.scale, canvas: canvas)
        let room = Legend.room(placement, gap: gap)
        let area = content.inset(bottom: room.bottom, right: room.right)
        let allX = series.flatMap(\.x) + markers.map(\.x), allY = series.flatMap(\.y)
        let x = Axis(minimum: allX.min()!, maximum: allX.max()!, padding: 0.03)
        let y = Axis(minimum: allY.min()!, maximum: allY.max()!, padding: 0.05, logarithmic: logarithmicY)
        let m = Axes.margins(x: x, y: y, xLabel: xLabel, yLabel: yLabel, canvas: canvas, style: style)
        let plot = area.inset(top: 4 * style.scale, left: m.left, bottom: m.bottom, right: 6 * style.scale)
        let axes = Axes(plot: plot, x: x, y: y)
        axes.draw(in: canvas, xLabel: xLabel, yLabel: yLabel, style: style)
        drawMarkers(markers, axes: axes, canvas: canvas, style: style)
        try canvas.clipped(to: plot.inset(by: -3)) {
            for (s, entry) in zip(series, entries) {
                let points = zip(s.x, s.y).map { axes.point($0, $1) }
                canvas.polyline(points, color: entry.color, lineWidth: 1.6 * style.scale, dash: s.dash)
                if showsMarkers ?? (s.y.count <= 40) {
                    for p in points { canvas.circle(center: p, radius: 2.2 * style.scale, fill: entry.color, stroke: .white, lineWidth: 0.6) }
                }
            }
            try canvas.checkStatus("drawing lines")
        }
        if let legend, let placement {
            let xs = series.flatMap { s in s.x.map { axes.point($0, y.lower).x } }
            let ys = series.flatMap { s in zip(s.x, s.y).map { axes.point($0, $1).y } }
            legend.draw(placement, in: canvas, plot: plot, content: content, gap: gap, points: (xs, ys))
        }
    }
}

/// Draws each marker as a vertical line across `axes`' plot with its label at the top, on the
/// side of the line with more room.
func drawMarkers(_ markers: [LinePlot.Marker], axes: Axes, canvas: Canvas, style: FigureStyle) {
    let plot = axes.plot
    for marker in markers {
        let px = axes.point(marker.x, axes.y.lower).x
        canvas.line(from: Point(x: px, y: plot.minY), to: Point(x: px, y: plot.maxY), color: marker.color,
                    lineWidth: 1 * style.scale, dash: marker.dash)
        let width = canvas.textWidth(marker.label, size: style.captionSize)
        let right = px + 3 * style.scale + width <= plot.maxX - 2 || px - plot.minX < plot.maxX - px
        canvas.text(marker.label, at: Point(x: right ? px + 3 * style.scale : px - 3 * style.scale, y: plot.minY + 3 * style.scale),
                    size: style.captionSize, color: marker.color.darker, horizontal: right ? .leading : .trailing, vertical: .top,
                    halo: Color.white.withAlpha(0.85))
    }
}

extension Color {
    /// The colour at 70% brightness, for text on white.
    var darker: Color { Color(red: red * 0.7, green: green * 0.7, blue: blue * 0.7, alpha: alpha) }
}
