/// Several figures side by side (and in rows), each with its own title, in one file.
///
/// Each cell is as large as the largest figure; figures are centred in their cells.
///
/// ```swift
/// try Panel([pcaPlot, tsnePlot], columns: 2).titled("MNIST test set").lettered().write(to: "compare.pdf")
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

    /// A panel of `figures`, `columns` per row (default: all in one row).
    public init(_ figures: [any Figure], columns: Int? = nil) {
        self.figures = figures
        self.columns = max(1, columns ?? figures.count)
    }

    public func titled(_ title: String) -> Panel { var c = self; c.title = title.isEmpty ? nil : title; return c }
    /// A copy with letters a, b, c, … on the cells.
    public func lettered(_ shown: Bool = true) -> Panel { var c = self; c.showsLetters = shown; return c }

    private var cell: Size {
        Size(width: figures.map(\.size.width).max() ?? 0, height: figures.map(\.size.height).max() ?? 0)
    }
    private var rowCount: Int { (figures.count + columns - 1) / columns }
    private var titleHeight: Double { title == nil ? 0 : Style.title + 2 * Style.margin }

    public var size: Size {
        let c = cell, used = min(columns, figures.count)
        return Size(width: Double(used) * c.width + Double(max(0, used - 1)) * spacing,
                    height: titleHeight + Double(rowCount) * c.height + Double(max(0, rowCount - 1)) * spacing)
    }

    public func validate() throws {
        guard !figures.isEmpty else { throw PlotError.empty(what: "the panel") }
        for f in figures { try f.validate() }
    }

    public func draw(in canvas: Canvas, frame: Rect) throws {
        let natural = size
        let s = min(frame.width / natural.width, frame.height / natural.height, 1)
        if let title {
            canvas.text(title, at: Point(x: frame.midX, y: frame.minY + Style.margin), size: Style.title + 1,
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
                canvas.text(String(letters[k]), at: Point(x: cellRect.minX + 6, y: cellRect.minY + 6), size: Style.title + 1,
                            bold: true, vertical: .top)
            }
        }
    }
}
