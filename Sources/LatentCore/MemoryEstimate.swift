import Foundation

/// Peak-memory arithmetic for refusing work that cannot fit, before it starts.
///
/// Long runs (exact t-SNE's N² affinities, a large dataset's float copy) estimate their peak
/// bytes up front and compare it with a limit: the caller's, or else the memory the kernel
/// says is available now (`MemAvailable` in `/proc/meminfo`: free memory plus what the page
/// cache can give back). A run over the limit is refused with both numbers, instead of being
/// killed by the kernel an hour in.
///
/// ```swift
/// let need = MemoryEstimate.bytes(floats: n * n)           // an N × N Float matrix
/// if let limit = MemoryEstimate.limit(override: nil), need > limit { … refuse … }
/// print(MemoryEstimate.format(need))                       // "7.5 GB"
/// ```
public enum MemoryEstimate {
    /// Bytes the kernel reports as available (`MemAvailable`), or nil where unknown.
    public static func availableBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        return parseAvailable(meminfo: text)
    }

    /// `MemAvailable` from the text of `/proc/meminfo` (the value is in kB), or nil.
    static func parseAvailable(meminfo text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kB = Int(fields[1]) else { return nil }
            return kB * 1024
        }
        return nil
    }

    /// The limit to check against: `override` when given, else the running call's
    /// `ExecutionContext.current.memoryLimit` (the CLI's `--max-memory`), else the available
    /// memory (nil when none is known, in which case nothing is refused).
    public static func limit(override: Int? = nil) -> Int? {
        override ?? ExecutionContext.current.memoryLimit ?? availableBytes()
    }

    /// Throws `error(estimate, limit)` when `estimate` bytes exceed the limit.
    public static func check(_ estimate: Int, override: Int? = nil, else error: (_ estimate: Int, _ limit: Int) -> Error) throws {
        if let limit = limit(override: override), estimate > limit { throw error(estimate, limit) }
    }

    /// Bytes for `count` `Float`s, saturating instead of overflowing.
    public static func bytes(floats count: Int) -> Int {
        count.multipliedReportingOverflow(by: 4).overflow ? Int.max : count * 4
    }

    /// `a · b`, saturating at `Int.max` (estimates for absurd inputs must not trap).
    public static func product(_ a: Int, _ b: Int) -> Int {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow || p < 0 ? Int.max : p
    }

    /// `a + b`, saturating at `Int.max`.
    public static func sum(_ terms: Int...) -> Int {
        var s = 0
        for t in terms {
            let (r, overflow) = s.addingReportingOverflow(t)
            if overflow { return Int.max }
            s = r
        }
        return s
    }

    /// A size such as `2.0 GB`, `350 MB` or `12 kB` (decimal units, as `free -h` does not but
    /// as disk and RAM vendors do; three significant digits are plenty for a refusal).
    public static func format(_ bytes: Int) -> String {
        if bytes == Int.max { return "more than 9 EB" }
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), u = 0
        while value >= 1000 && u < units.count - 1 { value /= 1000; u += 1 }
        if u == 0 { return "\(bytes) bytes" }
        return value >= 100 ? String(format: "%.0f %@", value, units[u]) : String(format: "%.1f %@", value, units[u])
    }

    /// Parses a size given on the command line: a number with an optional unit `k`, `M`, `G`,
    /// `T` (decimal; `KiB`, `MiB`, `GiB` binary), e.g. `500M`, `2G`, `1.5GB`, `4096`.
    public static func parse(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let digits = t.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(digits), value >= 0 else { return nil }
        let unit = t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let scale: Double
        switch unit {
        case "", "b": scale = 1
        case "k", "kb": scale = 1e3
        case "m", "mb": scale = 1e6
        case "g", "gb": scale = 1e9
        case "t", "tb": scale = 1e12
        case "kib": scale = 1024
        case "mib": scale = 1024 * 1024
        case "gib": scale = 1024 * 1024 * 1024
        default: return nil
        }
        let bytes = value * scale
        guard bytes.isFinite, bytes < 9e18 else { return nil }
        return Int(bytes)
    }
}
