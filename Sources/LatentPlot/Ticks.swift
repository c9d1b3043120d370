import Foundation

/// Round tick values for an axis ("nice numbers", Heckbert, Graphics Gems 1990).
public enum Ticks {
    /// Ticks at multiples of 1, 2 or 5 × 10^k inside `[lower, upper]`, about `target` of them.
    ///
    /// - Returns: the tick values in increasing order and the step between them. A degenerate
    ///   range (`lower == upper`) gets one tick.
    public static func linear(lower: Double, upper: Double, target: Int = 5) -> (values: [Double], step: Double) {
        guard lower.isFinite, upper.isFinite, upper > lower else { return ([lower], 1) }
        let (fraction, magnitude) = decade((upper - lower) / Double(max(1, target)))
        let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        let step = nice * magnitude
        var values: [Double] = []
        var k = (lower / step - 1e-9).rounded(.up)
        while k * step <= upper + step * 1e-9 {
            let v = k * step
            values.append(abs(v) < step * 1e-9 ? 0 : v)
            k += 1
        }
        return (values, step)
    }

    /// The smallest round step (1, 2, 2.5 or 5 × 10^k) of at least `raw` (> 0): the spacing of
    /// a grid of values that must cover a range, such as a latent walk's.
    public static func step(atLeast raw: Double) -> Double {
        let (fraction, magnitude) = decade(raw)
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// `x` (> 0) as fraction × magnitude, with the magnitude a power of ten and the fraction in [1, 10).
    private static func decade(_ x: Double) -> (fraction: Double, magnitude: Double) {
        let magnitude = pow(10, log10(x).rounded(.down))
        return (x / magnitude, magnitude)
    }

    /// Ticks for a logarithmic axis: powers of ten, with 2 and 5 between them when the range
    /// spans fewer than three decades.
    public static func logarithmic(lower: Double, upper: Double) -> [Double] {
        guard lower > 0, upper > lower else { return [lower] }
        let lo = Int(log10(lower).rounded(.down)), hi = Int(log10(upper).rounded(.up))
        func ticks(_ multipliers: [Double]) -> [Double] {
            var values: [Double] = []
            for e in lo...hi {
                for m in multipliers {
                    let v = m * pow(10, Double(e))
                    if v >= lower * (1 - 1e-9) && v <= upper * (1 + 1e-9) { values.append(v) }
                }
            }
            return values
        }
        for multipliers: [Double] in [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]] {
            let values = ticks(multipliers)
            if values.count >= 3 { return values }
        }
        let values = ticks([1, 2, 3, 4, 5, 6, 7, 8, 9])
        return values.count >= 2 ? values : [lower, upper]
    }

    /// Labels for linear ticks `step` apart, with just enough decimals and a true minus sign.
    public static func labels(for values: [Double], step: Double) -> [String] {
        let biggest = values.map(abs).max() ?? 0
        if biggest >= 1e6 || (biggest > 0 && biggest < 1e-4) {
            return values.map { scientific($0) }
        }
        // The fewest decimals (up to 6) that show every value to within a thousandth of a step.
        var decimals = 0
        while decimals < 6, values.contains(where: { abs((Double(String(format: "%.\(decimals)f", $0)) ?? $0) - $0) > step * 1e-3 }) {
            decimals += 1
        }
        return values.map { format($0, decimals: decimals) }
    }

    /// Labels for values that may not be round (interpolation weights, walk coordinates): exact
    /// when a few decimals show them exactly (0, 0.25, 0.5 → "0.00", "0.25", "0.50"; −1, 0, 1 →
    /// "−1", "0", "1"), else rounded to the fewest decimals (at least two) that still tell them
    /// apart (14 weights from 0 to 1 → "0.00", "0.08", "0.15", …, "1.00").
    public static func distinctLabels(for values: [Double]) -> [String] {
        func rounded(_ v: Double, _ d: Int) -> Double { Double(String(format: "%.\(d)f", v)) ?? v }
        var exact = 0
        while exact < 6, values.contains(where: { abs(rounded($0, exact) - $0) > 1e-9 * max(1, abs($0)) }) { exact += 1 }
        var distinct = 0
        while distinct < 6, Set(values.map { rounded($0, distinct) }).count < Set(values).count { distinct += 1 }
        return values.map { format($0, decimals: min(exact, max(distinct, 2))) }
    }

    /// Labels for logarithmic ticks: plain numbers from 0.001 to 100,000, powers of ten beyond.
    public static func logLabels(for values: [Double]) -> [String] {
        values.map { v in
            if v >= 1e-3 && v < 1e5 {
                let decimals = max(0, Int((-log10(v) - 1e-9).rounded(.up)))
                return format(v, decimals: decimals)
            }
            return scientific(v)
        }
    }

    static func format(_ v: Double, decimals: Int) -> String {
        let s = String(format: "%.\(decimals)f", abs(v))
        let isZero = Double(s) == 0
        return (v < 0 && !isZero ? "\u{2212}" : "") + s
    }

    /// `m×10ⁿ` with superscript digits (or `10ⁿ` when m is 1).
    static func scientific(_ v: Double) -> String {
        guard v != 0 else { return "0" }
        let e = Int(log10(abs(v)).rounded(.down))
        let m = v / pow(10, Double(e))
        let superscripts: [Character: Character] = ["0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵",
                                                    "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻"]
        let exponent = String(String(e).map { superscripts[$0] ?? $0 })
        let mantissa = abs(m - m.rounded()) < 1e-6 ? String(Int(m.rounded())) : String(format: "%.1f", m)
        let body = mantissa == "1" ? "10" + exponent : mantissa + "×10" + exponent
        return body.replacingOccurrences(of: "-", with: "\u{2212}")
    }
}
