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

    /// Names of the ten MNIST classes, "0" … "9".
    public static let digitClassNames = (0...9).map(String.init)

    /// The path of `name` in the bundled MNIST resource.
    static func bundledMNISTFile(_ name: String) throws -> String {
        guard let dir = Bundle.module.url(forResource: "mnist", withExtension: nil) else {
            throw DataError.fileNotFound(path: "bundled mnist resource")
        }
        return dir.appendingPathComponent(name).path
    }

    /// The bundled MNIST test set: 10,000 real handwritten digits, 28×28, labels 0–9.
    public static func mnist() throws -> Dataset {
        var d = try IDX.readLabelled(images: try bundledMNISTFile("t10k-images-idx3-ubyte.gz"),
                                     labels: try bundledMNISTFile("t10k-labels-idx1-ubyte.gz"),
                                     name: "mnist")
        d.classNames = digitClassNames
        return d
    }

    /// Fashion-MNIST from `directory`: 60,000 training and 10,000 test images, ten classes.
    ///
    /// With `.all`, the training images come first, then the test images; both parts are read
    /// concurrently.
    public static func fashionMNIST(part: DatasetPart = .all, directory: String = fashionMNISTDirectory) throws -> Dataset {
        var d = try IDX.readLabelled(parts: try fashionMNISTFiles(part: part, directory: directory), name: "fashion-mnist")
        d.classNames = fashionClassNames
        return d
    }

    /// The image and label files of Fashion-MNIST's `part`, training part first.
    /// - Throws: `DataError.fileNotFound` (saying which Debian package installs them).
    static func fashionMNISTFiles(part: DatasetPart, directory: String = fashionMNISTDirectory) throws -> [(images: String, labels: String)] {
        let prefixes: [String]
        switch part {
        case .train: prefixes = ["train"]
        case .test: prefixes = ["t10k"]
        case .all: prefixes = ["train", "t10k"]
        }
        let parts = prefixes.map { prefix in
            (images: "\(directory)/\(prefix)-images-idx3-ubyte.gz", labels: "\(directory)/\(prefix)-labels-idx1-ubyte.gz")
        }
        for part in parts where !FileManager.default.fileExists(atPath: part.images) {
            throw DataError.fileNotFound(path: part.images + " (install Debian's dataset-fashion-mnist: scripts/setup.sh)")
        }
        return parts
    }
}
