import Foundation
import LatentCore

/// Which part of a dataset with a train/test split to load.
public enum DatasetPart: String, Sendable, CaseIterable {
    case train, test, all
}

extension Dataset {
    /// Names `load(_:)` accepts besides file paths.
    public static let knownNames = ["mnist", "fashion-mnist"]

    /// Names of the ten Fashion-MNIST classes.
    public static let fashionClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// Where Debian's `dataset-fashion-mnist` puts its files.
    public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

    /// The bundled MNIST test set: 10,000 real handwritten digits, 28×28, labels 0–9.
    public static func mnist() throws -> Dataset {
        guard let dir = Bundle.module.url(forResource: "mnist", withExtension: nil) else {
            throw DataError.fileNotFound(path: "bundled mnist resource")
        }
        var d = try IDX.readLabelled(images: dir.appendingPathComponent("t10k-images-idx3-ubyte.gz").path,
                                     labels: dir.appendingPathComponent("t10k-labels-idx1-ubyte.gz").path,
                                     name: "mnist")
        d.classNames = (0...9).map(String.init)
        return d
    }

    /// Fashion-MNIST from `directory`: 60,000 training and 10,000 test images, ten classes.
    public static func fashionMNIST(part: DatasetPart = .all, directory: String = fashionMNISTDirectory) throws -> Dataset {
        func load(_ prefix: String) throws -> Dataset {
            let images = "\(directory)/\(prefix)-images-idx3-ubyte.gz"
            let labels = "\(directory)/\(prefix)-labels-idx1-ubyte.gz"
            guard FileManager.default.fileExists(atPath: images) else {
                throw DataError.fileNotFound(path: images + " (install Debian's dataset-fashion-mnist: scripts/setup.sh)")
            }
            return try IDX.readLabelled(images: images, labels: labels, name: "fashion-mnist")
        }
        var d: Dataset
        switch part {
        case .train: d = try load("train")
        case .test: d = try load("t10k")
        case .all:
            let tr = try load("train"), te = try load("t10k")
            d = Dataset(name: "fashion-mnist", samples: try Matrix.vstack([tr.samples, te.samples]),
                        labels: tr.labels! + te.labels!, imageShape: tr.imageShape)
            d.source = "IDX uint8: \(tr.count) train + \(te.count) test images of \(directory); pixels ÷ 255"
        }
        d.classNames = fashionClassNames
        return d
    }
}
