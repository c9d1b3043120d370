/// The one string escaper for JSON that LatentMap writes by hand (reports whose number format
/// is fixed, such as `metrics.json` and `compare.json`); everything else goes through
/// `JSONEncoder`.
public enum JSONText {
    /// `text` as a JSON string literal, quotes included: `"`, `\` and control characters are
    /// escaped (RFC 8259 §7); everything else, `/` and non-ASCII included, is kept as it is.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
