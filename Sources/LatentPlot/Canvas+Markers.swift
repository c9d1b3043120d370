import CCairo
import Foundation

/// How the point layer of a scatter plot goes into SVG and PDF files.
public enum PointRendering: Sendable, Equatable {
    /// Vector discs up to `threshold` points, an embedded high-resolution bitmap above it.
    case automatic(threshold: Int)
    /// Always one vector disc per point (large files for large N).
    case vector
    /// Always an embedded bitmap (text, legend and axes stay vector).
    case raster

    /// The default: bitmap above 20,000 points.
    public static let `default` = PointRendering.automatic(threshold: 20_000)

    func rasterizes(count: Int) -> Bool {
        switch self {
        case .automatic(let threshold): return count > threshold
        case .vector: return false
        case .raster: return true
        }
    }
}

/// Discs to draw, in figure coordinates and in drawing order.
struct MarkerLayer {
    var xs: [Float] = []
    var ys: [Float] = []
    /// Index into `colors` for each disc.
    var colorIndex: [Int32] = []
    /// Fill colours, with their opacity.
    var colors: [Color] = []
    /// Disc radius in points.
    var radius: Double = 2

    var count: Int { xs.count }

    mutating func append(x: Double, y: Double, color: Int) {
        xs.append(Float(x)); ys.append(Float(y)); colorIndex.append(Int32(color))
    }
}

/// Resolution of the embedded bitmap that replaces many vector discs (dots per inch).
let embeddedPointLayerDPI = 300.0

extension Canvas {
    /// Draws the discs of `layer` clipped to `clip`.
    ///
    /// Bitmap output blends pre-computed anti-aliased disc masks straight into the pixels, which
    /// takes milliseconds for 100,000 points. Vector output either draws one arc per disc or, when
    /// `rasterize` is true, renders the discs into a 300-dpi bitmap embedded in the file.
    func drawMarkers(_ layer: MarkerLayer, clip: Rect, rasterize: Bool) throws {
        guard layer.count > 0 else { return }
        if let scale = rasterScale {
            cairo_surface_flush(surface)
            let w = Int(cairo_image_surface_get_width(surface)), h = Int(cairo_image_surface_get_height(surface))
            let x0 = max(0, Int((clip.minX * scale).rounded(.down))), y0 = max(0, Int((clip.minY * scale).rounded(.down)))
            let x1 = min(w, Int((clip.maxX * scale).rounded(.up))), y1 = min(h, Int((clip.maxY * scale).rounded(.up)))
            blend(layer, into: surface, scale: scale, originX: 0, originY: 0, clip: (x0, y0, x1, y1))
            cairo_surface_mark_dirty(surface)
        } else if rasterize {
            let scale = embeddedPointLayerDPI / 72
            let w = max(1, Int((clip.width * scale).rounded(.up))), h = max(1, Int((clip.height * scale).rounded(.up)))
            guard let img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(w), Int32(h)) else {
                throw PlotError.cairo(operation: "creating the point layer bitmap", status: "out of memory")
            }
            defer { cairo_surface_destroy(img) }
            let status = cairo_surface_status(img)
            guard status == CAIRO_STATUS_SUCCESS else {
                throw PlotError.cairo(operation: "creating a \(w) × \(h) point layer bitmap",
                                      status: String(cString: cairo_status_to_string(status)))
            }
            cairo_surface_flush(img)
            blend(layer, into: img, scale: scale, originX: clip.minX, originY: clip.minY, clip: (0, 0, w, h))
            cairo_surface_mark_dirty(img)
            paint(surface: img, pixelWidth: w, pixelHeight: h, in: clip, nearest: false)
        } else {
            cairo_save(cr)
            cairo_rectangle(cr, clip.x, clip.y, clip.width, clip.height)
            cairo_clip(cr)
            var current: Int32 = -1
            for k in 0..<layer.count {
                let c = layer.colorIndex[k]
                if c != current { setColor(layer.colors[Int(c)]); current = c }
                cairo_new_path(cr)
                cairo_arc(cr, Double(layer.xs[k]), Double(layer.ys[k]), layer.radius, 0, 2 * .pi)
                cairo_fill(cr)
            }
            cairo_restore(cr)
        }
        try checkStatus("drawing points")
    }

    /// Blends the discs into an image surface whose pixel (0, 0) is at figure point
    /// (`originX`, `originY`) and which has `scale` pixels per point.
    private func blend(_ layer: MarkerLayer, into img: OpaquePointer, scale: Double, originX: Double, originY: Double,
                       clip: (Int, Int, Int, Int)) {
        guard let data = cairo_image_surface_get_data(img) else { return }
        let stride = Int(cairo_image_surface_get_stride(img)) / 4
        let pixels = UnsafeMutableRawPointer(data).assumingMemoryBound(to: UInt32.self)
        let masks = DiscMasks(radius: layer.radius * scale)
        // Colours as premultiplied-ready components: r, g, b in 0...255 and alpha in 0...1.
        let colors = layer.colors.map { SIMD4<Float>(Float($0.red * 255), Float($0.green * 255), Float($0.blue * 255), Float($0.alpha)) }
        layer.xs.withUnsafeBufferPointer { xs in
            layer.ys.withUnsafeBufferPointer { ys in
                layer.colorIndex.withUnsafeBufferPointer { ci in
                    colors.withUnsafeBufferPointer { cols in
                        masks.coverage.withUnsafeBufferPointer { cov in
                            blendDiscs(pixels: pixels, stride: stride, clip: clip, xs: xs, ys: ys, colorIndex: ci,
                                       colors: cols, coverage: cov, maskSize: masks.size, reach: masks.reach,
                                       scale: Float(scale), originX: Float(originX), originY: Float(originY))
                        }
                    }
                }
            }
        }
    }
}

/// Anti-aliased coverage masks of a disc at 4 × 4 sub-pixel offsets.
struct DiscMasks {
    static let subpixels = 4
    /// Side of each square mask in pixels.
    let size: Int
    /// Pixels from the mask's corner to the pixel that holds the centre.
    let reach: Int
    /// `subpixels² × size²` coverages in [0, 1], mask (qy, qx) at offset `(qy * 4 + qx) * size²`.
    let coverage: [Float]

    init(radius: Double) {
        let r = max(radius, 0.3)
        reach = Int((r + 0.5).rounded(.up))
        size = 2 * reach + 2
        let q = DiscMasks.subpixels, samples = 5
        var cov = [Float](repeating: 0, count: q * q * size * size)
        for qy in 0..<q {
            for qx in 0..<q {
                let cx = Double(reach) + (Double(qx) + 0.5) / Double(q)
                let cy = Double(reach) + (Double(qy) + 0.5) / Double(q)
                let base = (qy * q + qx) * size * size
                for v in 0..<size {
                    for u in 0..<size {
                        var inside = 0
                        for sy in 0..<samples {
                            for sx in 0..<samples {
                                let dx = Double(u) + (Double(sx) + 0.5) / Double(samples) - cx
                                let dy = Double(v) + (Double(sy) + 0.5) / Double(samples) - cy
                                if dx * dx + dy * dy <= r * r { inside += 1 }
                            }
                        }
                        cov[base + v * size + u] = Float(inside) / Float(samples * samples)
                    }
                }
            }
        }
        coverage = cov
    }
}

/// The disc-blending kernel: "over" compositing of each disc, in order, into premultiplied ARGB.
private func blendDiscs(pixels: UnsafeMutablePointer<UInt32>, stride: Int, clip: (Int, Int, Int, Int),
                        xs: UnsafeBufferPointer<Float>, ys: UnsafeBufferPointer<Float>,
                        colorIndex: UnsafeBufferPointer<Int32>, colors: UnsafeBufferPointer<SIMD4<Float>>,
                        coverage: UnsafeBufferPointer<Float>, maskSize m: Int, reach: Int,
                        scale: Float, originX: Float, originY: Float) {
    let (x0, y0, x1, y1) = clip
    let q = Float(DiscMasks.subpixels)
    for k in 0..<xs.count {
        let px = (xs[k] - originX) * scale, py = (ys[k] - originY) * scale
        guard px.isFinite, py.isFinite else { continue }
        let fx = px.rounded(.down), fy = py.rounded(.down)
        let ix = Int(fx), iy = Int(fy)
        let qx = min(DiscMasks.subpixels - 1, Int((px - fx) * q)), qy = min(DiscMasks.subpixels - 1, Int((py - fy) * q))
        let left = ix - reach, top = iy - reach
        if left + m <= x0 || left >= x1 || top + m <= y0 || top >= y1 { continue }
        let c = colors[Int(colorIndex[k])]
        let mask = (qy * DiscMasks.subpixels + qx) * m * m
        for v in max(0, y0 - top)..<min(m, y1 - top) {
            let row = pixels + (top + v) * stride
            let mrow = mask + v * m
            for u in max(0, x0 - left)..<min(m, x1 - left) {
                let a = coverage[mrow + u] * c.w
                if a <= 0 { continue }
                let keep = 1 - a
                let p = row[left + u]
                let da = Float(p >> 24), dr = Float((p >> 16) & 0xFF), dg = Float((p >> 8) & 0xFF), db = Float(p & 0xFF)
                let na = UInt32(255 * a + da * keep + 0.5)
                let nr = UInt32(c.x * a + dr * keep + 0.5)
                let ng = UInt32(c.y * a + dg * keep + 0.5)
                let nb = UInt32(c.z * a + db * keep + 0.5)
                row[left + u] = (na << 24) | (nr << 16) | (ng << 8) | nb
            }
        }
    }
}
