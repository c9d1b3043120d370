import Foundation

/// One row of a legend: a name and the mark it stands for.
public struct LegendEntry: Sendable, Equatable {
    /// What the swatch shows.
    public enum Mark: Sendable, Equatable {
        /// A disc, as in a scatter plot.
        case disc
        /// A line sample with the series' dash pattern (empty: solid).
        case line(dash: [Double])
    }

    public var name: String
    public var color: Color
    public var mark: Mark

    public init(name: String, color: Color, mark: Mark = .disc) {
        self.name = name
        self.color = color
        self.mark = mark
    }
}

/// A legend laid out in a grid: as many rows as fit beside a plot (`.right`, `.inside`), or as
/// many columns as fit under it (`.bottom`), so it never runs off the figure. Names longer than
/// the room left end in "…".
struct Legend {
    var entries: [LegendEntry]
    var title: String?
    var style: FigureStyle

    init(entries: [LegendEntry], title: String? = nil, style: FigureStyle) {
        self.entries = entries
        self.title = title
        self.style = style
    }

    /// The largest fraction of a figure's width a legend beside the plot may take; a wider one
    /// goes under the plot.
    static let widthShare = 0.4
    /// The largest fraction of a figure's height a legend under the plot may take; a plot
    /// whose legend would need more (hundreds of classes) notes the class count instead.
    static let heightShare = 0.45

    var rowHeight: Double { style.legendSize * 1.55 }
    var fontSize: Double { style.legendSize }
    private var hasLines: Bool { entries.contains { if case .line = $0.mark { return true } else { return false } } }
    /// Swatch width: long enough for a line to show two periods of its dashes.
    var swatch: Double { (hasLines ? 22 : 12) * style.scale }
    var swatchGap: Double { 5 * style.scale }
    var columnGap: Double { 10 * style.scale }
    private var titleHeight: Double { title == nil ? 0 : rowHeight }

    /// Rows of a grid with `columns` columns.
    func rows(columns: Int) -> Int { (entries.count + max(1, columns) - 1) / max(1, columns) }

    /// The fewest columns whose rows fit `height`.
    func columns(fittingHeight height: Double) -> Int {
        let perColumn = max(1, Int((height - titleHeight) / rowHeight))
        return max(1, (entries.count + perColumn - 1) / perColumn)
    }

    /// The widest name, capped at `maximumNameWidth`.
    func nameWidth(canvas: Canvas, maximum: Double) -> Double {
        min(maximum, entries.map { canvas.textWidth($0.name, size: fontSize) }.max() ?? 0)
    }

    /// Columns for a legend under a plot `width` wide: the fewest rows the width allows, then
    /// the entries spread evenly over them (10 entries in room for 9 make two rows of 5).
    func columns(fittingWidth width: Double, canvas: Canvas) -> Int {
        let column = swatch + swatchGap + nameWidth(canvas: canvas, maximum: .infinity)
        let fit = max(1, min(entries.count, Int((width + columnGap) / (column + columnGap))))
        let rows = (entries.count + fit - 1) / fit
        return (entries.count + rows - 1) / rows
    }

    /// The legend's size in a grid of `columns`, with names at most `maximumNameWidth` wide.
    func size(columns: Int, canvas: Canvas, maximumNameWidth: Double) -> Size {
        guard !entries.isEmpty else { return Size(width: 0, height: 0) }
        let c = max(1, min(columns, entries.count))
        let column = swatch + swatchGap + nameWidth(canvas: canvas, maximum: maximumNameWidth)
        let titleWidth = title.map { canvas.textWidth($0, size: fontSize, bold: true) } ?? 0
        return Size(width: max(titleWidth, Double(c) * column + Double(c - 1) * columnGap),
                    height: titleHeight + Double(rows(columns: c)) * rowHeight)
    }

    /// Draws the legend with its top-left corner at `origin`, in `columns` columns, filled
    /// across rows first when `acrossFirst` (under a plot) and down columns first otherwise.
    func draw(in canvas: Canvas, at origin: Point, columns: Int, maximumNameWidth: Double, acrossFirst: Bool) {
        guard !entries.isEmpty else { return }
        let c = max(1, min(columns, entries.count))
        let perColumn = rows(columns: c)
        let nameWidth = nameWidth(canvas: canvas, maximum: maximumNameWidth)
        let step = swatch + swatchGap + nameWidth + columnGap
        var y = origin.y
        if let title {
            canvas.text(title, at: Point(x: origin.x, y: y + rowHeight / 2), size: fontSize, bold: true, vertical: .middle)
            y += rowHeight
        }
        for (k, entry) in entries.enumerated() {
            let column = acrossFirst ? k % c : k / perColumn
            let row = acrossFirst ? k / c : k % perColumn
            let cx = origin.x + Double(column) * step
            let cy = y + (Double(row) + 0.5) * rowHeight
            switch entry.mark {
            case .disc:
                canvas.circle(center: Point(x: cx + swatch / 2, y: cy), radius: 3.6 * style.scale, fill: entry.color.withAlpha(1))
            case .line(let dash):
                canvas.line(from: Point(x: cx, y: cy), to: Point(x: cx + swatch, y: cy), color: entry.color,
                            lineWidth: 2 * style.scale, dash: dash)
            }
            let name = fitted(entry.name, width: nameWidth, size: fontSize, canvas: canvas)
            canvas.text(name, at: Point(x: cx + swatch + swatchGap, y: cy), size: fontSize, vertical: .middle)
        }
    }

    /// Where a legend goes relative to a plot, decided once per layout.
    struct Placement {
        var placement: LegendPlacement
        var columns: Int
        var size: Size
        var maximumNameWidth: Double
    }

    /// The placement for a plot inside `content`: `.right` uses `rightHeight` for its rows and
    /// moves under the plot when it would take more than `widthShare` of the width; `.bottom`
    /// fits the width; `.inside` must fit a third of `insideArea`'s width and half its height,
    /// else it goes to the right. `nil` when no legend is drawn (none asked for, or too many
    /// entries for even a legend under the plot).
    func place(_ placement: LegendPlacement, content: Rect, rightHeight: Double, nameLimit: Double, canvas: Canvas) -> Placement? {
        guard !entries.isEmpty else { return nil }
        switch placement {
        case .none:
            return nil
        case .right:
            let columns = columns(fittingHeight: rightHeight)
            let size = size(columns: columns, canvas: canvas, maximumNameWidth: nameLimit)
            if size.width <= Legend.widthShare * content.width {
                return Placement(placement: .right, columns: columns, size: size, maximumNameWidth: nameLimit)
            }
            return place(.bottom, content: content, rightHeight: rightHeight, nameLimit: nameLimit, canvas: canvas)
        case .bottom:
            let limit = min(nameLimit * 1.5, content.width - swatch - swatchGap)
            let columns = min(columns(fittingWidth: content.width, canvas: canvas), entries.count)
            let size = size(columns: columns, canvas: canvas, maximumNameWidth: limit)
            guard size.height <= Legend.heightShare * content.height else { return nil }
            return Placement(placement: .bottom, columns: columns, size: size, maximumNameWidth: limit)
        case .inside:
            let columns = columns(fittingHeight: content.height * 0.5)
            let size = size(columns: columns, canvas: canvas, maximumNameWidth: nameLimit)
            if size.width <= content.width / 3, size.height <= content.height / 2 {
                return Placement(placement: .inside, columns: columns, size: size, maximumNameWidth: nameLimit)
            }
            return place(.right, content: content, rightHeight: rightHeight, nameLimit: nameLimit, canvas: canvas)
        }
    }

    /// The room a placement takes beside (`right`) or under (`bottom`) the plot, gap included.
    static func room(_ p: Placement?, gap: Double) -> (right: Double, bottom: Double) {
        guard let p else { return (0, 0) }
        switch p.placement {
        case .right: return (p.size.width + gap, 0)
        case .bottom: return (0, p.size.height + gap)
        case .inside, .none: return (0, 0)
        }
    }

    /// The corner of `plot` (inset by `pad`) for a legend of `size` that covers the fewest of
    /// the points (`xs`, `ys` in figure coordinates): top right, top left, bottom right, bottom left.
    static func emptiestCorner(of plot: Rect, size: Size, pad: Double, xs: [Double], ys: [Double]) -> Point {
        let inner = plot.inset(by: pad)
        let corners = [Point(x: inner.maxX - size.width, y: inner.minY), Point(x: inner.minX, y: inner.minY),
                       Point(x: inner.maxX - size.width, y: inner.maxY - size.height), Point(x: inner.minX, y: inner.maxY - size.height)]
        var best = corners[0], fewest = Int.max
        for corner in corners {
            let box = Rect(x: corner.x - pad, y: corner.y - pad, width: size.width + 2 * pad, height: size.height + 2 * pad)
            var covered = 0
            for k in xs.indices where xs[k] >= box.minX && xs[k] <= box.maxX && ys[k] >= box.minY && ys[k] <= box.maxY { covered += 1 }
            if covered < fewest { fewest = covered; best = corner }
        }
        return best
    }

    /// Draws the legend where `p` puts it around `plot`: to its right, under it (centred in
    /// `content`'s width), or in its emptiest corner on a translucent box. Returns the frame drawn.
    @discardableResult
    func draw(_ p: Placement, in canvas: Canvas, plot: Rect, content: Rect, gap: Double,
              points: (xs: [Double], ys: [Double]) = ([], [])) -> Rect {
        let origin: Point
        switch p.placement {
        case .right:
            origin = Point(x: plot.maxX + gap, y: plot.minY + max(0, (plot.height - p.size.height) / 2))
        case .bottom:
            origin = Point(x: content.minX + max(0, (content.width - p.size.width) / 2), y: content.maxY - p.size.height)
        case .inside:
            let pad = 5 * style.scale
            origin = Legend.emptiestCorner(of: plot, size: p.size, pad: pad, xs: points.xs, ys: points.ys)
            let box = Rect(x: origin.x - pad, y: origin.y - pad, width: p.size.width + 2 * pad, height: p.size.height + 2 * pad)
            canvas.fill(box, color: Color.white.withAlpha(0.85))
            canvas.stroke(box, color: .lightGrey, lineWidth: 0.6)
        case .none:
            return Rect(x: 0, y: 0, width: 0, height: 0)
        }
        draw(in: canvas, at: origin, columns: p.columns, maximumNameWidth: p.maximumNameWidth, acrossFirst: p.placement == .bottom)
        return Rect(x: origin.x, y: origin.y, width: p.size.width, height: p.size.height)
    }
}

/// A vertical colour bar for a continuous colour map, with ticks and an optional label.
struct ColorBar {
    var map: ColorMap
    var lower: Double
    var upper: Double
    var label: String?
    var style: FigureStyle

    var barWidth: Double { 11 * style.scale }

    private var axis: Axis { Axis(minimum: lower, maximum: upper, padding: 0, targetTicks: 5) }

    func width(canvas: Canvas) -> Double {
        let a = axis
        let widest = a.tickLabels.map { canvas.textWidth($0, size: style.tickSize) }.max() ?? 0
        return barWidth + style.tickLength + 3 + widest + (label == nil ? 0 : style.labelSize + 8)
    }

    func draw(in canvas: Canvas, x: Double, top: Double, height: Double) {
        let h = min(height, 260 * style.scale)
        let y0 = top + (height - h) / 2
        let steps = 128
        for k in 0..<steps {
            let t0 = Double(k) / Double(steps)
            let r = Rect(x: x, y: y0 + h * (1 - t0 - 1 / Double(steps)), width: barWidth, height: h / Double(steps) + 0.4)
            canvas.fill(r, color: map.color(at: t0 + 0.5 / Double(steps)))
        }
        canvas.stroke(Rect(x: x, y: y0, width: barWidth, height: h), color: .axisGrey, lineWidth: 0.6)
        let a = axis
        var widest = 0.0
        for (v, label) in zip(a.ticks, a.tickLabels) {
            let f = upper > lower ? (v - lower) / (upper - lower) : 0.5
            let py = y0 + h * (1 - f)
            canvas.line(from: Point(x: x + barWidth, y: py), to: Point(x: x + barWidth + style.tickLength, y: py), color: .axisGrey)
            canvas.text(label, at: Point(x: x + barWidth + style.tickLength + 3, y: py), size: style.tickSize,
                        color: .axisGrey, vertical: .middle)
            widest = max(widest, canvas.textWidth(label, size: style.tickSize))
        }
        if let label {
            canvas.text(label, at: Point(x: x + barWidth + style.tickLength + 6 + widest, y: y0 + h / 2),
                        size: style.labelSize, horizontal: .center, vertical: .top, rotation: 90)
        }
    }
}
