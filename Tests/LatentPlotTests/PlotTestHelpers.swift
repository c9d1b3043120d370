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
