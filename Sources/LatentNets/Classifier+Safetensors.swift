import Foundation
import LatentCore

extension Classifier {
    /// The `format` value in the metadata of LatentMap classifier files.
    public static let fileFormat = "latentmap-classifier"

    /// The classifier as safetensors: one tensor per parameter (`layers.0.weight`, …, dense
    /// kernels `inputs × units`), the input standardisation (`input.mean`, `input.scale`) once
    /// fitted, and in `__metadata__` the architecture as JSON, `format` and `version`.
    public func safetensors() throws -> Safetensors {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let arch = String(decoding: try encoder.encode(architecture), as: UTF8.self)
        var tensors = namedTensors.map { ($0.name, SafetensorsTensor(shape: $0.shape, values: Array($0.values))) }
        if isStandardizationFitted {
            tensors.append(("input.mean", SafetensorsTensor(shape: [inputSize], values: inputMean)))
            tensors.append(("input.scale", SafetensorsTensor(shape: [inputSize], values: inputScale)))
        }
        return Safetensors(tensors: tensors, metadata: ["format": Classifier.fileFormat, "version": "1", "architecture": arch])
    }

    /// Saves the classifier as a safetensors file, atomically.
    public func save(to path: String) throws {
        try safetensors().write(to: path)
    }

    /// Loads a classifier saved by `save(to:)`.
    /// - Throws: `SafetensorsError` naming the file when it is unreadable or damaged,
    ///   `NetsError.invalidModelFile` when it is not a
    ///   classifier, or its tensors do not match its architecture.
    public static func load(from path: String) throws -> Classifier {
        let file = try Safetensors.read(from: path)
        func bad(_ reason: String) -> NetsError { .invalidModelFile(path: path, reason: reason) }
        guard file.metadata["format"] == Classifier.fileFormat else {
            throw bad("its format is '\(file.metadata["format"] ?? "none")', not \(Classifier.fileFormat)")
        }
        guard let json = file.metadata["architecture"],
              let architecture = try? JSONDecoder().decode(ClassifierArchitecture.self, from: Data(json.utf8)) else {
            throw bad("the classifier architecture in its metadata cannot be read")
        }
        var model: Classifier
        do { model = try Classifier(architecture: architecture) } catch let e as NetsError {
            throw bad("its architecture is inconsistent: \(e.description)")
        }
        var parameters = [Float]()
        parameters.reserveCapacity(model.parameterCount)
        var expected = Set<String>()
        for (name, shape, _) in model.namedTensors {
            guard let t = file[name] else { throw bad("tensor '\(name)' is missing") }
            guard t.shape == shape else { throw bad("tensor '\(name)' has shape \(t.shape), the architecture needs \(shape)") }
            parameters.append(contentsOf: t.values)
            expected.insert(name)
        }
        model.parameters = parameters
        if let mean = file["input.mean"], let scale = file["input.scale"] {
            guard mean.shape == [model.inputSize], scale.shape == [model.inputSize] else {
                throw bad("the input standardisation does not have \(model.inputSize) values")
            }
            model.inputMean = mean.values
            model.inputScale = scale.values
            model.isStandardizationFitted = true
            expected.formUnion(["input.mean", "input.scale"])
        }
        if let extra = file.tensors.first(where: { !expected.contains($0.name) }) {
            throw bad("unexpected tensor '\(extra.name)' for this architecture")
        }
        return model
    }
}
