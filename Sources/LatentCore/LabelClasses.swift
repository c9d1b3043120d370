/// The classes named by a list of labels: labels are class identifiers, not array indices.
///
/// Every consumer of labels (legends, label counts, k-NN votes, classifiers, confusion
/// matrices) sizes its tables by the number of distinct labels, never by the largest value,
/// so one label of 10⁸ among digits is an eleventh class rather than a 10⁸-entry table.
///
/// ```swift
/// let classes = LabelClasses([7, 3, 7, 100_000_000])
/// classes.values        // [3, 7, 100000000]
/// classes.indices       // [1, 0, 1, 2]
/// classes.counts        // [1, 2, 1]
/// ```
public struct LabelClasses: Sendable, Equatable {
    /// The distinct labels, ascending; class `c` is `values[c]`.
    public let values: [Int]
    /// Each sample's class, in `0..<count`.
    public let indices: [Int]
    /// Samples per class.
    public let counts: [Int]

    /// The classes of `labels`. O(N log N).
    public init(_ labels: [Int]) {
        let values = Array(Set(labels)).sorted()
        var counts = [Int](repeating: 0, count: values.count)
        var indices = [Int](repeating: 0, count: labels.count)
        // Small non-negative labels (the usual 0…9) take a direct table; others a dictionary.
        if let top = values.last, let bottom = values.first, bottom >= 0, top < 4 * values.count + 64 {
            var slot = [Int](repeating: -1, count: top + 1)
            for (c, v) in values.enumerated() { slot[v] = c }
            for (i, l) in labels.enumerated() { indices[i] = slot[l]; counts[slot[l]] += 1 }
        } else {
            let slot = Dictionary(uniqueKeysWithValues: values.enumerated().map { ($1, $0) })
            for (i, l) in labels.enumerated() { let c = slot[l]!; indices[i] = c; counts[c] += 1 }
        }
        self.values = values
        self.indices = indices
        self.counts = counts
    }

    /// The number of distinct labels.
    public var count: Int { values.count }

    /// True when the labels are exactly `0..<count` (class `c` is label `c`).
    public var isDense: Bool { values.isEmpty || (values.first == 0 && values.last == count - 1) }

    /// True when the labels are small class numbers in `0..<max(10, 2·count)`: a plot can then
    /// colour label `v` with palette entry `v`, so a digit keeps its colour in every subset.
    public var isSmall: Bool {
        guard let first = values.first, let last = values.last else { return true }
        return first >= 0 && last < max(10, 2 * count)
    }

    /// The class of `label`, or nil when no sample has it.
    public func index(of label: Int) -> Int? {
        var lo = 0, hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] < label { lo = mid + 1 } else { hi = mid }
        }
        return lo < values.count && values[lo] == label ? lo : nil
    }
}
