import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LatentCore
import LatentPlot
import Testing

/// Colour distance in 0…255 units (max over channels).
func channelDistance(_ a: Color, _ b: Color) -> Double {
    max(abs(a.red - b.red), abs(a.green - b.green), abs(a.blue - b.blue)) * 255
}

/// The pixel of `image` under figure point `p` drawn at `dpi`.
func pixel(_ image: RasterImage, at p: Point, dpi: Double) -> Color {
    image.color(x: Int(p.x * dpi / 72), y: Int(p.y * dpi / 72))
}

/// Parses SVG text and collects every element's name and `style` attribute.
final class SVGElements: NSObject, XMLParserDelegate {
    var elements: [(name: String, style: String)] = []
    var root: String?

    static func parse(_ data: Data) throws -> SVGElements {
        let collector = SVGElements()
        let parser = XMLParser(data: data)
        parser.delegate = collector
        guard parser.parse() else {
            throw PlotError.cannotRead(path: "svg", reason: parser.parserError.map { "\($0)" } ?? "XML parse error")
        }
        return collector
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if root == nil { root = name }
        elements.append((name, attributes["style"] ?? ""))
    }

    /// Paths filled with the given opacity (the scatter points, whose opacity the test sets).
    func paths(withOpacity opacity: String) -> [String] {
        elements.filter { $0.name == "path" && $0.style.contains("fill-opacity:\(opacity);") }.map(\.style)
    }
}

/// Three tight 2-D blobs at the corners of a triangle, `perClass` points each.
func triangleBlobs(perClass: Int = 30) throws -> (points: Matrix, labels: [Int]) {
    var rng = SeededGenerator(seed: 5)
    var rows: [[Float]] = [], labels: [Int] = []
    let centres: [(Float, Float)] = [(0, 0), (10, 0), (5, 8)]
    for (c, centre) in centres.enumerated() {
        for _ in 0..<perClass {
            rows.append([centre.0 + 0.3 * rng.nextGaussian(), centre.1 + 0.3 * rng.nextGaussian()])
            labels.append(c)
        }
    }
    return (try Matrix(rows), labels)
}

/// The `<text>` elements of an SVG document: content and attributes, in document order.
final class SVGTextElements: NSObject, XMLParserDelegate {
    struct Element {
        var content = ""
        var attributes: [String: String]

        /// The anchor point from `transform="translate(x y) …"`.
        var anchor: Point? {
            guard let t = attributes["transform"], let open = t.range(of: "translate("),
                  let close = t[open.upperBound...].firstIndex(of: ")") else { return nil }
            let numbers = t[open.upperBound..<close].split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Double($0) }
            return numbers.count == 2 ? Point(x: numbers[0], y: numbers[1]) : nil
        }
        var fontSize: Double? { attributes["font-size"].flatMap(Double.init) }
        /// Filled text (not the stroked halo drawn under it).
        var isFilled: Bool { attributes["fill"] != "none" }
    }

    var texts: [Element] = []
    private var open: Element?

    static func parse(_ path: String) throws -> [Element] {
        let collector = SVGTextElements()
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        parser.delegate = collector
        guard parser.parse() else {
            throw PlotError.cannotRead(path: path, reason: parser.parserError.map { "\($0)" } ?? "XML parse error")
        }
        return collector.texts
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == "text" { open = Element(attributes: attributes) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { open?.content += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let e = open { texts.append(e); open = nil }
    }
}
