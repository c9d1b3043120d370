import Foundation
import LatentCore

/// Text for SVG files that cairo would otherwise turn into glyph outlines.
enum SVGText {
    /// `text` with the five XML special characters escaped, for element content and attributes
    /// (`'` kept with `apostrophes: false`, as the interactive map's HTML title has it).
    static func escaped(_ text: String, apostrophes: Bool = true) -> String {
        TextEscaping.escaped(text) { scalar in
            switch scalar {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            case "\"": return "&quot;"
            case "'" where apostrophes: return "&apos;"
            // Characters XML 1.0 does not allow at all (C0 controls other than tab, line feed and
            // carriage return, and the two non-characters) become U+FFFD, so the file stays XML.
            case "\t", "\n", "\r": return nil
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: return "\u{FFFD}"
            default: return nil
            }
        }
    }

    /// The SVG document `svg` with `elements` added as a last group before its closing tag, so
    /// the text lies above everything cairo drew.
    /// - Throws: `PlotError.cairo` when the document has no closing `</svg>` tag.
    static func inserting(_ elements: [String], into svg: Data) throws -> Data {
        guard !elements.isEmpty else { return svg }
        guard let close = svg.range(of: Data("</svg>".utf8), options: .backwards) else {
            throw PlotError.cairo(operation: "adding text to the SVG output", status: "no closing </svg> tag")
        }
        var out = Data(svg[..<close.lowerBound])
        out.append(Data(("<g id=\"text\">\n" + elements.joined(separator: "\n") + "\n</g>\n").utf8))
        out.append(svg[close.lowerBound...])
        return out
    }
}
