import Foundation
import LatentMap

extension LatentMapCommand.Pipeline {
    /// The held-out part, when there is one: `--test`, or the test part of a dataset loaded
    /// with `--part train`; `--classes` applies to it too.
    func heldOutImages() throws -> Dataset? {
        var held: Dataset
        if let test {
            held = try Dataset.load(test, labels: testLabels)
        } else if data.part == .train {
            held = try Dataset.load(data.data, part: .test, labels: nil, labelColumn: data.labelColumn)
        } else {
            return nil
        }
        if let classes = try data.parsedClasses() { held = try held.selecting(classes: classes) }
        return held
    }

    /// Writes the placed points, the map and the figure of the placed points over the faded map.
    func write(_ placed: PlacedImages) throws {
        try MatrixIO.write(placed.positions, to: path("test_embedding.npy"))
        if let labels = placed.labels { try MatrixIO.write(labels: labels, to: path("test_labels.npy")) }
        try placed.map.write(to: path("map.safetensors"))
        let over = placed.figure(title: Recipes.displayName(placed.name), seed: seed)
        for ext in ["png", "svg"] { try over.write(to: path("placed.\(ext)")) }
    }
}
