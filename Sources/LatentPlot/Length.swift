import Foundation

/// A length with its unit, as a journal states a figure's size: `3.5in`, `89mm`, `8.9cm`,
/// `252pt`, or `1200px` for a bitmap.
///
/// Figures are laid out in points (1/72 inch); `points(dpi:)` converts. Pixels are converted
/// through the resolution of the PNG output, so `1200px` at 300 dpi is 4 inches wide in every
/// format: the PNG is 1,200 pixels wide and the SVG and PDF have the same physical size.
///
/// ```swift
/// let width = try Length(parsing: "3.5in")    // 252 points
/// try ScatterPlot(embedding, labels: labels).width(width.points()).write(to: "figure.pdf")
/// ```
public struct Length: Sendable, Equatable, CustomStringConvertible {
    /// The units a length may be given in.
    public enum Unit: String, Sendable, CaseIterable {
        /// Points, 1/72 inch (the layout unit).
        case pt
        case `in`
        case cm
        case mm
        /// Pixels of bitmap output, converted at the output's dots per inch.
        case px

        /// Points per unit; `nil` for pixels, which depend on the resolution.
        var points: Double? {
            switch self {
            case .pt: return 1
            case .in: return 72
            case .cm: return 72 / 2.54
            case .mm: return 72 / 25.4
            case .px: return nil
            }
        }
    }

    public var value: Double
    public var unit: Unit

    public init(_ value: Double, _ unit: Unit) {
        self.value = value
        self.unit = unit
    }

    /// Parses a number followed by a unit (`3.5in`, `89 mm`, `0.5e1cm`); a bare number is points.
    ///
    /// - Throws: `PlotError.invalidArgument` naming the text when it is not a positive, finite
    ///   number with one of the units pt, in, cm, mm, px.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let unitText = String(trimmed.reversed().prefix { $0.isLetter }.reversed())
        let numberText = trimmed.dropLast(unitText.count).trimmingCharacters(in: .whitespaces)
        let units = Unit.allCases.map(\.rawValue).joined(separator: ", ")
        let unit: Unit
        if unitText.isEmpty {
            unit = .pt
        } else if let u = Unit(rawValue: unitText) {
            unit = u
        } else if unitText == "inch" || unitText == "inches" {
            unit = .in
        } else {
            throw PlotError.invalidArgument("'\(text)': unknown unit '\(unitText)' (use one of \(units))")
        }
        guard let value = Double(numberText), value.isFinite, value > 0 else {
            throw PlotError.invalidArgument("'\(text)' is not a length: expected a positive number followed by one of \(units), e.g. 3.5in")
        }
        self.init(value, unit)
    }

    /// The length in points; pixels are converted at `dpi` dots per inch.
    public func points(dpi: Double = defaultDPI) -> Double {
        if let perUnit = unit.points { return value * perUnit }
        return value * 72 / dpi
    }

    public var description: String {
        let number = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        return number + unit.rawValue
    }
}
