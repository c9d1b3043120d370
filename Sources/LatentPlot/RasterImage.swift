import CCairo
import Foundation

/// A rendered bitmap: `width × height` pixels, each a premultiplied `0xAARRGGBB` value.
///
/// `Figure.rasterized(dpi:)` returns one, and `RasterImage(contentsOfPNG:)` reads a PNG back, so
/// tests and scripts can probe pixels of a figure.
public struct RasterImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major pixels, `0xAARRGGBB`, colour premultiplied by alpha.
    public let pixels: [UInt32]

    public init(width: Int, height: Int, pixels: [UInt32]) {
        precondition(pixels.count == width * height, "\(pixels.count) pixels for \(width) × \(height)")
        self.width = width; self.height = height; self.pixels = pixels
    }

    /// Reads a PNG file.
    /// - Throws: `PlotError.cannotRead` when the file is missing or not a PNG.
    public init(contentsOfPNG path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw PlotError.cannotRead(path: path, reason: "no such file")
        }
        guard let surface = cairo_image_surface_create_from_png(path) else {
            throw PlotError.cannotRead(path: path, reason: "cairo could not open it")
        }
        defer { cairo_surface_destroy(surface) }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.cannotRead(path: path, reason: String(cString: cairo_status_to_string(status)))
        }
        self = RasterImage(copying: surface)
    }

    /// Copies the pixels of a cairo image surface (ARGB32 or RGB24).
    init(copying surface: OpaquePointer) {
        cairo_surface_flush(surface)
        let w = Int(cairo_image_surface_get_width(surface))
        let h = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let opaque = cairo_image_surface_get_format(surface) == CAIRO_FORMAT_RGB24
        var out = [UInt32](repeating: 0, count: w * h)
        if let data = cairo_image_surface_get_data(surface) {
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
                    for x in 0..<w { dst[y * w + x] = opaque ? row[x] | 0xFF00_0000 : row[x] }
                }
            }
        }
        self.init(width: w, height: h, pixels: out)
    }

    /// The colour at pixel (`x`, `y`), un-premultiplied.
    public func color(x: Int, y: Int) -> Color {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width) × \(height)")
        let p = pixels[y * width + x]
        let a = Double(p >> 24) / 255
        guard a > 0 else { return Color(red: 0, green: 0, blue: 0, alpha: 0) }
        return Color(red: Double((p >> 16) & 0xFF) / 255 / a, green: Double((p >> 8) & 0xFF) / 255 / a,
                     blue: Double(p & 0xFF) / 255 / a, alpha: a)
    }
}
