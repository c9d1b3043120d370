import Foundation
import LatentCore

extension Dataset {
    /// Loads a dataset by name (`mnist`, `fashion-mnist`) or from a file.
    ///
    /// Files are recognised by their name: IDX (`…-idx3-ubyte`, `.idx`, optionally `.gz`; the
    /// labels file beside it is found by replacing `images-idx3` with `labels-idx1`).
    ///
    /// - Parameters:
    ///   - spec: a dataset name or a path.
    ///   - part: for datasets with a train/test split, which part (default: all).
    /// - Throws: `DataError` naming the file and what is wrong with it.
    public static func load(_ spec: String, part: DatasetPart = .all) throws -> Dataset {
        switch spec.lowercased() {
        case "mnist":
            guard part != .train else {
                throw DataError.invalidArgument("mnist: the bundled MNIST is the 10,000-digit test set; it has no train part")
            }
            return try mnist()
        case "fashion-mnist", "fashion":
            return try fashionMNIST(part: part)
        default:
            break
        }
        guard FileManager.default.fileExists(atPath: spec) else {
            if !spec.contains("/") && !spec.contains(".") {
                throw DataError.unknownDataset(name: spec, known: knownNames)
            }
            throw DataError.fileNotFound(path: spec)
        }
        return try loadFile(spec)
    }

    /// Loads a file by its extension.
    static func loadFile(_ path: String) throws -> Dataset {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let lower = name.lowercased()
        if lower.contains("idx3") || lower.hasSuffix(".idx") || lower.hasSuffix(".idx.gz") {
            let labelsPath = URL(fileURLWithPath: path).deletingLastPathComponent()
                .appendingPathComponent(name.replacingOccurrences(of: "images-idx3", with: "labels-idx1")).path
            if labelsPath != path && FileManager.default.fileExists(atPath: labelsPath) {
                return try IDX.readLabelled(images: path, labels: labelsPath, name: name)
            }
            let (images, shape) = try IDX.readImages(path)
            return Dataset(name: name, samples: images, imageShape: shape)
        }
        throw DataError.malformed(path: path, reason: "unrecognised file type (expected IDX, .npy, .npz or .csv)")
    }
}
