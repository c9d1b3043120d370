import CCairo
import Foundation

/// PNG encoding through cairo, plus the resolution chunk cairo leaves out.
enum PNG {
    /// Encodes an image surface as PNG with a `pHYs` chunk recording `dpi`, so document
    /// tools (LaTeX, Word, Inkscape) place the figure at its intended physical size.
    static func encode(_ surface: OpaquePointer, dpi: Double) throws -> Data {
        let sink = ByteSink()
        let status = withExtendedLifetime(sink) {
            cairo_surface_write_to_png_stream(surface, ByteSink.append, Unmanaged.passUnretained(sink).toOpaque())
        }
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.cairo(operation: "encoding PNG", status: String(cString: cairo_status_to_string(status)))
        }
        return withResolution(sink.data, dpi: dpi)
    }

    /// `png` with a `pHYs` chunk (pixels per metre, both axes) inserted after the header chunk.
    static func withResolution(_ png: Data, dpi: Double) -> Data {
        // 8-byte signature, then IHDR: length (4) + type (4) + 13 bytes + CRC (4) = 25 bytes.
        let afterHeader = 33
        guard png.count > afterHeader else { return png }
        let perMetre = UInt32((dpi / 0.0254).rounded())
        var body = Data("pHYs".utf8)
        for _ in 0..<2 { withUnsafeBytes(of: perMetre.bigEndian) { body.append(contentsOf: $0) } }
        body.append(1)   // unit: metre
        var chunk = Data()
        withUnsafeBytes(of: UInt32(body.count - 4).bigEndian) { chunk.append(contentsOf: $0) }
        chunk.append(body)
        withUnsafeBytes(of: crc32(body).bigEndian) { chunk.append(contentsOf: $0) }
        var out = Data(png.prefix(afterHeader))
        out.append(chunk)
        out.append(png.dropFirst(afterHeader))
        return out
    }

    /// The CRC-32 PNG chunks carry (ISO 3309, polynomial 0xEDB88320).
    static func crc32(_ bytes: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}
