import LatentCore

/// A k-nearest-neighbour classifier, used to judge how well an embedding keeps classes apart.
///
/// Each query takes the majority label of its `k` nearest training points (uniform weights);
/// a tie goes to the smallest label, as scikit-learn's `KNeighborsClassifier` does.
///
/// ```swift
/// let acc = try KNNClassifier(k: 10).crossValidatedAccuracy(embedding, labels: labels)  // 5 folds
/// ```
public struct KNNClassifier: Sendable {
    /// Neighbours that vote (default 10).
    public var k: Int
    /// Distance between points (default Euclidean).
    public var metric: DistanceMetric

    public init(k: Int = 10, metric: DistanceMetric = .euclidean) {
        self.k = k
        self.metric = metric
    }

    /// The predicted label of each row of `queries`, from `training` and its `labels`.
    /// - Throws: `AnalysisError` when sizes disagree or `k` exceeds the training set.
    public func predict(_ queries: Matrix, training: Matrix, labels: [Int]) throws -> [Int] {
        guard labels.count == training.rows else {
            throw AnalysisError.sizeMismatch("\(labels.count) labels for \(training.rows) training points")
        }
        let knn = try NearestNeighbors(of: queries, in: training, k: k, metric: metric)
        return vote(knn, labels: labels)
    }

    /// The fraction of `test` points whose predicted label equals `testLabels`.
    public func accuracy(training: Matrix, labels: [Int], test: Matrix, testLabels: [Int]) throws -> Double {
        guard testLabels.count == test.rows else {
            throw AnalysisError.sizeMismatch("\(testLabels.count) labels for \(test.rows) test points")
        }
        guard test.rows > 0 else { throw AnalysisError.invalidArgument("accuracy needs at least one test point") }
        let predicted = try predict(test, training: training, labels: labels)
        var right = 0
        for i in predicted.indices where predicted[i] == testLabels[i] { right += 1 }
        return Double(right) / Double(test.rows)
    }

    /// The mean accuracy over `folds` stratified folds: each class's points, in their order, are
    /// cut into `folds` contiguous parts, and fold f is classified by the other folds.
    ///
    /// Deterministic: no shuffling (like scikit-learn's `cross_val_score(..., cv=5)`).
    /// - Throws: `AnalysisError` when `folds < 2`, the labels do not match the points, or a
    ///   fold's training part has fewer than `k` points.
    public func crossValidatedAccuracy(_ points: Matrix, labels: [Int], folds: Int = 5) throws -> Double {
        guard folds >= 2 else { throw AnalysisError.invalidArgument("cross-validation needs at least 2 folds, got \(folds)") }
        guard labels.count == points.rows else {
            throw AnalysisError.sizeMismatch("\(labels.count) labels for \(points.rows) points")
        }
        guard points.rows >= folds else {
            throw AnalysisError.invalidArgument("\(points.rows) points cannot be split into \(folds) folds")
        }
        var byClass = [Int: [Int]]()
        for (i, l) in labels.enumerated() { byClass[l, default: []].append(i) }
        var foldOf = [Int](repeating: 0, count: points.rows)
        for members in byClass.values {
            for (rank, i) in members.enumerated() { foldOf[i] = rank * folds / members.count }
        }
        var total = 0.0
        var used = 0
        for f in 0..<folds {
            let test = foldOf.indices.filter { foldOf[$0] == f }
            let train = foldOf.indices.filter { foldOf[$0] != f }
            if test.isEmpty { continue }
            guard train.count >= k else {
                throw AnalysisError.invalidNeighborCount(k: k, allowed: "k ≤ \(train.count), the training points of fold \(f + 1)")
            }
            total += try accuracy(training: points.rows(at: train), labels: train.map { labels[$0] },
                                  test: points.rows(at: test), testLabels: test.map { labels[$0] })
            used += 1
        }
        return total / Double(max(used, 1))
    }

    private func vote(_ knn: NearestNeighbors, labels: [Int]) -> [Int] {
        // Votes are tallied per class (distinct label, ascending), so a tie still goes to the
        // smallest label and a huge label value costs nothing.
        let classes = LabelClasses(labels)
        var counts = [Int](repeating: 0, count: classes.count)
        var out = [Int](repeating: 0, count: knn.count)
        for i in 0..<knn.count {
            let neighbours = knn.indices(of: i)
            for j in neighbours { counts[classes.indices[Int(j)]] += 1 }
            var best = -1
            for j in neighbours {
                let c = classes.indices[Int(j)]
                if best < 0 || counts[c] > counts[best] || (counts[c] == counts[best] && c < best) { best = c }
            }
            for j in neighbours { counts[classes.indices[Int(j)]] = 0 }
            out[i] = classes.values[max(best, 0)]
        }
        return out
    }
}
