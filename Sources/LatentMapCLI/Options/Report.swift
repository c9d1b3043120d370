import Foundation
import LatentMap

/// The one way the CLI writes JSON: every `--json` line and every metrics file is an `Encodable`
/// value encoded here, with sorted keys (so two runs diff line by line) and every string escaped
/// by `JSONEncoder`. Files are written atomically.
enum Report {
    /// `value` as JSON: one line, or indented (`pretty`) for files meant to be read.
    static func json(_ value: some Encodable, pretty: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Prints `value` as one JSON line on standard output (a `--json` report).
    static func print(_ value: some Encodable) throws {
        Swift.print(try json(value))
    }

    /// Writes `value` as indented JSON to `path` (atomically) and returns the text written.
    @discardableResult
    static func write(_ value: some Encodable, to path: String) throws -> String {
        let text = try json(value, pretty: true) + "\n"
        try AtomicFile.write(text, to: path)
        return text
    }

    /// `x` rounded to `decimals` places, so a report shows 0.9731 rather than 0.97309999…
    static func rounded(_ x: Double, _ decimals: Int = 4) -> Double {
        guard x.isFinite else { return x }
        let scale = pow(10, Double(decimals))
        return (x * scale).rounded() / scale
    }

    /// Seconds rounded to milliseconds.
    static func seconds(_ x: Double) -> Double { rounded(x, 3) }
}

/// A value a report can hold: numbers, text, flags, lists and maps of numbers, nested reports.
protocol ReportValue {
    var reportValue: ReportFields.Value { get }
}

extension Int: ReportValue { var reportValue: ReportFields.Value { .integer(self) } }
extension UInt64: ReportValue { var reportValue: ReportFields.Value { .integer(Int(truncatingIfNeeded: self)) } }
extension Double: ReportValue { var reportValue: ReportFields.Value { .number(self) } }
extension Float: ReportValue { var reportValue: ReportFields.Value { .number(Double(self)) } }
extension String: ReportValue { var reportValue: ReportFields.Value { .text(self) } }
extension Bool: ReportValue { var reportValue: ReportFields.Value { .flag(self) } }
extension Array: ReportValue where Element == Double { var reportValue: ReportFields.Value { .numbers(self) } }
extension Dictionary: ReportValue where Key == String, Value == Double { var reportValue: ReportFields.Value { .numberMap(self) } }

/// A JSON object whose keys are only known at run time (`knn5_accuracy`, timings by stage) or
/// that grows as a command runs; `Report` encodes it with sorted keys like any other value.
///
/// ```swift
/// var fields = ReportFields(["kind": "tsne", "n": x.rows])
/// fields["kl"] = Report.rounded(result.klDivergence, 5)
/// try Report.print(fields)
/// ```
struct ReportFields: Encodable, ReportValue {
    enum Value: Encodable {
        case number(Double), integer(Int), text(String), flag(Bool), fields(ReportFields)
        case numbers([Double]), numberMap([String: Double])

        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .number(let v): try c.encode(v)
            case .integer(let v): try c.encode(v)
            case .text(let v): try c.encode(v)
            case .flag(let v): try c.encode(v)
            case .fields(let v): try c.encode(v)
            case .numbers(let v): try c.encode(v)
            case .numberMap(let v): try c.encode(v)
            }
        }
    }

    private var entries: [String: Value] = [:]

    init(_ pairs: KeyValuePairs<String, any ReportValue> = [:]) {
        for (k, v) in pairs { entries[k] = v.reportValue }
    }

    var reportValue: Value { .fields(self) }

    /// The keys set so far.
    var keys: [String] { entries.keys.sorted() }

    /// Sets `key` (nil removes it).
    subscript(key: String) -> (any ReportValue)? {
        get { entries[key].map(Stored.init) }
        set { entries[key] = newValue?.reportValue }
    }

    /// Adds every entry of `other`.
    mutating func merge(_ other: ReportFields) { entries.merge(other.entries) { $1 } }

    private struct Stored: ReportValue { let reportValue: Value }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for (k, v) in entries { try c.encode(v, forKey: Key(stringValue: k)) }
    }
}
