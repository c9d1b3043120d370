import Foundation
import LatentCore

extension Autoencoder {
    /// The `format` value in the metadata of LatentMap model files.
    public static let fileFormat = "latentmap-autoencoder"

    /// The metadata key naming the preprocessing a model's inputs get (`deskew`, or absent for
    /// none), in model files and, as a resume option, in training checkpoints.
    static let preprocessingKey = "input_preprocessing"

    /// Whether the value under `preprocessingKey` means deskewing.
    /// - Throws: `NetsError.invalidModelFile` naming `path` for a preprocessing this version does not know.
    static func deskews(preprocessing value: String?, path: String) throws -> Bool {
        switch value {
        case nil: return false
        case "deskew": return true
        case let other?:
            throw NetsError.invalidModelFile(path: path, reason: "its input preprocessing '\(other)' is unknown (this version knows 'deskew')")
        }
    }

    /// The model as safetensors: one tensor per weight and bias (`encoder.0.weight`, …, in
    /// Keras layout: dense `inputs × units`, conv `kh × kw × in × out`), and in `__metadata__`
    /// the architecture as JSON (`architecture`), `format`, `version`, `code_size` and, for a
    /// model trained on deskewed images, `input_preprocessing` = `deskew`.
    public func safetensors() throws -> Safetensors {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let arch = String(decoding: try encoder.encode(architecture), as: UTF8.self)
        var metadata = ["format": Autoencoder.fileFormat, "version": "1", "architecture": arch,
                        "code_size": String(codeSize), "input_shape": architecture.inputShape.description]
        if let spec = architecture.denseSpec { metadata["spec"] = spec }
        if deskewsInputs { metadata[Autoencoder.preprocessingKey] = "deskew" }
        let tensors = namedTensors.map { ($0.name, SafetensorsTensor(shape: $0.shape, values: Array($0.values))) }
        return Safetensors(tensors: tensors, metadata: metadata)
    }

    /// Saves the model as a safetensors file, atomically.
    public func save(to path: String) throws {
        try safetensors().write(to: path)
    }

    /// Loads a model saved by `save(to:)`.
    /// - Throws: `SafetensorsError` naming the file when it is unreadable or damaged,
    ///   `NetsError.invalidModelFile` when it lacks the architecture or its tensors do not match
    ///   the architecture (missing, extra, wrong shape).
    public static func load(from path: String) throws -> Autoencoder {
        try Autoencoder(safetensors: try Safetensors.readModel(from: path), path: path)
    }

    /// A model from parsed safetensors; `path` names the source in errors.
    public init(safetensors file: Safetensors, path: String) throws {
        func bad(_ reason: String) -> NetsError { .invalidModelFile(path: path, reason: reason) }
        guard let archJSON = file.metadata["architecture"] else {
            throw bad("no 'architecture' in its metadata (not written by latentmap?)")
        }
        let architecture: Architecture
        do {
            architecture = try JSONDecoder().decode(Architecture.self, from: Data(archJSON.utf8))
        } catch {
            throw bad("the architecture in its metadata cannot be read")
        }
        let stack: LayerStack
        do { stack = try LayerStack(architecture) } catch let e as NetsError {
            throw bad("its architecture is inconsistent: \(e.description)")
        }
        var template = try Autoencoder(architecture: architecture, parameters: [Float](repeating: 0, count: stack.parameterCount))
        var parameters = [Float]()
        parameters.reserveCapacity(stack.parameterCount)
        for (name, shape, _) in template.namedTensors {
            guard let t = file[name] else { throw bad("tensor '\(name)' is missing") }
            guard t.shape == shape else { throw bad("tensor '\(name)' has shape \(t.shape), the architecture needs \(shape)") }
            parameters.append(contentsOf: t.values)
        }
        let expected = Set(template.namedTensors.map(\.name))
        if let extra = file.tensors.first(where: { !expected.contains($0.name) }) {
            throw bad("unexpected tensor '\(extra.name)' for this architecture")
        }
        template.parameters = parameters
        template.deskewsInputs = try Autoencoder.deskews(preprocessing: file.metadata[Autoencoder.preprocessingKey], path: path)
        self = template
    }
}
