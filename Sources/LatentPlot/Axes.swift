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
    static func margins(x: Axis, y: Axis, xLabel: String?, yLabel: String?, canvas: Canvas) -> (left: Double, bottom: Double) {
        let widest = y.tickLabels.map { canvas.textWidth($0, size: Style.tick) }.max() ?? 0
        var left = widest + Style.tickLength + 4
        if let yLabel, !yLabel.isEmpty { left += Style.label + 6 }
        var bottom = Style.tick + Style.tickLength + 6
        if let xLabel, !xLabel.isEmpty { bottom += Style.label + 6 }
        return (left, bottom)
    }

    /// Draws the frame, light grid lines, ticks, tick labels and axis titles.
    func draw(in canvas: Canvas, xLabel: String?, yLabel: String?, grid: Bool = true) {
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
        canvas.stroke(plot, color: .axisGrey, lineWidth: Style.axisLine)
        for (v, label) in zip(x.ticks, x.tickLabels) {
            let px = point(v, y.lower).x
            canvas.line(from: Point(x: px, y: plot.maxY), to: Point(x: px, y: plot.maxY + Style.tickLength), color: .axisGrey)
            canvas.text(label, at: Point(x: px, y: plot.maxY + Style.tickLength + 2.5), size: Style.tick,
                        color: .axisGrey, horizontal: .center, vertical: .top)
        }
        var widest = 0.0
        for (v, label) in zip(y.ticks, y.tickLabels) {
            let py = point(x.lower, v).y
            canvas.line(from: Point(x: plot.minX - Style.tickLength, y: py), to: Point(x: plot.minX, y: py), color: .axisGrey)
            canvas.text(label, at: Point(x: plot.minX - Style.tickLength - 3, y: py), size: Style.tick,
                        color: .axisGrey, horizontal: .trailing, vertical: .middle)
            widest = max(widest, canvas.textWidth(label, size: Style.tick))
        }
        if let xLabel, !xLabel.isEmpty {
            canvas.text(xLabel, at: Point(x: plot.midX, y: plot.maxY + Style.tickLength + Style.tick + 9),
                        size: Style.label, horizontal: .center, vertical: .top)
        }
        if let yLabel, !yLabel.isEmpty {
            canvas.text(yLabel, at: Point(x: plot.minX - Style.tickLength - widest - 8, y: plot.midY),
                        size: Style.label, horizontal: .center, vertical: .bottom, rotation: 90)
        }
    }
}
