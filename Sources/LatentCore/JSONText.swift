/// Escaping of text for the formats LatentMap writes by hand: each Unicode scalar is either
/// kept or replaced by what the format's rule gives for it.
public enum TextEscaping {
    /// `text` with every scalar for which `replacement` gives a string replaced by it, the
    /// others kept as they are.
    public static func escaped(_ text: String, replacing replacement: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let r = replacement(scalar) { out += r } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}

/// The one string escaper for JSON that LatentMap writes by hand (reports whose number format
/// is fixed, such as `metrics.json` and `compare.json`); everything else goes through
/// `JSONEncoder`.
public enum JSONText {
    /// `text` as a JSON string literal, quotes included: `"`, `\` and control characters are
    /// escaped (RFC 8259 §7); everything else, `/` and non-ASCII included, is kept as it is.
    public static func quoted(_ text: String) -> String {
        "\"" + TextEscaping.escaped(text, replacing: escape) + "\""
    }

    /// The JSON escape of one scalar, or nil to keep it.
    private static func escape(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case "\u{08}": return "\\b"
        case "\u{0C}": return "\\f"
        case let c where c.value < 0x20:
            let hex = String(c.value, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: return nil
        }
    }
}
