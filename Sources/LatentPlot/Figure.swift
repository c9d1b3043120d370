import CCairo
import Foundation
import LatentCore

/// The file formats a figure can be written in, chosen by the file's extension.
public enum OutputFormat: String, Sendable, CaseIterable {
    case svg, png, pdf

    /// The format for `path`'s extension (case-insensitive).
    /// - Throws: `OutputError.unsupportedExtension` for anything but .svg, .png and .pdf.
    public init(path: String) throws {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard let format = OutputFormat(rawValue: ext) else {
            throw OutputError.unsupportedExtension(path: path, allowed: OutputFormat.allCases.map { "." + $0.rawValue })
        }
        self = format
    }
}

/// Something that draws itself into a rectangle of a `Canvas`: every plot in LatentPlot.
///
/// A figure has a natural `size` in points (1/72 inch) and lays itself out inside whatever
/// frame it is given, so a `Panel` can place several side by side. `write(to:)` picks the
/// format from the extension.
///
/// ```swift
/// try ScatterPlot(embedding, labels: labels).titled("MNIST").write(to: "mnist.svg")
/// try ScatterPlot(embedding, labels: labels).write(to: "mnist.png", dpi: 300)
/// ```
public protocol Figure: Sendable {
    /// The natural size in points.
    var size: Size { get }
    /// Font size and family, legend placement and text in vector files. The family and text
    /// rendering of the figure being written apply to the whole file (a panel's to its cells).
    var style: FigureStyle { get set }
    /// The height the figure takes when it is `width` points wide: what the content needs (a
    /// map's aspect, a gallery's rows), by default `size` scaled to that width.
    func height(forWidth width: Double) -> Double
    /// Checks the data before anything is drawn or written.
    /// - Throws: `PlotError` describing what is wrong with the input.
    func validate() throws
    /// Draws the figure into `frame` (which may differ from `size`).
    func draw(in canvas: Canvas, frame: Rect) throws
}

/// The longest side a figure may have, in points (about 5 m; cairo's vector surfaces and
/// document tools misbehave far before coordinates overflow).
public let maximumFigureSide = 14_400.0

/// The default resolution of PNG output: 200 dots per inch.
public let defaultDPI = 200.0

extension Figure {
    public func height(forWidth width: Double) -> Double {
        let natural = size
        return natural.width > 0 ? natural.height * width / natural.width : natural.height
    }

    /// The figure drawn at another size: `width` and `height` in points, a missing one
    /// following from the other (the height through `height(forWidth:)`, the width in the
    /// natural size's proportion).
    public func sized(width: Double?, height: Double?) -> SizedFigure {
        let natural = size
        let w = width ?? height.map { natural.height > 0 ? $0 * natural.width / natural.height : natural.width } ?? natural.width
        let h = height ?? self.height(forWidth: w)
        return SizedFigure(self, size: Size(width: w, height: h))
    }

    /// Writes the figure to `path` as SVG, PNG or PDF, chosen by the extension.
    ///
    /// The file appears complete or not at all: it is written under a temporary name and then
    /// renamed (`AtomicFile`). The data is checked before the file is created.
    ///
    /// - Parameters:
    ///   - path: the output file, ending in `.svg`, `.png` or `.pdf`.
    ///   - dpi: dots per inch of PNG output (a 432-point-wide figure at 200 dpi is 1,200 pixels
    ///     wide); ignored for vector formats. Default 200.
    /// - Throws: `OutputError.unsupportedExtension`, `OutputError.cannotWrite` (missing or
    ///   read-only directory), `PlotError` for bad data or a cairo failure.
    public func write(to path: String, dpi: Double = defaultDPI) throws {
        let format = try OutputFormat(path: path)
        guard dpi.isFinite, dpi >= 10, dpi <= 2400 else {
            throw PlotError.invalidArgument("dpi must be between 10 and 2400, got \(dpi)")
        }
        try validate()
        try style.validate()
        let size = self.size
        guard size.width > 0, size.height > 0, size.width <= maximumFigureSide, size.height <= maximumFigureSide else {
            throw PlotError.invalidArgument(String(format: "the figure would be %.4g × %.4g points; each side must be in (0, %.0f]",
                                                   size.width, size.height, maximumFigureSide))
        }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if FileManager.default.fileExists(atPath: dir), access(dir, W_OK) != 0 {
            throw OutputError.cannotWrite(path: path, reason: "directory \(dir) is not writable")
        }
        try AtomicFile.write(try Renderer.render(self, format: format, dpi: dpi), to: path)
    }

    /// Renders the figure to a bitmap in memory (`dpi / 72` pixels per point).
    public func rasterized(dpi: Double = defaultDPI) throws -> RasterImage {
        try validate()
        try style.validate()
        return try Renderer.withImageSurface(self, dpi: dpi) { RasterImage(copying: $0) }
    }
}

/// Creates cairo surfaces for each format and draws a figure on a white background.
enum Renderer {
    /// The bytes of `figure` in `format`. Vector output is collected from cairo's stream
    /// interface, so the file itself is written (and its write errors caught) by `AtomicFile`.
    static func render(_ figure: some Figure, format: OutputFormat, dpi: Double) throws -> Data {
        let size = figure.size
        switch format {
        case .png:
            return try withImageSurface(figure, dpi: dpi) { try PNG.encode($0, dpi: dpi) }
        case .svg, .pdf:
            let sink = ByteSink()
            return try withExtendedLifetime(sink) {
                let closure = Unmanaged.passUnretained(sink).toOpaque()
                guard let surface = format == .svg
                    ? cairo_svg_surface_create_for_stream(ByteSink.append, closure, size.width, size.height)
                    : cairo_pdf_surface_create_for_stream(ByteSink.append, closure, size.width, size.height) else {
                    throw PlotError.cairo(operation: "creating the \(format.rawValue) surface", status: "out of memory")
                }
                defer { cairo_surface_destroy(surface) }
                try check(surface, operation: "creating the \(format.rawValue) surface")
                if format == .svg { cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_1) }
                let writesText = format == .svg && figure.style.text == .text
                let text = try draw(figure, on: surface, rasterScale: nil, writesSVGText: writesText)
                cairo_surface_finish(surface)
                try check(surface, operation: "finishing the \(format.rawValue) output")
                return try SVGText.inserting(text, into: sink.data)
            }
        }
    }

    /// Draws `figure` on a white RGB bitmap and hands the surface to `body`.
    static func withImageSurface<R>(_ figure: some Figure, dpi: Double, _ body: (OpaquePointer) throws -> R) throws -> R {
        let scale = dpi / 72
        let pixels = (width: (figure.size.width * scale).rounded(), height: (figure.size.height * scale).rounded())
        guard pixels.width >= 1, pixels.height >= 1, pixels.width <= 32_767, pixels.height <= 32_767 else {
            throw PlotError.invalidArgument("a \(String(format: "%.0f × %.0f", pixels.width, pixels.height)) pixel image is outside cairo's limits (1…32767); lower the dpi or the figure size")
        }
        let w = Int(pixels.width), h = Int(pixels.height)
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(w), Int32(h)) else {
            throw PlotError.cairo(operation: "creating a \(w) × \(h) image", status: "out of memory")
        }
        defer { cairo_surface_destroy(surface) }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.cairo(operation: "creating a \(w) × \(h) image", status: String(cString: cairo_status_to_string(status)))
        }
        try draw(figure, on: surface, rasterScale: scale)
        cairo_surface_flush(surface)
        return try body(surface)
    }

    /// Draws `figure` and returns the SVG text elements the canvas recorded (none unless asked).
    @discardableResult
    private static func draw(_ figure: some Figure, on surface: OpaquePointer, rasterScale: Double?,
                             writesSVGText: Bool = false) throws -> [String] {
        let size = figure.size
        let canvas = Canvas(surface: surface, size: size, rasterScale: rasterScale, style: figure.style, writesSVGText: writesSVGText)
        let frame = Rect(x: 0, y: 0, width: size.width, height: size.height)
        canvas.paintBackground(.white)
        try figure.draw(in: canvas, frame: frame)
        try canvas.checkStatus("drawing the figure")
        return canvas.svgText ?? []
    }

    private static func check(_ surface: OpaquePointer, operation: String) throws {
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.cairo(operation: operation, status: String(cString: cairo_status_to_string(status)))
        }
    }
}

/// Bytes cairo hands to a stream surface (SVG, PDF, PNG), collected in memory.
final class ByteSink {
    var data = Data()

    /// A `cairo_write_func_t` appending to the `ByteSink` passed as the closure.
    static let append: cairo_write_func_t = { closure, bytes, length in
        guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
        Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
        return CAIRO_STATUS_SUCCESS
    }
}

/// A figure drawn into a size other than its own (`Figure.sized(width:height:)`); figures lay
/// themselves out inside whatever frame they are given.
public struct SizedFigure: Figure {
    public var figure: any Figure
    public var size: Size

    public init(_ figure: any Figure, size: Size) {
        self.figure = figure
        self.size = size
    }

    public var style: FigureStyle {
        get { figure.style }
        set { figure.style = newValue }
    }

    public func height(forWidth width: Double) -> Double { figure.height(forWidth: width) }
    public func validate() throws { try figure.validate() }
    public func draw(in canvas: Canvas, frame: Rect) throws { try figure.draw(in: canvas, frame: frame) }
}
