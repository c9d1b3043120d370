import Foundation

/// Where a figure's legend (or colour bar) goes.
public enum LegendPlacement: String, Sendable, CaseIterable {
    /// Beside the plot, on the right, in as many columns as the plot's height needs.
    case right
    /// Under the plot, in as many columns as fit its width.
    case bottom
    /// In the plot's emptiest corner, on a translucent white box.
    case inside
    /// No legend.
    case none
}

/// How text goes into vector files.
public enum TextRendering: String, Sendable, CaseIterable {
    /// Real text: SVG `<text>` elements and PDF text with the font embedded, both selectable
    /// and editable; an SVG reader without the font substitutes another.
    case text
    /// Glyph outlines: looks the same everywhere, but cannot be selected or edited.
    case paths
}

/// Type and legend settings shared by every figure: the base font size (the others follow in
/// proportion), the font family, where legends go and how text is written into SVG and PDF.
///
/// The defaults suit a figure about 7 inches wide on screen. For a 3.5-inch journal column, an
/// 8-point base size and a Helvetica metric clone are common:
///
/// ```swift
/// var style = FigureStyle()
/// style.fontSize = 8
/// style.fontFamily = "Liberation Sans"
/// style.legend = .bottom
/// try ScatterPlot(embedding, labels: labels).styled(style).width(252).write(to: "map.pdf")
/// ```
public struct FigureStyle: Sendable, Equatable {
    /// The base font size in points: axis labels; titles are 1.2 times it, legends 0.9 times,
    /// tick labels and captions 0.85 times (default 10).
    public var fontSize = 10.0
    /// Any fontconfig family (`fc-list : family`), e.g. "Liberation Sans" or "TeX Gyre Heros",
    /// both metric clones of Helvetica (default "DejaVu Sans").
    public var fontFamily = FigureStyle.defaultFontFamily
    /// Where legends and colour bars go (default `.right`).
    public var legend: LegendPlacement = .right
    /// How SVG and PDF files hold text (default `.text`: selectable); PNG is unaffected.
    public var text: TextRendering = .text
    /// How scatter points go into SVG and PDF files, overriding each plot's own
    /// `pointRendering` when set (`.vector` discs, an embedded `.raster` bitmap); default `nil`.
    public var points: PointRendering?

    /// The font family of the defaults, from Debian's fonts-dejavu-core.
    public static let defaultFontFamily = "DejaVu Sans"
    /// The smallest and largest base font size accepted, in points.
    public static let fontSizeRange = 3.0...72.0

    public init() {}

    /// Checks the size and the family.
    /// - Throws: `PlotError.invalidArgument` for a font size outside 3…72 points or a family
    ///   fontconfig does not have (it would silently substitute another).
    public func validate() throws {
        guard fontSize.isFinite, FigureStyle.fontSizeRange.contains(fontSize) else {
            throw PlotError.invalidArgument("font size must be between \(Int(FigureStyle.fontSizeRange.lowerBound)) and \(Int(FigureStyle.fontSizeRange.upperBound)) points, got \(fontSize)")
        }
        try FontCheck.check(fontFamily)
    }

    // MARK: Sizes in points, in proportion to the base size

    var scale: Double { fontSize / 10 }
    var titleSize: Double { 1.2 * fontSize }
    var labelSize: Double { fontSize }
    var tickSize: Double { 0.85 * fontSize }
    var legendSize: Double { 0.9 * fontSize }
    var captionSize: Double { 0.85 * fontSize }
    /// Space between a figure's edge and its content.
    var margin: Double { 10 * scale }
    var tickLength: Double { 3.5 * scale }
    var axisLine: Double { 0.8 }
    /// The height a title takes, with the space under it.
    var titleRoom: Double { titleSize + 8 * scale }
}

/// Draws a centred title at the top of `frame` and returns the frame below it.
func drawTitle(_ title: String?, in canvas: Canvas, frame: Rect, style: FigureStyle) -> Rect {
    guard let title, !title.isEmpty else { return frame.inset(top: style.margin) }
    let top = frame.minY + style.margin
    canvas.text(fitted(title, width: frame.width - 2 * style.margin, size: style.titleSize, canvas: canvas),
                at: Point(x: frame.midX, y: top), size: style.titleSize, horizontal: .center, vertical: .top)
    return frame.inset(top: style.margin + style.titleRoom)
}

/// Shortens `text` with an ellipsis until it fits `width` at `size`. Widths within 0.01 point
/// count as fitting: cairo's measure of one string can differ in the last bit between calls.
func fitted(_ text: String, width: Double, size: Double, bold: Bool = false, canvas: Canvas) -> String {
    let width = width + 0.01
    if canvas.textWidth(text, size: size, bold: bold) <= width { return text }
    var chars = Array(text)
    while chars.count > 1 {
        chars.removeLast()
        let candidate = String(chars) + "…"
        if canvas.textWidth(candidate, size: size, bold: bold) <= width { return candidate }
    }
    return "…"
}

extension Figure {
    /// A copy drawn with `style` (font size and family, legend placement, text in vector files).
    public func styled(_ style: FigureStyle) -> Self {
        var copy = self
        copy.style = style
        return copy
    }
}
