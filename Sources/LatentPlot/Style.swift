/// Type sizes and spacing shared by every figure, in points.
enum Style {
    static let title = 12.0
    static let label = 10.0
    static let tick = 8.5
    static let legend = 9.0
    static let caption = 8.5
    /// Space between a figure's edge and its content.
    static let margin = 10.0
    static let tickLength = 3.5
    static let axisLine = 0.8
}

/// Draws a centred title at the top of `frame` and returns the frame below it.
func drawTitle(_ title: String?, in canvas: Canvas, frame: Rect) -> Rect {
    guard let title, !title.isEmpty else { return frame.inset(top: Style.margin) }
    let top = frame.minY + Style.margin
    canvas.text(title, at: Point(x: frame.midX, y: top), size: Style.title, horizontal: .center, vertical: .top)
    return frame.inset(top: Style.margin + Style.title * 1.0 + 8)
}

/// Shortens `text` with an ellipsis until it fits `width` at `size`.
func fitted(_ text: String, width: Double, size: Double, bold: Bool = false, canvas: Canvas) -> String {
    if canvas.textWidth(text, size: size, bold: bold) <= width { return text }
    var chars = Array(text)
    while chars.count > 1 {
        chars.removeLast()
        let candidate = String(chars) + "…"
        if canvas.textWidth(candidate, size: size, bold: bold) <= width { return candidate }
    }
    return "…"
}
