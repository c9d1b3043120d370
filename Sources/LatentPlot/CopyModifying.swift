/// A figure value whose builder methods (`plot.titled("…")`, `.pointSize(2)`) each return a
/// changed copy and leave the original as it was.
protocol CopyModifying {}

extension CopyModifying {
    /// A copy of `self` changed by `change`.
    func with(_ change: (inout Self) -> Void) -> Self {
        var copy = self
        change(&copy)
        return copy
    }
}
