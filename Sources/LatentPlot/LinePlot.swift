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
public struct LinePlot: Figure {
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

    public var series: [Series] = []
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    /// Whether the y axis is logarithmic (values must then be positive).
    public var logarithmicY = false
    /// Whether each data point gets a marker (automatic: when a line has at most 40 points).
    public var showsMarkers: Bool?
    public var palette: Palette = .tab10
    public var size = Size(width: 480, height: 300)

    public init(_ series: [Series] = []) { self.series = series }

    /// A copy with one more line of `y` values (`Float` or `Double`); `x` defaults to 1, 2, 3, …
    /// (epochs).
    public func adding<Value: BinaryFloatingPoint>(_ name: String, x: [Double]? = nil, y: [Value], color: Color? = nil,
                                                   dash: [Double] = []) -> LinePlot {
        let ys = y.map { Double($0) }
        let xs = x ?? ys.indices.map { Double($0 + 1) }
        return with { $0.series.append(Series(name: name, x: xs, y: ys, color: color, dash: dash)) }
    }
    public func titled(_ title: String) -> LinePlot { with { $0.title = title } }
    public func axisLabels(x: String?, y: String?) -> LinePlot { with { $0.xLabel = x; $0.yLabel = y } }
    public func logarithmicY(_ on: Bool = true) -> LinePlot { with { $0.logarithmicY = on } }
    public func markers(_ shown: Bool) -> LinePlot { with { $0.showsMarkers = shown } }
    public func size(width: Double, height: Double) -> LinePlot { with { $0.size = Size(width: width, height: height) } }

    private func with(_ change: (inout LinePlot) -> Void) -> LinePlot {
        var copy = self
        change(&copy)
        return copy
    }

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
    }

    public func draw(in canvas: Canvas, frame: Rect) throws {
        try validate()
        let content = drawTitle(title, in: canvas, frame: frame).inset(left: Style.margin, bottom: Style.margin, right: Style.margin)
        let colors = palette.colors(count: series.count)
        let resolved = series.enumerated().map { ($0.element, $0.element.color ?? colors[$0.offset]) }
        let legend = series.count > 1 || !(series.first?.name.isEmpty ?? true)
            ? Legend(entries: resolved.map { ($0.0.name, $0.1) }, mark: .line) : nil
        let gap = 12.0
        let legendWidth = legend?.width(height: content.height, canvas: canvas) ?? 0
        let area = content.inset(right: legendWidth > 0 ? legendWidth + gap : 0)
        let allX = series.flatMap(\.x), allY = series.flatMap(\.y)
        let x = Axis(minimum: allX.min()!, maximum: allX.max()!, padding: 0.03)
        let y = Axis(minimum: allY.min()!, maximum: allY.max()!, padding: 0.05, logarithmic: logarithmicY)
        let m = Axes.margins(x: x, y: y, xLabel: xLabel, yLabel: yLabel, canvas: canvas)
        let plot = area.inset(top: 4, left: m.left, bottom: m.bottom, right: 6)
        let axes = Axes(plot: plot, x: x, y: y)
        axes.draw(in: canvas, xLabel: xLabel, yLabel: yLabel)
        try canvas.clipped(to: plot.inset(by: -3)) {
            for (s, color) in resolved {
                let points = zip(s.x, s.y).map { axes.point($0, $1) }
                canvas.polyline(points, color: color, lineWidth: 1.6, dash: s.dash)
                if showsMarkers ?? (s.y.count <= 40) {
                    for p in points { canvas.circle(center: p, radius: 2.2, fill: color, stroke: .white, lineWidth: 0.6) }
                }
            }
            try canvas.checkStatus("drawing lines")
        }
        legend?.draw(in: canvas, x: plot.maxX + gap, top: plot.minY, height: min(plot.height, Double(series.count + 1) * Legend.rowHeight))
    }
}
