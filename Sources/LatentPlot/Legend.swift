import Foundation

/// A legend: one row per entry, a marker or line sample followed by its name, in as many
/// columns as it needs to fit the available height. Placed outside the plot, on the right.
struct Legend {
    enum Mark { case disc, line }
    var entries: [(name: String, color: Color)]
    var mark: Mark = .disc
    var title: String?

    static let rowHeight = Style.legend * 1.55
    /// The largest fraction of a figure's width a legend may take; a plot whose legend would
    /// need more (hundreds of classes) notes the class count instead of squeezing the points.
    static let widthShare = 0.4
    static let swatch = 12.0

    private func rows(for height: Double) -> Int {
        let titleRoom = title == nil ? 0 : Legend.rowHeight
        let fit = max(1, Int((height - titleRoom) / Legend.rowHeight))
        let columns = max(1, Int((Double(entries.count) / Double(fit)).rounded(.up)))
        return Int((Double(entries.count) / Double(columns)).rounded(.up))
    }

    /// The width the legend takes when it may be `height` tall.
    func width(height: Double, canvas: Canvas, maximum: Double = 220) -> Double {
        guard !entries.isEmpty else { return 0 }
        let perColumn = rows(for: height)
        let columns = (entries.count + perColumn - 1) / perColumn
        let nameWidth = min(maximum, entries.map { canvas.textWidth($0.name, size: Style.legend) }.max() ?? 0)
        let columnWidth = Legend.swatch + 5 + nameWidth
        let titleWidth = title.map { canvas.textWidth($0, size: Style.legend, bold: true) } ?? 0
        return max(titleWidth, Double(columns) * columnWidth + Double(columns - 1) * 10)
    }

    /// Draws the legend from `x` rightwards inside the band `top ..< top + height`, centred
    /// vertically in it when it is shorter; names wider than `maximumNameWidth` end in "…".
    func draw(in canvas: Canvas, x: Double, top: Double, height: Double, maximumNameWidth: Double = 220) {
        guard !entries.isEmpty else { return }
        let perColumn = rows(for: height)
        let nameWidth = min(maximumNameWidth, entries.map { canvas.textWidth($0.name, size: Style.legend) }.max() ?? 0)
        let columnWidth = Legend.swatch + 5 + nameWidth + 10
        let used = Double(perColumn + (title == nil ? 0 : 1)) * Legend.rowHeight
        var y = top + max(0, (height - used) / 2)
        if let title {
            canvas.text(title, at: Point(x: x, y: y + Legend.rowHeight / 2), size: Style.legend, bold: true, vertical: .middle)
            y += Legend.rowHeight
        }
        for (k, entry) in entries.enumerated() {
            let column = k / perColumn, row = k % perColumn
            let cx = x + Double(column) * columnWidth
            let cy = y + (Double(row) + 0.5) * Legend.rowHeight
            switch mark {
            case .disc:
                canvas.circle(center: Point(x: cx + Legend.swatch / 2, y: cy), radius: 3.6, fill: entry.color.withAlpha(1))
            case .line:
                canvas.line(from: Point(x: cx, y: cy), to: Point(x: cx + Legend.swatch, y: cy), color: entry.color, lineWidth: 2)
            }
            let name = fitted(entry.name, width: nameWidth, size: Style.legend, canvas: canvas)
            canvas.text(name, at: Point(x: cx + Legend.swatch + 5, y: cy), size: Style.legend, vertical: .middle)
        }
    }
}

/// A vertical colour bar for a continuous colour map, with ticks and an optional label.
struct ColorBar {
    var map: ColorMap
    var lower: Double
    var upper: Double
    var label: String?

    static let barWidth = 11.0

    private var axis: Axis { Axis(minimum: lower, maximum: upper, padding: 0, targetTicks: 5) }

    func width(canvas: Canvas) -> Double {
        let a = axis
        let widest = a.tickLabels.map { canvas.textWidth($0, size: Style.tick) }.max() ?? 0
        return ColorBar.barWidth + Style.tickLength + 3 + widest + (label == nil ? 0 : Style.label + 8)
    }

    func draw(in canvas: Canvas, x: Double, top: Double, height: Double) {
        let h = min(height, 260)
        let y0 = top + (height - h) / 2
        let steps = 128
        for k in 0..<steps {
            let t0 = Double(k) / Double(steps)
            let r = Rect(x: x, y: y0 + h * (1 - t0 - 1 / Double(steps)), width: ColorBar.barWidth, height: h / Double(steps) + 0.4)
            canvas.fill(r, color: map.color(at: t0 + 0.5 / Double(steps)))
        }
        canvas.stroke(Rect(x: x, y: y0, width: ColorBar.barWidth, height: h), color: .axisGrey, lineWidth: 0.6)
        let a = axis
        var widest = 0.0
        for (v, label) in zip(a.ticks, a.tickLabels) {
            let f = upper > lower ? (v - lower) / (upper - lower) : 0.5
            let py = y0 + h * (1 - f)
            canvas.line(from: Point(x: x + ColorBar.barWidth, y: py), to: Point(x: x + ColorBar.barWidth + Style.tickLength, y: py), color: .axisGrey)
            canvas.text(label, at: Point(x: x + ColorBar.barWidth + Style.tickLength + 3, y: py), size: Style.tick,
                        color: .axisGrey, vertical: .middle)
            widest = max(widest, canvas.textWidth(label, size: Style.tick))
        }
        if let label {
            canvas.text(label, at: Point(x: x + ColorBar.barWidth + Style.tickLength + 6 + widest, y: y0 + h / 2),
                        size: Style.label, horizontal: .center, vertical: .top, rotation: 90)
        }
    }
}
