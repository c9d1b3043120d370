/// Several figures side by side (and in rows), each with its own title, in one file.
///
/// Each cell is as large as the largest figure; figures are centred in their cells. Maps of the
/// same points coloured the same way can share one legend (`sharingLegend()`), drawn once
/// under the cells or beside them, as `style.legend` says.
///
/// ```swift
/// try Panel([pcaPlot, tsnePlot], columns: 2).titled("MNIST test set").lettered().sharingLegend()
///     .write(to: "compare.pdf")
/// ```
public struct Panel: Figure {
    public var figures: [any Figure]
    /// Figures per row.
    public var columns: Int
    public var title: String?
    /// Whether each cell gets a bold letter (a, b, c, …) in its top-left corner.
    public var showsLetters = false
    /// Space between cells in points.
    public var spacing = 6.0
    /// One legend for all cells, or `nil` when each figure draws its own.
    public var sharedLegend: [LegendEntry]?
    /// The panel's style; setting it gives every cell the same style.
    public var style = FigureStyle() {
        didSet { for k in figures.indices { figures[k].style = style } }
    }

    /// A panel of `figures`, `columns` per row (default: all in one row).
    public init(_ figures: [any Figure], columns: Int? = nil) {
        self.figures = figures
        self.columns = max(1, columns ?? figures.count)
    }

    public func titled(_ title: String) -> Panel { var c = self; c.title = title.isEmpty ? nil : title; return c }
    /// A copy with letters a, b, c, … on the cells.
    public func lettered(_ shown: Bool = true) -> Panel { var c = self; c.showsLetters = shown; return c }

    /// A copy with one legend for the panel: `entries`, or when `nil` the legend of the first
    /// labelled scatter plot (or thumbnail map) among the cells, whose own legends are turned
    /// off so the maps get the room.
    public func sharingLegend(_ entries: [LegendEntry]? = nil) -> Panel {
        var c = self
        var found = entries
        for k in c.figures.indices {
            if var s = c.figures[k] as? ScatterPlot {
                if found == nil { found = s.legendEntries() }
                s.showsLegend = false
                c.figures[k] = s
            } else if var t = c.figures[k] as? ThumbnailScatter {
                if found == nil { found = t.scatter.legendEntries() }
                t.scatter.showsLegend = false
                c.figures[k] = t
            }
        }
        c.sharedLegend = found.flatMap { $0.isEmpty ? nil : $0 }
        return c
    }

    private var cell: Size {
        Size(width: figures.map(\.size.width).max() ?? 0, height: figures.map(\.size.height).max() ?? 0)
    }
    private var rowCount: Int { (figures.count + columns - 1) / columns }
    private var titleHeight: Double { title == nil ? 0 : style.titleSize + 2 * style.margin }
    private var grid: Size {
        let c = cell, used = min(columns, figures.count)
        return Size(width: Double(used) * c.width + Double(max(0, used - 1)) * spacing,
                    height: titleHeight + Double(rowCount) * c.height + Double(max(0, rowCount - 1)) * spacing)
    }

    /// The shared legend and where it goes for a grid of `grid` size, or `nil`.
    private func legendLayout(grid: Size, canvas: Canvas) -> (legend: Legend, placement: Legend.Placement)? {
        guard let sharedLegend, style.legend != .none else { return nil }
        let legend = Legend(entries: sharedLegend, style: style)
        let asked: LegendPlacement = style.legend == .inside ? .bottom : style.legend
        // Beside the grid the legend may use its whole height; under it, its whole width.
        let content = Rect(x: 0, y: 0, width: grid.width + 400 * style.scale, height: grid.height * 4)
        guard var p = legend.place(asked, content: content, rightHeight: grid.height - titleHeight, nameLimit: 160 * style.scale,
                                   canvas: canvas) else { return nil }
        if p.placement == .bottom {
            let columns = legend.columns(fittingWidth: grid.width - 2 * style.margin, canvas: canvas)
            p.columns = columns
            p.size = legend.size(columns: columns, canvas: canvas, maximumNameWidth: p.maximumNameWidth)
        }
        return (legend, p)
    }

    private var legendRoom: (right: Double, bottom: Double) {
        Canvas.measuring(style: style) { canvas in
            guard let (_, p) = legendLayout(grid: grid, canvas: canvas) else { return (0, 0) }
            return p.placement == .right ? (p.size.width + 2 * style.margin, 0) : (0, p.size.height + 2 * style.margin)
        }
    }

    public var size: Size {
        let g = grid, room = legendRoom
        return Size(width: g.width + room.right, height: g.height + room.bottom)
    }

    public func validate() throws {
        guard !figures.isEmpty else { throw PlotError.empty(what: "the panel") }
        for f in figures { try f.validate() }
    }

    public func draw(in canvas: Canvas, frame: Rect) throws {
        let natural = size
        let s = min(frame.width / natural.width, frame.height / natural.height, 1)
        if let title {
            canvas.text(fitted(title, width: frame.width - 2 * style.margin, size: style.titleSize + style.scale, canvas: canvas),
                        at: Point(x: frame.minX + grid.width * s / 2, y: frame.minY + style.margin), size: style.titleSize + style.scale,
                        horizontal: .center, vertical: .top)
        }
        let c = cell
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        for (k, figure) in figures.enumerated() {
            let row = k / columns, column = k % columns
            let cellRect = Rect(x: frame.minX + Double(column) * (c.width + spacing) * s,
                                y: frame.minY + (titleHeight + Double(row) * (c.height + spacing)) * s,
                                width: c.width * s, height: c.height * s)
            let f = figure.size
            let figureFrame = Rect(x: cellRect.midX - f.width * s / 2, y: cellRect.minY,
                                   width: f.width * s, height: f.height * s)
            try figure.draw(in: canvas, frame: figureFrame)
            if showsLetters, k < letters.count {
                canvas.text(String(letters[k]), at: Point(x: cellRect.minX + 6 * style.scale, y: cellRect.minY + 6 * style.scale),
                            size: style.titleSize + style.scale, bold: true, vertical: .top)
            }
        }
        let g = grid
        if let (legend, p) = legendLayout(grid: g, canvas: canvas) {
            let gridRect = Rect(x: frame.minX, y: frame.minY + titleHeight * s, width: g.width * s, height: (g.height - titleHeight) * s)
            let origin = p.placement == .right
                ? Point(x: gridRect.maxX + style.margin, y: gridRect.midY - p.size.height / 2)
                : Point(x: gridRect.midX - p.size.width / 2, y: gridRect.maxY + style.margin)
            legend.draw(in: canvas, at: origin, columns: p.columns, maximumNameWidth: p.maximumNameWidth,
                        acrossFirst: p.placement == .bottom)
        }
    }
}
