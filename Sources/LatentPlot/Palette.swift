import Foundation

/// Categorical colours for class labels.
///
/// Each palette gives as many colours as there are classes. The named palettes have ten (or
/// nine) hand-picked colours; for more classes, further colours are chosen greedily to be as far
/// as possible (in CIELAB) from every colour already used, skipping colours too pale to see on
/// white, so 20 or 50 classes still get distinct colours.
///
/// ```swift
/// let colors = Palette.tab10.colors(count: 10)
/// let many = Palette.tab10.colors(count: 30)     // ten tab10 colours, then 20 more, all distinct
/// ```
public enum Palette: Sendable, Equatable {
    /// The ten colours of the Tableau/matplotlib `tab10` tradition.
    case tab10
    /// Colours distinguishable with the common colour-vision deficiencies: Paul Tol's "muted"
    /// scheme (nine colours) followed by a dark grey.
    case colorBlindSafe
    /// Your own colours, used in order; extended like the others when there are more classes.
    case custom([Color])

    /// The hand-picked colours of the palette.
    public var baseColors: [Color] {
        switch self {
        case .tab10:
            return [0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD,
                    0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF].map { Color(hex: $0) }
        case .colorBlindSafe:
            return [0x332288, 0x88CCEE, 0x44AA99, 0x117733, 0x999933,
                    0xDDCC77, 0xCC6677, 0x882255, 0xAA4499, 0x555555].map { Color(hex: $0) }
        case .custom(let colors):
            return colors
        }
    }

    /// `count` distinct colours: the palette's own, then greedily chosen far-apart ones.
    public func colors(count: Int) -> [Color] {
        let base = baseColors
        if count <= base.count { return Array(base.prefix(count)) }
        return Palette.extend(base, to: count)
    }

    /// Greedy max–min selection in CIELAB from a grid of sRGB candidates (deterministic).
    static func extend(_ base: [Color], to count: Int) -> [Color] {
        var chosen = base
        var chosenLab = base.map(Lab.init)
        // Candidates: a 12-level sRGB grid without very pale, very dark or near-grey colours
        // (greys are hard to tell apart and pale colours vanish on white).
        var candidates: [(Color, Lab)] = []
        let levels = 12
        for r in 0..<levels {
            for g in 0..<levels {
                for b in 0..<levels {
                    let c = Color(red: Double(r) / Double(levels - 1), green: Double(g) / Double(levels - 1),
                                  blue: Double(b) / Double(levels - 1))
                    let lab = Lab(c)
                    let chroma = (lab.a * lab.a + lab.b * lab.b).squareRoot()
                    if lab.l < 25 || lab.l > 82 || chroma < 25 { continue }
                    candidates.append((c, lab))
                }
            }
        }
        var minDistance = candidates.map { cand in
            chosenLab.reduce(Double.infinity) { min($0, cand.1.distance(to: $1)) }
        }
        while chosen.count < count {
            var best = 0
            for k in candidates.indices where minDistance[k] > minDistance[best] { best = k }
            let (c, lab) = candidates[best]
            chosen.append(c)
            chosenLab.append(lab)
            for k in candidates.indices { minDistance[k] = min(minDistance[k], candidates[k].1.distance(to: lab)) }
        }
        return chosen
    }
}

/// A colour in CIELAB (D65), for perceptual distances between palette colours.
struct Lab {
    var l: Double, a: Double, b: Double

    init(_ c: Color) {
        func linear(_ v: Double) -> Double { v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4) }
        let r = linear(c.red), g = linear(c.green), bl = linear(c.blue)
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * bl
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883
        func f(_ t: Double) -> Double { t > 0.008856 ? cbrt(t) : 7.787 * t + 16.0 / 116.0 }
        l = 116 * f(y) - 16
        a = 500 * (f(x) - f(y))
        b = 200 * (f(y) - f(z))
    }

    func distance(to o: Lab) -> Double {
        let dl = l - o.l, da = a - o.a, db = b - o.b
        return (dl * dl + da * da + db * db).squareRoot()
    }
}
