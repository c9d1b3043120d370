import CCairo
import Foundation

/// Horizontal placement of text relative to its anchor point.
public enum HorizontalAlignment: Sendable { case leading, center, trailing }
/// Vertical placement of text relative to its anchor point.
public enum VerticalAlignment: Sendable { case top, middle, baseline, bottom }

/// A drawing surface in points (1/72 inch, y downwards) over a Cairo context.
///
/// Figures draw themselves into a canvas; `Figure.write(to:)` makes one for the output format
/// and Panel hands each sub-figure a part of its own. Text is in the font family of the
/// figure's `FigureStyle` (DejaVu Sans by default). The canvas knows whether it is a bitmap
/// (PNG) or vector output (SVG, PDF), so large point clouds can be drawn the fast way for each.
///
/// Cairo's SVG surface writes every glyph as an outline (there is no option for text), so for
/// SVG with `TextRendering.text` the canvas records each string as an SVG `<text>` element
/// instead, and `Renderer` adds them to the file above the drawing.
public final class Canvas {
    let cr: OpaquePointer
    /// Device pixels per point for bitmap output; `nil` for vector output.
    let rasterScale: Double?
    let surface: OpaquePointer
    /// The canvas size in points.
    public let size: Size
    /// The font family of all text.
    public let fontFamily: String
    /// How text goes into vector output.
    let textRendering: TextRendering
    /// SVG `<text>` elements, in drawing order, when this canvas writes text for SVG itself.
    private(set) var svgText: [String]?

    init(surface: OpaquePointer, size: Size, rasterScale: Double?, style: FigureStyle = FigureStyle(), writesSVGText: Bool = false) {
        self.surface = surface
        self.size = size
        self.rasterScale = rasterScale
        fontFamily = style.fontFamily
        textRendering = style.text
        svgText = writesSVGText ? [] : nil
        cr = cairo_create(surface)
        if let s = rasterScale { cairo_scale(cr, s, s) }
        // Unhinted metrics: text takes the same room in PNG, SVG and PDF.
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_set_font_options(cr, options)
        cairo_font_options_destroy(options)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
    }

    deinit { cairo_destroy(cr) }

    /// Runs `body` with a tiny bitmap canvas, for measuring text outside of drawing.
    static func measuring<R>(style: FigureStyle = FigureStyle(), _ body: (Canvas) throws -> R) rethrows -> R {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1)!
        defer { cairo_surface_destroy(surface) }
        return try body(Canvas(surface: surface, size: Size(width: 1, height: 1), rasterScale: 1, style: style))
    }

    /// True for SVG and PDF output.
    public var isVector: Bool { rasterScale == nil }

    /// Throws if cairo has recorded an error in this context.
    func checkStatus(_ operation: String) throws {
        let status = cairo_status(cr)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.cairo(operation: operation, status: String(cString: cairo_status_to_string(status)))
        }
    }

    // MARK: Colours and shapes

    func setColor(_ c: Color) { cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha) }

    /// Covers the whole surface with `color`.
    func paintBackground(_ color: Color) {
        setColor(color)
        cairo_paint(cr)
    }

    /// Fills `rect` with `color`.
    public func fill(_ rect: Rect, color: Color) {
        setColor(color)
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        cairo_fill(cr)
    }

    /// Strokes the outline of `rect`.
    public func stroke(_ rect: Rect, color: Color, lineWidth: Double = 0.8) {
        setColor(color)
        cairo_set_line_width(cr, lineWidth)
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        cairo_stroke(cr)
    }

    /// Draws a straight line; `dash` is an on/off pattern in points.
    public func line(from a: Point, to b: Point, color: Color, lineWidth: Double = 0.8, dash: [Double] = []) {
        polyline([a, b], color: color, lineWidth: lineWidth, dash: dash)
    }

    /// Draws connected line segments through `points`.
    public func polyline(_ points: [Point], color: Color, lineWidth: Double = 1.2, dash: [Double] = []) {
        guard let first = points.first else { return }
        setColor(color)
        cairo_set_line_width(cr, lineWidth)
        cairo_set_dash(cr, dash, Int32(dash.count), 0)
        cairo_move_to(cr, first.x, first.y)
        for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
        cairo_stroke(cr)
        cairo_set_dash(cr, nil, 0, 0)
    }

    /// Draws a disc, filled and optionally outlined.
    public func circle(center: Point, radius: Double, fill: Color?, stroke: Color? = nil, lineWidth: Double = 0.8) {
        cairo_new_path(cr)
        cairo_arc(cr, center.x, center.y, radius, 0, 2 * .pi)
        if let fill {
            setColor(fill)
            if stroke != nil { cairo_fill_preserve(cr) } else { cairo_fill(cr) }
        }
        if let stroke {
            setColor(stroke)
            cairo_set_line_width(cr, lineWidth)
            cairo_stroke(cr)
        }
    }

    /// Runs `body` with drawing clipped to `rect`.
    public func clipped(to rect: Rect, _ body: () throws -> Void) rethrows {
        cairo_save(cr)
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(cr)
        defer { cairo_restore(cr) }
        try body()
    }

    // MARK: Text

    private func selectFont(size: Double, bold: Bool) {
        cairo_select_font_face(cr, fontFamily, CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
    }

    /// The advance width of `text` in points.
    public func textWidth(_ text: String, size: Double, bold: Bool = false) -> Double {
        selectFont(size: size, bold: bold)
        var e = cairo_text_extents_t()
        cairo_text_extents(cr, text, &e)
        return e.x_advance
    }

    /// Ascent and descent of the font at `size` (points above and below the baseline).
    func fontMetrics(size: Double, bold: Bool = false) -> (ascent: Double, descent: Double) {
        selectFont(size: size, bold: bold)
        var e = cairo_font_extents_t()
        cairo_font_extents(cr, &e)
        // DejaVu's line ascent includes accents; digits and capitals reach about 0.73 em.
        return (min(e.ascent, 0.76 * size), min(e.descent, 0.24 * size))
    }

    /// Draws `text` with its anchor at `point`.
    ///
    /// - Parameters:
    ///   - rotation: counter-clockwise rotation in degrees about the anchor (90 for y-axis labels).
    ///   - halo: when set, the glyphs get an outline of this colour first, so labels stay
    ///     readable on top of points.
    public func text(_ text: String, at point: Point, size: Double, color: Color = .black, bold: Bool = false,
                     horizontal: HorizontalAlignment = .leading, vertical: VerticalAlignment = .baseline,
                     rotation: Double = 0, halo: Color? = nil) {
        guard !text.isEmpty else { return }
        let width = textWidth(text, size: size, bold: bold)
        let (ascent, descent) = fontMetrics(size: size, bold: bold)
        let dx: Double
        switch horizontal {
        case .leading: dx = 0
        case .center: dx = -width / 2
        case .trailing: dx = -width
        }
        let dy: Double
        switch vertical {
        case .top: dy = ascent
        case .middle: dy = (ascent - descent) / 2
        case .baseline: dy = 0
        case .bottom: dy = -descent
        }
        if svgText != nil {
            recordSVGText(text, at: point, size: size, color: color, bold: bold, horizontal: horizontal, dy: dy,
                          rotation: rotation, halo: halo)
            return
        }
        cairo_save(cr)
        cairo_translate(cr, point.x, point.y)
        if rotation != 0 { cairo_rotate(cr, -rotation * .pi / 180) }
        cairo_move_to(cr, dx, dy)
        if let halo {
            cairo_text_path(cr, text)
            setColor(halo)
            cairo_set_line_width(cr, size * 0.22)
            cairo_stroke_preserve(cr)
            setColor(color)
            cairo_fill(cr)
        } else if isVector && textRendering == .paths {
            cairo_text_path(cr, text)
            setColor(color)
            cairo_fill(cr)
        } else {
            setColor(color)
            cairo_show_text(cr, text)
        }
        cairo_restore(cr)
    }

    /// Appends `text` as an SVG `<text>` element (two, the first stroked, with a halo).
    private func recordSVGText(_ text: String, at point: Point, size: Double, color: Color, bold: Bool,
                               horizontal: HorizontalAlignment, dy: Double, rotation: Double, halo: Color?) {
        func number(_ v: Double) -> String { String(format: "%.2f", v) }
        func rgb(_ c: Color) -> String {
            String(format: "rgb(%d,%d,%d)", Int((c.red * 255).rounded()), Int((c.green * 255).rounded()), Int((c.blue * 255).rounded()))
        }
        let anchor: String
        switch horizontal {
        case .leading: anchor = "start"
        case .center: anchor = "middle"
        case .trailing: anchor = "end"
        }
        var transform = "translate(\(number(point.x)) \(number(point.y)))"
        if rotation != 0 { transform += " rotate(\(number(-rotation)))" }
        let family = SVGText.escaped(fontFamily) + (FontCheck.generics.contains(fontFamily.lowercased()) ? "" : ", sans-serif")
        let common = "transform=\"\(transform)\" y=\"\(number(dy))\" font-family=\"\(family)\" font-size=\"\(number(size))\""
            + (bold ? " font-weight=\"bold\"" : "") + " text-anchor=\"\(anchor)\" xml:space=\"preserve\""
        let body = SVGText.escaped(text)
        if let halo {
            svgText?.append("<text \(common) fill=\"none\" stroke=\"\(rgb(halo))\" stroke-opacity=\"\(number(halo.alpha))\" "
                            + "stroke-width=\"\(number(size * 0.22))\" stroke-linejoin=\"round\">\(body)</text>")
        }
        let opacity = color.alpha < 1 ? " fill-opacity=\"\(number(color.alpha))\"" : ""
        svgText?.append("<text \(common) fill=\"\(rgb(color))\"\(opacity)>\(body)</text>")
    }

    // MARK: Images

    /// Draws a greyscale image (`height × width` values in [0, 1], row-major, 0 = black) into
    /// `rect` with crisp pixels: nearest-neighbour scaling, and for vector output an integer
    /// upscale to about 300 dpi so no viewer smooths it.
    public func greyImage(_ values: UnsafeBufferPointer<Float>, height: Int, width: Int, in rect: Rect,
                          inverted: Bool = false) {
        let k: Int
        if isVector {
            k = max(1, min(16, Int((rect.width * 300 / 72 / Double(width)).rounded(.up))))
        } else {
            k = 1
        }
        let w = width * k, h = height * k
        guard let img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(w), Int32(h)) else { return }
        defer { cairo_surface_destroy(img) }
        guard cairo_surface_status(img) == CAIRO_STATUS_SUCCESS, let data = cairo_image_surface_get_data(img) else { return }
        let stride = Int(cairo_image_surface_get_stride(img))
        for y in 0..<h {
            let row = UnsafeMutableRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            let src = (y / k) * width
            for x in 0..<w {
                var v = values[src + x / k]
                if !v.isFinite { v = 0 }
                v = min(1, max(0, v))
                if inverted { v = 1 - v }
                let g = UInt32((v * 255).rounded())
                row[x] = 0xFF00_0000 | (g << 16) | (g << 8) | g
            }
        }
        cairo_surface_mark_dirty(img)
        paint(surface: img, pixelWidth: w, pixelHeight: h, in: rect, nearest: true)
    }

    /// Paints an image surface scaled into `rect`.
    func paint(surface img: OpaquePointer, pixelWidth: Int, pixelHeight: Int, in rect: Rect, nearest: Bool) {
        cairo_save(cr)
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(cr)
        cairo_translate(cr, rect.x, rect.y)
        cairo_scale(cr, rect.width / Double(pixelWidth), rect.height / Double(pixelHeight))
        cairo_set_source_surface(cr, img, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), nearest ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD)
        cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD)
        cairo_paint(cr)
        cairo_restore(cr)
    }
}
