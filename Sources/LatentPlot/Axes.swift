import Foundation

/// One axis: a data range mapped onto a length, with its ticks.
struct Axis {
    var lower: Double
    var upper: Double
    var logarithmic = false
    var ticks: [Double] = []
    var tickLabels: [String] = []

    /// An axis covering `[minimum, maximum]` plus `padding` (a fraction of the range) on both
    /// sides, with nice ticks inside it.
    init(minimum: Double, maximum: Double, padding: Double = 0.04, logarithmic: Bool = false, targetTicks: Int = 5) {
        self.logarithmic = logarithmic
        if logarithmic {
            let lo = log10(max(minimum, .leastNormalMagnitude)), hi = log10(max(maximum, .leastNormalMagnitude))
            let span = max(hi - lo, 0.3)
            lower = pow(10, lo - span * padding)
            upper = pow(10, hi + span * padding)
            if hi - lo < 0.3 { lower = pow(10, (lo + hi) / 2 - 0.15 - span * padding); upper = pow(10, (lo + hi) / 2 + 0.15 + span * padding) }
            ticks = Ticks.logarithmic(lower: lower, upper: upper)
            tickLabels = Ticks.logLabels(for: ticks)
        } else {
            var lo = minimum, hi = maximum
            if hi - lo <= abs(hi) * 1e-9 || hi - lo == 0 {
                let d = max(abs(lo) * 0.1, 0.5)
                lo -= d; hi += d
            }
            let span = hi - lo
            lower = lo - span * padding
            upper = hi + span * padding
            let t = Ticks.linear(lower: lower, upper: upper, target: targetTicks)
            ticks = t.values
            tickLabels = Ticks.labels(for: t.values, step: t.step)
        }
    }

    /// Where `value` falls, as a fraction of the axis length (0 at `lower`).
    func fraction(_ value: Double) -> Double {
        if logarithmic {
            return (log10(max(value, .leastNormalMagnitude)) - log10(lower)) / (log10(upper) - log10(lower))
        }
        return (value - lower) / (upper - lower)
    }
}

/// A plot rectangle with an x and a y axis.
struct Axes {
    var plot: Rect
    var x: Axis
    var y: Axis

    func point(_ vx: Double, _ vy: Double) -> Point {
        Point(x: plot.minX + x.fraction(vx) * plot.width, y: plot.maxY - y.fraction(vy) * plot.height)
    }

    /// Room the tick labels and axis titles need left of and below the plot.
    static func margins(x: Axis, y: Axis, xLabel: String?, yLabel: String?, canvas: Canvas, style: FigureStyle) -> (left: Double, bottom: Double) {
        let widest = y.tickLabels.map { canvas.textWidth($0, size: style.tickSize) }.max() ?? 0
        var left = widest + style.tickLength + 4 * style.scale
        if let yLabel, !yLabel.isEmpty { left += style.labelSize + 6 * style.scale }
        var bottom = style.tickSize + style.tickLength + 6 * style.scale
        if let xLabel, !xLabel.isEmpty { bottom += style.labelSize + 6 * style.scale }
        return (left, bottom)
    }

    /// Room axis titles alone need left of and below a plot without ticks.
    static func labelMargins(xLabel: String?, yLabel: String?, style: FigureStyle) -> (left: Double, bottom: Double) {
        ((yLabel ?? "").isEmpty ? 0 : style.labelSize + 6 * style.scale, (xLabel ?? "").isEmpty ? 0 : style.labelSize + 6 * style.scale)
    }

    /// Writes axis titles under and left of `plot`, for plots drawn without ticks.
    static func drawLabels(around plot: Rect, xLabel: String?, yLabel: String?, canvas: Canvas, style: FigureStyle) {
        if let xLabel, !xLabel.isEmpty {
            canvas.text(xLabel, at: Point(x: plot.midX, y: plot.maxY + 4 * style.scale), size: style.labelSize,
                        horizontal: .center, vertical: .top)
        }
        if let yLabel, !yLabel.isEmpty {
            canvas.text(yLabel, at: Point(x: plot.minX - 4 * style.scale, y: plot.midY), size: style.labelSize,
                        horizontal: .center, vertical: .bottom, rotation: 90)
        }
    }

    /// Draws the frame, light grid lines, ticks, tick labels and axis titles.
    func draw(in canvas: Canvas, xLabel: String?, yLabel: String?, style: FigureStyle, grid: Bool = true) {
        if grid {
            for v in x.ticks {
                let p = point(v, y.lower)
                canvas.line(from: Point(x: p.x, y: plot.minY), to: Point(x: p.x, y: plot.maxY), color: Color(hex: 0xEBEBEB), lineWidth: 0.6)
            }
            for v in y.ticks {
                let p = point(x.lower, v)
                canvas.line(from: Point(x: plot.minX, y: p.y), to: Point(x: plot.maxX, y: p.y), color: Color(hex: 0xEBEBEB), lineWidth: 0.6)
            }
        }
        canvas.stroke(plot, color: .axisGrey, lineWidth: style.axisLine)
        for (v, label) in zip(x.ticks, x.tickLabels) {
            let px = point(v, y.lower).x
            canvas.line(from: Point(x: px, y: plot.maxY), to: Point(x: px, y: plot.maxY + style.tickLength), color: .axisGrey)
            canvas.text(label, at: Point(x: px, y: plot.maxY + style.tickLength + 2.5 * style.scale), size: style.tickSize,
                        color: .axisGrey, horizontal: .center, vertical: .top)
        }
        var widest = 0.0
        for (v, label) in zip(y.ticks, y.tickLabels) {
            let py = point(x.lower, v).y
            canvas.line(from: Point(x: plot.minX - style.tickLength, y: py), to: Point(x: plot.minX, y: py), color: .axisGrey)
            canvas.text(label, at: Point(x: plot.minX - style.tickLength - 3 * style.scale, y: py), size: style.tickSize,
                        color: .axisGrey, horizontal: .trailing, vertical: .middle)
            widest = max(widest, canvas.textWidth(label, size: style.tickSize))
        }
        if let xLabel, !xLabel.isEmpty {
            canvas.text(xLabel, at: Point(x: plot.midX, y: plot.maxY + style.tickLength + style.tickSize + 9 * style.scale),
                        size: style.labelSize, horizontal: .center, vertical: .top)
        }
        if let yLabel, !yLabel.isEmpty {
            canvas.text(yLabel, at: Point(x: plot.minX - style.tickLength - widest - 8 * style.scale, y: plot.midY),
                        size: style.labelSize, horizontal: .center, vertical: .bottom, rotation: 90)
        }
    }
}
