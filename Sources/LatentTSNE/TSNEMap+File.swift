import Foundation
import LatentAnalysis
import LatentCore

/// The map file: a safetensors file (Hugging Face's format: an 8-byte little-endian header
/// length, a JSON header, raw little-endian float32 data), so any tool reads it without
/// LatentMap: `safetensors.numpy.load_file("map.safetensors")`, or with numpy alone, a JSON
/// parse of the header and `np.frombuffer` (a dozen lines; the tests do exactly that).
///
/// Tensors (all F32): `positions` (N × d, the map), `reference` (N × D, the input rows the map
/// was fitted on), optionally `labels` (N, exact integers) and `projection.mean` (D₀) with
/// `projection.components` (D × D₀). The `__metadata__` strings: `format` =
/// `latentmap-tsne-map`, `version` = `1`, `perplexity`, `metric` (`euclidean` | `cosine`),
/// `method` (`exact` | `barnes-hut`), `theta` (Barnes-Hut), `points`, `dimensions`,
/// `input_dimensions`.
extension TSNEMap {
    /// The `format` metadata value of a map file.
    public static let fileFormat = "latentmap-tsne-map"

    /// The map as safetensors tensors and metadata.
    public func safetensors() -> Safetensors {
        var tensors: [(name: String, tensor: SafetensorsTensor)] = [
            ("positions", SafetensorsTensor(shape: [positions.rows, positions.columns], values: positions.elements)),
            ("reference", SafetensorsTensor(shape: [reference.rows, reference.columns], values: reference.elements)),
        ]
        if let labels { tensors.append(("labels", SafetensorsTensor(shape: [labels.count], values: labels.map { Float($0) }))) }
        if let projection {
            tensors.append(("projection.mean", SafetensorsTensor(shape: [projection.mean.count], values: projection.mean)))
            tensors.append(("projection.components", SafetensorsTensor(shape: [projection.components.rows, projection.components.columns],
                                                                        values: projection.components.elements)))
        }
        var metadata = ["format": TSNEMap.fileFormat, "version": "1", "perplexity": "\(perplexity)", "metric": metric.rawValue,
                        "points": "\(count)", "dimensions": "\(dimensions)", "input_dimensions": "\(inputDimensions)"]
        if case .barnesHut(let theta) = method {
            metadata["method"] = "barnes-hut"
            metadata["theta"] = "\(theta)"
        } else if method == .exact {
            metadata["method"] = "exact"
        } else {
            // Any other method places through Barnes-Hut at θ = 0.5 (see `transform`): say so.
            metadata["method"] = "barnes-hut"
            metadata["theta"] = "0.5"
        }
        return Safetensors(tensors: tensors, metadata: metadata)
    }

    /// Writes the map atomically (temporary file, then rename).
    public func write(to path: String) throws {
        try safetensors().write(to: path)
    }

    /// Reads a map written by `write(to:)`.
    /// - Throws: `TSNEError.invalidMap` naming the file and the problem: missing, unreadable,
    ///   truncated or damaged, another kind of safetensors file, missing or misshapen tensors,
    ///   unreadable metadata, non-finite values.
    public static func read(from path: String) throws -> TSNEMap {
        let file: Safetensors
        do { file = try Safetensors.read(from: path) } catch let error as SafetensorsError {
            switch error {
            case .unreadable(_, let reason), .invalid(_, let reason): throw TSNEError.invalidMap(path: path, reason: reason)
            }
        }
        return try TSNEMap(safetensors: file, path: path)
    }

    /// A map from parsed safetensors; `path` names the source in errors.
    public init(safetensors file: Safetensors, path: String) throws {
        func bad(_ reason: String) -> TSNEError { .invalidMap(path: path, reason: reason) }
        let meta = file.metadata
        guard meta["format"] == TSNEMap.fileFormat else {
            throw bad("its format is '\(meta["format"] ?? "none")', not \(TSNEMap.fileFormat)")
        }
        guard meta["version"] == "1" else { throw bad("version \(meta["version"] ?? "none") is not supported (this build reads version 1)") }
        func matrix(_ name: String) throws -> Matrix {
            guard let t = file[name] else { throw bad("the tensor '\(name)' is missing") }
            guard t.shape.count == 2 else { throw bad("'\(name)' has shape \(t.shape), expected 2 dimensions") }
            return try Matrix(rows: t.shape[0], columns: t.shape[1], elements: t.values)
        }
        let positions = try matrix("positions"), reference = try matrix("reference")
        guard let perplexity = meta["perplexity"].flatMap(Double.init) else { throw bad("the perplexity is missing or not a number") }
        guard let metric = meta["metric"].flatMap(DistanceMetric.init(rawValue:)) else {
            throw bad("the metric '\(meta["metric"] ?? "none")' is not one of \(DistanceMetric.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let method: GradientMethod
        switch meta["method"] {
        case "exact": method = .exact
        case "barnes-hut":
            guard let theta = meta["theta"].flatMap(Double.init) else { throw bad("the Barnes-Hut theta is missing or not a number") }
            method = .barnesHut(theta: theta)
        default: throw bad("the method '\(meta["method"] ?? "none")' is not exact or barnes-hut")
        }
        var labels: [Int]?
        if let t = file["labels"] {
            guard t.shape == [reference.rows] else { throw bad("'labels' has shape \(t.shape), expected [\(reference.rows)]") }
            guard t.values.allSatisfy({ $0 >= 0 && $0 < 16_777_216 && $0 == $0.rounded() }) else {
                throw bad("'labels' holds a value that is not a class number (a non-negative integer)")
            }
            labels = t.values.map { Int($0) }
        }
        var projection: Projection?
        switch (file["projection.mean"], file["projection.components"]) {
        case (nil, nil): break
        case (let mean?, _?):
            guard mean.shape.count == 1 else { throw bad("'projection.mean' has shape \(mean.shape), expected 1 dimension") }
            let components = try matrix("projection.components")
            do { projection = try Projection(mean: mean.values, components: components) } catch {
                throw bad("the projection is unusable: \(error)")
            }
        default: throw bad("the projection needs both 'projection.mean' and 'projection.components'")
        }
        let known: Set<String> = ["positions", "reference", "labels", "projection.mean", "projection.components"]
        if let extra = file.tensors.first(where: { !known.contains($0.name) }) { throw bad("unexpected tensor '\(extra.name)'") }
        do {
            try self.init(reference: reference, positions: positions, perplexity: perplexity, metric: metric, method: method,
                          labels: labels, projection: projection)
        } catch let error as TSNEError {
            throw bad("\(error)")
        }
    }
}
