import Foundation
import LatentAnalysis
import LatentCore
import LatentPlot

/// A classifier's confusion matrix over a fixed set of classes, as CSV counts or a heatmap.
///
/// ```swift
/// let report = ConfusionReport(actual: testLabels, predicted: try model.predict(codes), classes: 10)
/// try report.heatmap(classNames: names, title: "MLP").write(to: "confusion.svg")
/// ```
public struct ConfusionReport: Sendable, Equatable {
    /// `matrix.counts[true class][predicted class]`, every class a row and a column even when
    /// it never occurs.
    public var matrix: ConfusionMatrix

    /// Tallies class indices in `0..<classes`.
    public init(actual: [Int], predicted: [Int], classes: Int) {
        // Appending one of each class to both sides gives the table every class, in index
        // order; the diagonal is then one too high.
        let all = Array(0..<classes)
        matrix = ConfusionMatrix(actual: actual + all, predicted: predicted + all)
        for c in 0..<classes { matrix.counts[c][c] -= 1 }
    }

    /// One row of counts per true class, comma-separated.
    public func csv() -> String {
        matrix.counts.map { $0.map(String.init).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// The counts as a heatmap, true classes down, predictions across.
    public func heatmap(classNames: [String]?, title: String) throws -> Heatmap {
        try Heatmap(confusion: matrix.counts, classNames: classNames).titled(title)
    }
}
