import Foundation
import LatentMap

extension LatentMapCommand.Pipeline {
    /// Held-out images placed into the pipeline's finished training map.
    struct HeldOut {
        let name: String
        let map: TSNEMap
        let positions: Matrix
        let labels: [Int]?
        let classNames: [String]?
        let accuracy: Double?

        /// metrics.json entries: the held-out count and their 10-NN accuracy against the
        /// training labels in 2-D.
        var metrics: [(String, String)] {
            [("test_samples", "\(positions.rows)")] + (accuracy.map { [("knn10_test_2d", String(format: "%.4f", $0))] } ?? [])
        }

        /// Writes the placed points, the map and the figure of the placed points over the faded map.
        func write(into folder: String, seed: UInt64) throws {
            func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
            try MatrixIO.write(positions, to: path("test_embedding.npy"))
            if let labels { try MatrixIO.write(labels: labels, to: path("test_labels.npy")) }
            try map.write(to: path("map.safetensors"))
            let title = LatentMapCommand.Pipeline.displayName(name)
            let (_, over) = Recipes.placementFigures(map: map, placed: positions, labels: labels, classNames: classNames,
                                                     title: title, seed: seed)
            for ext in ["png", "svg"] { try over.write(to: path("placed.\(ext)")) }
        }
    }

    /// The held-out part, when there is one (`--test`, or the test part of a dataset loaded
    /// with `--part train`), encoded and placed into the map of the training codes.
    func placeHeldOut(codes: Matrix, result: TSNEResult, tsne: TSNE, dataset: Dataset,
                      autoencoder: Autoencoder) throws -> HeldOut? {
        var held: Dataset
        if let test {
            held = try Dataset.load(test, labels: testLabels)
        } else if data.part == .train {
            held = try Dataset.load(data.data, part: .test, labels: nil, labelColumn: data.labelColumn)
        } else {
            return nil
        }
        if let classes = try data.parsedClasses() { held = try held.selecting(classes: classes) }
        let samples = try modelInputs(held, for: autoencoder, path: model ?? "the trained model")
        if !runtime.quiet { ProgressBar.note("pipeline: placing \(held.count) held-out images (\(held.name)) into the training map") }
        let map = try TSNEMap(reference: codes, result: result, tsne: tsne, labels: dataset.labels)
        let bar = ProgressBar(title: "place", total: max(held.count, 1), plainEvery: 4096, quiet: runtime.quiet)
        let placed = try map.transform(try autoencoder.encode(samples)) { p in
            bar.update(p.placed)
            return .continue
        }.positions
        bar.finish()
        let accuracy = try Recipes.placedAccuracy(placed, labels: held.labels, in: map)
        if let accuracy, !runtime.quiet {
            ProgressBar.note(String(format: "held-out 10-NN accuracy against the training labels (2-D) %.4f", accuracy))
        }
        return HeldOut(name: held.name, map: map, positions: placed, labels: held.labels,
                       classNames: held.classNames ?? dataset.classNames, accuracy: accuracy)
    }
}
