import Foundation

/// A histogram of values: equal-width bins drawn as filled bars under a step outline, on a
/// linear or logarithmic count axis, with optional labelled vertical markers (a cut-off).
///
/// On a logarithmic axis a bin with no values has no height to draw, so its outline drops to
/// the baseline, the bottom of the plot, rather than to a made-up small count.
///
/// ```swift
/// try Histogram(errors.map(Double.init)).logarithmicY()
///     .marking(x: cutoff, "top 24")
///     .axisLabels(x: "mean squared error", y: "samples per bin").write(to: "errors.svg")
/// ```
public struct Histogram: Figure, CopyModifying {
    /// The values to count.
    public var values: [Double]
    /// The number of bins; `nil`: √N, between 10 and 60.
    public var bins: Int?
    public var title: String?
    public var xLabel: String?
    public var yLabel: String? = "count"
    public var logarithmicY = false
    public var color = Color(hex: 0x1F77B4)
    /// Vertical lines across the plot, each labelled at the top.
    public var markers: [LinePlot.Marker] = []
    public var size = Size(width: 480, height: 300)
    public var style = FigureStyle()

    public init<Value: BinaryFloatingPoint>(_ values: [Value], bins: Int? = nil) {
        self.values = values.map { Double($0) }
        self.bins = bins
    }

    // MARK: Builder

    public func titled(_ title: String) -> Histogram { with { $0.title = title } }
    public func axisLabels(x: String?, y: String?) -> Histogram { with { $0.xLabel = x; $0.yLabel = y } }
    public func logarithmicY(_ on: Bool = true) -> Histogram { with { $0.logarithmicY = on } }
    public func color(_ color: Color) -> Histogram { with { $0.color = color } }
    /// A copy with a vertical line at `x` labelled `label`.
    public func marking(x: Double, _ label: String, color: Color = Color(hex: 0xB22222), dash: [Double] = [4, 3]) -> Histogram {
        with { $0.markers.append(LinePlot.Marker(x: x, label: label, color: color, dash: dash)) }
    }
    public func size(width: Double, height: Double) -> Histogram { with { $0.size = Size(width: width, height: height) } }

    // MARK: Counting

    /// The number of bins drawn.
    public var binCount: Int { bins ?? max(10, min(60, Int(Double(values.count).squareRoot()))) }

    /// The bins' lower edge, width and counts; the top edge belongs to the last bin.
    public func counts() -> (lower: Double, width: Double, counts: [Int]) {
        let lo = values.min() ?? 0, hi = values.max() ?? 1
        let n = binCount
        let width = hi > lo ? (hi - lo) / Double(n) : 1
        var counts = [Int](repeating: 0, count: n)
        for v in values { counts[min(n - 1, max(0, Int((v - (hi > lo ? lo : lo - 0.5)) / width)))] += 1 }
        return (hi > lo ? lo : lo - 0.5, width, counts)
    }

    public func validate() throws {
        guard !values.isEmpty else { throw PlotError.empty(what: "the histogram's values") }
        if let k = values.firstIndex(where: { !$0.isFinite }) { throw PlotError.nonFinite(what: "histogram value", index: k) }
        if let bins, !(1...10_000).contains(bins) { throw PlotError.invalidArgument("bins must be between 1 and 10000, got \(bins)") }
        if let m = markers.first(where: { !$0.x.isFinite }) { throw PlotError.invalidArgument("marker '\(m.label)' is at a non-finite x") }
    }

    // MARK: Drawing

    /// The plot box, its axes, and the top of each bin in figure coordinates (the baseline,
    /// `plot.maxY`, for an empty bin).
    func layout(in canvas: Canvas, frame: Rect) -> (plot: Rect, axes: Axes, tops: [Double]) {
        let content = frame.inset(top: (title ?? "").isEmpty ? style.margin : style.margin + style.titleRoom)
            .inset(left: style.margin, bottom: style.margin, right: style.margin)
        let (lower, width, counts) = counts()
        let upper = lower + width * Double(counts.count)
        let highest = Double(counts.max() ?? 1)
        let xs = [lower, upper] + markers.map(\.x)
        let x = Axis(minimum: xs.min()!, maximum: xs.max()!, padding: 0.02)
        var y = logarithmicY
            ? Axis(minimum: 1, maximum: max(highest, 2), padding: 0.05, logarithmic: true)
            : Axis(minimum: 0, maximum: max(highest, 1), padding: 0.04)
        if !logarithmicY { y.lower = 0 }
        let m = Axes.margins(x: x, y: y, xLabel: xLabel, yLabel: yLabel, canvas: canvas, style: style)
        let plot = content.inset(top: 4 * style.scale, left: m.left, bottom: m.bottom, right: 6 * style.scale)
        let axes = Axes(plot: plot, x: x, y: y)
        let tops = counts.map { c in c > 0 ? min(plot.maxY, axes.point(x.lower, Double(c)).y) : plot.maxY }
        return (plot, axes, tops)
    }

    public func draw(in canvas: Canvas, frame: Rect) throws {
        try validate()
        _ = drawTitle(title, in: canvas, frame: frame, style: style)
        let (plot, axes, tops) = layout(in: canvas, frame: frame)
        let (lower, width, counts) = counts()
        axes.draw(in: canvas, xLabel: xLabel, yLabel: yLabel, style: style)
        var outline = [Point(x: axes.point(lower, 1).x, y: plot.maxY)]
        for (b, top) in tops.enumerated() {
            let left = axes.point(lower + Double(b) * width, 1).x, right = axes.point(lower + Double(b + 1) * width, 1).x
            if counts[b] > 0 { canvas.fill(Rect(x: left, y: top, width: right - left, height: plot.maxY - top), color: color.withAlpha(0.25)) }
            outline.append(Point(x: left, y: top))
            outline.append(Point(x: right, y: top))
        }
        outline.append(Point(x: outline.last!.x, y: plot.maxY))
        canvas.polyline(outline, color: color, lineWidth: 1.2 * style.scale)
        drawMarkers(markers, axes: axes, canvas: canvas, style: style)
        try canvas.checkStatus("drawing the histogram")
    }
}
