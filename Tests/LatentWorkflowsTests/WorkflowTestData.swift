import LatentCore
import LatentData
import TestSupport

/// Small generated image datasets for the workflow tests.
enum WorkflowTestData {
    /// `classes` classes of `perClass` 8×8 images in [0, 1]: each class a random template,
    /// each image its template plus noise of standard deviation 0.1, clipped.
    static func images(classes: Int = 3, perClass: Int = 40, seed: UInt64 = 1) -> Dataset {
        var rng = SeededGenerator(seed: seed)
        let templates = Matrix.uniform(rows: classes, columns: 64, low: 0, high: 1, using: &rng)
        var samples = Matrix(rows: classes * perClass, columns: 64)
        var labels: [Int] = []
        for c in 0..<classes {
            for k in 0..<perClass {
                for j in 0..<64 { samples[c * perClass + k, j] = min(1, max(0, templates[c, j] + 0.1 * rng.nextGaussian())) }
                labels.append(c)
            }
        }
        return Dataset(name: "templates", samples: samples, labels: labels, imageShape: TensorShape(height: 8, width: 8))
    }
}
