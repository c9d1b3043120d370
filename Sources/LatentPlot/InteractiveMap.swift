import Foundation
import LatentCore
import LatentData

/// An embedding as one self-contained HTML page to explore in a browser: pan, zoom, hover for a
/// point's image, hide classes, search, select a region and save its indices or the view.
///
/// Everything is inside the one file, so it opens from disk with no server and no network: the
/// positions (Float32), labels (UInt8 or UInt16), values (Float32) and thumbnails (16 grey levels,
/// two pixels a byte) are gzip-compressed and base64-encoded, and the page decodes them with the
/// browser's `DecompressionStream`. Points are drawn with WebGL 2 in the static scatter's palette,
/// disc size and opacity, in a seeded random order (by increasing value when coloured by value).
///
/// Thumbnails cost about 260 bytes a point after compression (Fashion-MNIST), so above
/// `maximumThumbnails` points only a seeded random subset of that many gets one, and the page
/// says so; positions alone cost about 11 bytes a point.
///
/// ```swift
/// try InteractiveMap(embedding, labels: test.labels)
///     .classNames(ClassNames.digits)
///     .thumbnails(test.images, height: 28, width: 28)
///     .titled("MNIST, AE-20 + t-SNE")
///     .write(to: "map.html")
/// ```
public struct InteractiveMap: Sendable, CopyModifying {
    /// One arrangement of the points; a map with several offers a choice between them.
    public struct Layout: Sendable {
        public var name: String
        /// N × D coordinates (D ≥ 2; the first two columns are shown).
        public var points: Matrix
        public init(name: String, points: Matrix) { self.name = name; self.points = points }
    }

    /// The arrangements, all of the same N points; the first is shown on opening.
    public var layouts: [Layout]
    /// One class label (≥ 0) per point, or `nil`.
    public var labels: [Int]?
    /// Class names indexed by label; labels without a name show their number.
    public var classNames: [String]?
    /// One value per point for colouring by value, or `nil`.
    public var values: [Float]?
    /// The name of the value on the colour bar.
    public var valueLabel: String?
    public var title: String?
    public var palette: Palette = .tab10
    public var colorMap: ColorMap = .viridisLike
    /// N × (height · width) greyscale images, one per point, or `nil`.
    public var images: Matrix?
    public var imageHeight = 0
    public var imageWidth = 0
    /// At most this many points get a thumbnail (a seeded random subset when N is larger), so
    /// that 70,000 points with 28 × 28 images stay under 25 MB.
    public var maximumThumbnails = 70_000
    /// Seed of the drawing order and of the thumbnail subset.
    public var seed: UInt64 = 0

    /// A map of `points` (N × D, D ≥ 2), coloured by `labels` when given.
    public init(_ points: Matrix, labels: [Int]? = nil) {
        layouts = [Layout(name: "embedding", points: points)]
        self.labels = labels
    }

    // MARK: Builder

    public func titled(_ title: String) -> InteractiveMap { with { $0.title = title } }
    public func palette(_ palette: Palette) -> InteractiveMap { with { $0.palette = palette } }
    /// A copy whose legend names class `k` `names[k]`.
    public func classNames(_ names: [String]) -> InteractiveMap { with { $0.classNames = names } }
    /// A copy that can also be coloured by `values` (one per point) through `map`.
    public func colored(by values: [Float], map: ColorMap = .viridisLike, label: String? = nil) -> InteractiveMap {
        with { $0.values = values; $0.colorMap = map; $0.valueLabel = label }
    }
    /// A copy that shows each point's image (row `i` of `images`, `height × width` greys) on hover.
    public func thumbnails(_ images: Matrix, height: Int, width: Int, maximumCount: Int? = nil) -> InteractiveMap {
        with {
            $0.images = images; $0.imageHeight = height; $0.imageWidth = width
            if let maximumCount { $0.maximumThumbnails = maximumCount }
        }
    }
    /// A copy with one more arrangement of the same points, chosen in the page by `name`.
    public func addingLayout(_ name: String, points: Matrix) -> InteractiveMap {
        with { $0.layouts.append(Layout(name: name, points: points)) }
    }
    /// A copy whose first layout is called `name`.
    public func layoutNamed(_ name: String) -> InteractiveMap { with { $0.layouts[0].name = name } }
    public func shuffled(seed: UInt64) -> InteractiveMap { with { $0.seed = seed } }

    // MARK: Checks

    /// The number of points.
    public var count: Int { layouts.first?.points.rows ?? 0 }

    public func validate() throws {
        let n = count
        guard n > 0 else { throw PlotError.empty(what: "the points") }
        for layout in layouts {
            let where_ = layouts.count > 1 ? "\(layout.name): " : ""
            guard layout.points.rows == n else {
                throw PlotError.lengthMismatch(what: "\(where_)points of every layout", expected: n, got: layout.points.rows)
            }
            guard layout.points.columns >= 2 else {
                throw PlotError.invalidArgument("\(where_)a map needs at least 2 columns per point, got \(layout.points.columns)")
            }
            if let (row, _) = layout.points.firstNonFinite() { throw PlotError.nonFinite(what: "\(where_)point", index: row) }
        }
        if let labels {
            guard labels.count == n else { throw PlotError.lengthMismatch(what: "labels for \(n) points", expected: n, got: labels.count) }
            if let bad = labels.firstIndex(where: { $0 < 0 || $0 > 65_534 }) {
                throw PlotError.invalidArgument("label \(labels[bad]) of point \(bad) is outside 0…65534")
            }
        }
        if let values {
            guard values.count == n else { throw PlotError.lengthMismatch(what: "values for \(n) points", expected: n, got: values.count) }
            if let bad = values.firstIndex(where: { !$0.isFinite }) { throw PlotError.nonFinite(what: "value", index: bad) }
        }
        if let images {
            guard images.rows == n else { throw PlotError.lengthMismatch(what: "images for \(n) points", expected: n, got: images.rows) }
            guard imageHeight > 0, imageWidth > 0, imageHeight * imageWidth == images.columns else {
                throw PlotError.invalidArgument("images of \(imageHeight)×\(imageWidth) need \(imageHeight * imageWidth) values each, found \(images.columns)")
            }
            if let (row, _) = images.firstNonFinite() { throw PlotError.nonFinite(what: "image", index: row) }
        }
        guard maximumThumbnails >= 0 else { throw PlotError.invalidArgument("the thumbnail limit must be ≥ 0, got \(maximumThumbnails)") }
    }

    // MARK: Output

    /// Writes the page to `path` (atomically: a failure leaves no file).
    /// - Throws: `PlotError` for invalid data, `OutputError`/file errors when it cannot be written.
    public func write(to path: String) throws {
        let page = try html()
        try AtomicFile.write(Data(page.utf8), to: path)
    }

    /// The whole page as one string.
    public func html() throws -> String {
        try validate()
        let n = count
        var blobs: [(id: String, data: Data)] = []
        for (k, layout) in layouts.enumerated() {
            blobs.append(("positions\(k)", try Gzip.compress(InteractiveMap.firstTwoColumns(layout.points))))
        }
        let classes = (labels?.max() ?? -1) + 1
        if let labels {
            let bytes: Data = classes <= 256
                ? Data(labels.map { UInt8($0) })
                : InteractiveMap.bytes(of: labels.map { UInt16($0) })
            blobs.append(("labels", try Gzip.compress(bytes)))
        }
        if let values { blobs.append(("values", try Gzip.compress(InteractiveMap.bytes(of: values)))) }
        var thumbnailCount = 0
        if let images, maximumThumbnails > 0 {
            let chosen = InteractiveMap.thumbnailSubset(count: n, maximum: maximumThumbnails, seed: seed)
            thumbnailCount = chosen?.count ?? n
            if let chosen { blobs.append(("thumbnailIndex", try Gzip.compress(InteractiveMap.bytes(of: chosen.map { UInt32($0) })))) }
            blobs.append(("thumbnails", try Gzip.compress(InteractiveMap.packedThumbnails(images, rows: chosen))))
        }

        let colors = palette.colors(count: max(classes, 1)).map(InteractiveMap.hex)
        let ramp = (0..<256).map { InteractiveMap.hex(colorMap.color(at: Double($0) / 255)) }
        var meta: [String: Any] = [
            "count": n,
            "title": title ?? "",
            "layouts": layouts.map(\.name),
            "classes": classes,
            "classNames": (0..<classes).map { k in classNames.flatMap { k < $0.count ? $0[k] : nil } ?? String(k) },
            "labelBytes": classes <= 256 ? 1 : 2,
            "colors": colors,
            "colorMap": ramp,
            "radius": ScatterPlot.defaultRadius(count: n),
            "opacity": ScatterPlot.defaultOpacity(count: n),
            "seed": Double(seed % (1 << 32)),
            "thumbnails": thumbnailCount,
            "thumbnailSubset": thumbnailCount > 0 && thumbnailCount < n,
            "imageHeight": imageHeight,
            "imageWidth": imageWidth,
            "valueLabel": valueLabel ?? "value",
            "hasLabels": labels != nil,
            "hasValues": values != nil,
        ]
        if let labels {
            var counts = [Int](repeating: 0, count: classes)
            for l in labels { counts[l] += 1 }
            meta["classCounts"] = counts
        }
        if let values { meta["valueRange"] = [Double(values.min()!), Double(values.max()!)] }
        let json = try JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys])
        // "<" written as \u003c so no string can close the script element.
        let metaText = String(decoding: json, as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")

        var dataElements = "<script type=\"application/json\" id=\"lm-meta\">\(metaText)</script>\n"
        var thumbnailElements = ""
        for blob in blobs {
            let element = "<script type=\"application/octet-stream\" id=\"lm-\(blob.id)\">" + blob.data.base64EncodedString() + "</script>\n"
            if blob.id.hasPrefix("thumbnail") { thumbnailElements += element } else { dataElements += element }
        }
        let parts = InteractiveMap.pageTemplate.components(separatedBy: "{{DATA}}")
        let tail = parts[1].components(separatedBy: "{{THUMBNAILS}}")
        let head = parts[0].replacingOccurrences(of: "{{TITLE}}", with: InteractiveMap.escapedHTML(title ?? "LatentMap"))
        return head + dataElements + tail[0] + thumbnailElements + tail[1]
    }

    // MARK: Packing

    /// The first two columns of `points` as little-endian Float32 pairs.
    static func firstTwoColumns(_ points: Matrix) -> Data {
        var xy = [Float](repeating: 0, count: points.rows * 2)
        points.elements.withUnsafeBufferPointer { src in
            let d = points.columns
            for i in 0..<points.rows {
                xy[2 * i] = src[i * d]
                xy[2 * i + 1] = src[i * d + 1]
            }
        }
        return bytes(of: xy)
    }

    static func bytes<T: FixedWidthInteger>(of array: [T]) -> Data {
        array.map(\.littleEndian).withUnsafeBytes { Data($0) }
    }

    static func bytes(of array: [Float]) -> Data {
        bytes(of: array.map(\.bitPattern))
    }

    /// `nil` when every point gets a thumbnail, else a seeded random subset of `maximum`
    /// indices in increasing order.
    static func thumbnailSubset(count: Int, maximum: Int, seed: UInt64) -> [Int]? {
        guard count > maximum else { return nil }
        var all = Array(0..<count)
        var rng = SeededGenerator(seed: seed ^ 0x7468_756D_6273)
        // A partial Fisher–Yates shuffle: the first `maximum` entries are a uniform subset.
        for k in 0..<maximum {
            let j = k + Int(rng.next() % UInt64(count - k))
            all.swapAt(k, j)
        }
        return all.prefix(maximum).sorted()
    }

    /// Images (rows `rows`, or all) at 16 grey levels, two pixels a byte (high nibble first),
    /// each image padded to whole bytes. Values in [0, 1] map to 0…15; other ranges are
    /// stretched from the data's minimum to its maximum.
    static func packedThumbnails(_ images: Matrix, rows: [Int]?) -> Data {
        let pixels = images.columns
        let bytesPerImage = (pixels + 1) / 2
        let rowList = rows ?? Array(0..<images.rows)
        var lo = Float.infinity, hi = -Float.infinity
        for v in images.elements { lo = min(lo, v); hi = max(hi, v) }
        if lo >= 0 && hi <= 1 { lo = 0; hi = 1 }
        let scale = hi > lo ? 15 / (hi - lo) : 0
        var out = [UInt8](repeating: 0, count: rowList.count * bytesPerImage)
        images.elements.withUnsafeBufferPointer { src in
            for (slot, row) in rowList.enumerated() {
                let base = row * pixels, dst = slot * bytesPerImage
                for p in 0..<pixels {
                    let level = UInt8(max(0, min(15, ((src[base + p] - lo) * scale).rounded())))
                    out[dst + p / 2] |= p % 2 == 0 ? level << 4 : level
                }
            }
        }
        return Data(out)
    }

    static func hex(_ c: Color) -> String {
        func byte(_ v: Double) -> Int { Int((min(1, max(0, v)) * 255).rounded()) }
        return String(format: "#%02x%02x%02x", byte(c.red), byte(c.green), byte(c.blue))
    }

    /// `text` with `&`, `<`, `>` and `"` escaped, for the page's title.
    static func escapedHTML(_ text: String) -> String { SVGText.escaped(text, apostrophes: false) }
}
