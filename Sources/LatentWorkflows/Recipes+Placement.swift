import Foundation
import LatentAnalysis
import LatentCore
import LatentPlot
import LatentTSNE

extension Recipes {
    /// Places `data` into `map` (which stays fixed), reporting placed points as a `StageProgress`.
    public static func place(_ data: Matrix, into map: TSNEMap, placement: TSNEPlacement = TSNEPlacement(), stage: String,
                             progress: (StageProgress) -> ProgressDecision) throws -> PlacementResult {
        try map.transform(data, placement: placement) { p in
            progress(StageProgress(stage: stage, step: p.placed, total: p.total, detail: ""))
        }
    }

    /// The fraction of placed points whose 10 nearest map points (in the map's 2-D or 3-D
    /// coordinates) mostly carry the placed point's own label: the test points' 10-NN accuracy
    /// against the training labels. Nil when the map or the placed points have no labels.
    public static func placedAccuracy(_ placed: Matrix, labels: [Int]?, in map: TSNEMap, k: Int = 10) throws -> Double? {
        guard let labels, let mapLabels = map.labels, placed.rows > 0 else { return nil }
        return try KNNClassifier(k: min(k, map.count)).accuracy(training: map.positions, labels: mapLabels,
                                                                  test: placed, testLabels: labels)
    }

    /// The median distance between the map's reference positions and where placing the
    /// reference points again puts them (`every`-th point, to keep it quick), divided by the
    /// map's spread (`TSNEMap.spread`): how far placing drifts from the fitted map.
    public static func replacementDrift(of map: TSNEMap, every: Int = 1) throws -> Double {
        let rows = Array(stride(from: 0, to: map.count, by: max(1, every)))
        // The reference rows are already projected: place them through the map without its projection.
        let plain = try TSNEMap(reference: map.reference, positions: map.positions, perplexity: map.perplexity,
                                metric: map.metric, method: map.method)
        let again = try plain.transform(map.reference.rows(at: rows)).positions
        var moves = rows.enumerated().map { t, i -> Double in
            var s = 0.0
            for c in 0..<map.dimensions { let v = Double(again[t, c] - map.positions[i, c]); s += v * v }
            return s.squareRoot()
        }
        moves.sort()
        return moves[moves.count / 2] / map.spread
    }

    /// The two figures of a test set placed into its training map: the training map alone,
    /// and the placed points coloured by class over the faded training map.
    public static func placementFigures(map: TSNEMap, placed: Matrix, labels: [Int]?, classNames: [String]?,
                                        title: String, seed: UInt64) -> (training: ScatterPlot, placed: ScatterPlot) {
        var training = ScatterPlot(map.positions, labels: map.labels).titled("\(title): training map").shuffled(seed: seed)
        var over = ScatterPlot(placed, labels: labels).over(map.positions).titled("\(title): test points placed").shuffled(seed: seed)
        if let classNames {
            training = training.classNames(classNames)
            over = over.classNames(classNames)
        }
        return (training, over)
    }
}
