import Foundation
import LatentCore

/// A matrix of values as coloured cells, with the values written in them: a confusion matrix.
///
/// ```swift
/// try Heatmap(confusion: counts, classNames: ClassNames.digits)
///     .titled("k-means clusters vs. digits").write(to: "confusion.svg")
/// ```
public struct Heatmap: Figure {
    /// R × C values; row r is drawn as the r-th row from the top.
    public var values: Matrix
    public var rowNames: [String]
    public var columnNames: [String]
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var colorMap: ColorMap = .blues
    /// Whether the numbers are written in the cells.
    public var showsValues = true
    /// Decimals of the numbers in the cells (0 for counts).
    public var decimals = 0
    public var showsColorBar = true
    public var style = FigureStyle()

    /// A heatmap of `values` with names for its rows and columns (default: 0, 1, 2, …).
    public init(_ values: Matrix, rowNames: [String]? = nil, columnNames: [String]? = nil) {
        self.values = values
        self.rowNames = rowNames ?? (0..<values.rows).map(String.init)
        self.columnNames = columnNames ?? (0..<values.columns).map(String.init)
    }

    /// A confusion matrix: `counts[true][predicted]`, true classes down, predictions across.
    public init(confusion counts: [[Int]], classNames: [String]? = nil, predictedNames: [String]? = nil) throws {
        let m = try Matrix(counts.map { $0.map(Float.init) })
        self.init(m, rowNames: classNames, columnNames: predictedNames ?? (m.columns == m.rows ? classNames : nil))
        xLabel = "predicted"
        yLabel = "true"
    }

    public func titled(_ title: String) -> Heatmap { var c = self; c.title = title; return c }
    public func axisLabels(x: String?, y: String?) -> Heatmap { var c = self; c.xLabel = x; c.yLabel = y; return c }
    public func colorMap(_ map: ColorMap) -> Heatmap { var c = self; c.colorMap = map; return c }
    public func cellValues(_ shown: Bool, decimals: Int = 0) -> Heatmap { var c = self; c.showsValues = shown; c.decimals = decimals; return c }

    public var size: Size {
        let cell = max(22, min(40, 360 / Double(max(values.rows, values.columns, 1)))) * style.scale
        let names = Double((rowNames + columnNames).map(\.count).max() ?? 1) * style.tickSize * 0.62
        return Size(width: Double(values.columns) * cell + names + 130 * style.scale, height: Double(values.rows) * cell + names + 80 * style.scale)
    }

    public func validate() throws {
        guard values.rows > 0, values.columns > 0 else { throw PlotError.empty(what: "the heatmap matrix") }
        if let (r, c) = values.firstNonFinite() { throw PlotError.nonFinite(what: "heatmap cell in row \(r), column", index: c) }
        guard rowNames.count == values.rows else { throw PlotError.lengthMismatch(what: "row names", expected: values.rows, got: rowNames.count) }
        guard columnNames.count == values.columns else {
            throw PlotError.lengthMismatch(what: "column names", expected: values.columns, got: columnNames.count)
        }
    }

    public func draw(in canvas: Canvas, frame: Rect) throws {
        try validate()
        let content = drawTitle(title, in: canvas, frame: frame, style: style).inset(left: style.margin, bottom: style.margin, right: style.margin)
        let lo = Double(values.elements.min()!), hi = Double(values.elements.max()!)
        let bar = showsColorBar ? ColorBar(map: colorMap, lower: lo, upper: hi > lo ? hi : lo + 1, label: nil, style: style) : nil
        let barWidth = bar.map { $0.width(canvas: canvas) + 14 } ?? 0
        let rowNameWidth = rowNames.map { canvas.textWidth($0, size: style.tickSize) }.max() ?? 0
        let columnNameWidth = columnNames.map { canvas.textWidth($0, size: style.tickSize) }.max() ?? 0
        // Column names are turned 45° when they would not fit under their cells.
        let yLabelRoom = yLabel == nil ? 0 : style.labelSize + 8
        let xLabelRoom = xLabel == nil ? 0 : style.labelSize + 8
        let area = content.inset(left: yLabelRoom + rowNameWidth + 6, right: barWidth)
        let guessCell = min(area.width / Double(values.columns), (area.height - style.tickSize - 6 - xLabelRoom) / Double(values.rows))
        let turned = columnNameWidth > guessCell - 2
        let bottomNames = turned ? columnNameWidth * 0.72 + style.tickSize + 6 : style.tickSize + 6
        let cell = min(area.width / Double(values.columns), (area.height - bottomNames - xLabelRoom) / Double(values.rows))
        let grid = Rect(x: area.minX + (area.width - cell * Double(values.columns)) / 2, y: area.minY,
                        width: cell * Double(values.columns), height: cell * Double(values.rows))
        let span = hi > lo ? hi - lo : 1
        let valueSize = min(style.tickSize, cell * 0.36)
        for r in 0..<values.rows {
            for c in 0..<values.columns {
                let v = Double(values[r, c])
                let rect = Rect(x: grid.minX + Double(c) * cell, y: grid.minY + Double(r) * cell, width: cell, height: cell)
                let color = colorMap.color(at: (v - lo) / span)
                canvas.fill(rect, color: color)
                if showsValues {
                    canvas.text(String(format: "%.\(decimals)f", v), at: Point(x: rect.midX, y: rect.midY), size: valueSize,
                                color: color.contrastingText, horizontal: .center, vertical: .middle)
                }
            }
        }
        canvas.stroke(grid, color: .axisGrey, lineWidth: 0.6)
        for (r, name) in rowNames.enumerated() {
            canvas.text(name, at: Point(x: grid.minX - 5, y: grid.minY + (Double(r) + 0.5) * cell), size: style.tickSize,
                        horizontal: .trailing, vertical: .middle)
        }
        for (c, name) in columnNames.enumerated() {
            let x = grid.minX + (Double(c) + 0.5) * cell
            if turned {
                canvas.text(name, at: Point(x: x + 3, y: grid.maxY + 5), size: style.tickSize, horizontal: .trailing, vertical: .middle, rotation: 45)
            } else {
                canvas.text(name, at: Point(x: x, y: grid.maxY + 4), size: style.tickSize, horizontal: .center, vertical: .top)
            }
        }
        if let xLabel {
            canvas.text(xLabel, at: Point(x: grid.midX, y: grid.maxY + bottomNames + 4), size: style.labelSize, horizontal: .center, vertical: .top)
        }
        if let yLabel {
            canvas.text(yLabel, at: Point(x: grid.minX - rowNameWidth - 10, y: grid.midY), size: style.labelSize,
                        horizontal: .center, vertical: .bottom, rotation: 90)
        }
        bar?.draw(in: canvas, x: grid.maxX + 14, top: grid.minY, height: grid.height)
    }
}
