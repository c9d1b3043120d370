/// A continuous colour map: colours at control points in [0, 1], interpolated linearly in sRGB.
///
/// ```swift
/// let c = ColorMap.viridisLike.color(at: 0.3)
/// ```
public struct ColorMap: Sendable, Equatable {
    /// Control points `(position, colour)`, positions increasing from 0 to 1.
    public let stops: [(position: Double, color: Color)]

    /// A map through `colors`, evenly spaced from 0 to 1 (at least two colours).
    public init(_ colors: [Color]) {
        precondition(colors.count >= 2, "a colour map needs at least two colours")
        stops = colors.enumerated().map { (Double($0.offset) / Double(colors.count - 1), $0.element) }
    }

    /// The colour at `t` (clamped to [0, 1]; NaN gives the lowest colour).
    public func color(at t: Double) -> Color {
        let t = t.isNaN ? 0 : min(1, max(0, t))
        let n = stops.count - 1
        let x = t * Double(n)
        let i = min(n - 1, Int(x))
        let f = x - Double(i)
        let a = stops[i].color, b = stops[i + 1].color
        return Color(red: a.red + (b.red - a.red) * f, green: a.green + (b.green - a.green) * f,
                     blue: a.blue + (b.blue - a.blue) * f)
    }

    public static func == (lhs: ColorMap, rhs: ColorMap) -> Bool {
        lhs.stops.count == rhs.stops.count
            && zip(lhs.stops, rhs.stops).allSatisfy { $0.position == $1.position && $0.color == $1.color }
    }

    /// Dark purple through blue and green to yellow: perceptually ordered, readable in grey and
    /// by colour-blind readers (nine control points in the style of matplotlib's viridis).
    public static let viridisLike = ColorMap([0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21918C,
                                              0x28AE80, 0x5EC962, 0xADDC30, 0xFDE725].map { Color(hex: $0) })
    /// White to dark blue, for counts (confusion matrices).
    public static let blues = ColorMap([0xF7FBFF, 0xDEEBF7, 0xC6DBEF, 0x9ECAE1, 0x6BAED6,
                                        0x4292C6, 0x2171B5, 0x08519C, 0x08306B].map { Color(hex: $0) })
    /// Black to white.
    public static let greys = ColorMap([.black, .white])
}
