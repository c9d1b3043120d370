import Foundation

/// A float32 tensor as stored in a safetensors file: a shape and its row-major values.
public struct SafetensorsTensor: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        self.shape = shape
        self.values = values
    }
}

/// Reads and writes the safetensors format (Hugging Face), float32 tensors only: the container
/// behind model files, training checkpoints and t-SNE maps.
///
/// Layout: an 8-byte little-endian header length H, then H bytes of JSON mapping each tensor
/// name to `{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}` (byte offsets into
/// the data that follows) plus an optional `"__metadata__"` object of string values, then the
/// raw little-endian data. `safetensors.numpy.load_file` and `safetensors.torch.load_file`
/// read what `write` produces.
public struct Safetensors: Sendable, Equatable {
    /// Tensors in file order.
    public var tensors: [(name: String, tensor: SafetensorsTensor)]
    /// The `__metadata__` strings.
    public var metadata: [String: String]

    public init(tensors: [(name: String, tensor: SafetensorsTensor)] = [], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    public static func == (a: Safetensors, b: Safetensors) -> Bool {
        a.metadata == b.metadata && a.tensors.count == b.tensors.count
            && zip(a.tensors, b.tensors).allSatisfy { $0.name == $1.name && $0.tensor == $1.tensor }
    }

    /// The tensor called `name`, if present.
    public subscript(name: String) -> SafetensorsTensor? {
        tensors.first { $0.name == name }?.tensor
    }

    /// The file's bytes: header length, JSON header (keys sorted, padded with spaces to a
    /// multiple of 8 bytes), data.
    public func encoded() throws -> Data {
        var header = [String: Any]()
        var offset = 0
        for (name, t) in tensors {
            let bytes = t.values.count * 4
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + bytes]] as [String: Any]
            offset += bytes
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for (_, t) in tensors {
            t.values.withUnsafeBufferPointer { p in
                #if _endian(little)
                out.append(UnsafeBufferPointer(start: UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: UInt8.self),
                                               count: p.count * 4))
                #else
                for v in p { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
                #endif
            }
        }
        return out
    }

    /// Writes the file atomically (temporary file, then rename).
    public func write(to path: String) throws {
        try AtomicFile.write(try encoded(), to: path)
    }

    /// Reads a safetensors file.
    /// - Throws: `SafetensorsError.unreadable` when the file cannot be read,
    ///   `SafetensorsError.invalid` naming the file and the problem when it is truncated, its
    ///   header is not valid JSON, a tensor is not F32, or shapes and offsets disagree.
    public static func read(from path: String) throws -> Safetensors {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "\(error.localizedDescription)" : "no such file"
            throw SafetensorsError.unreadable(path: path, reason: reason)
        }
        return try decode(data, path: path)
    }

    /// Parses the bytes of a safetensors file; `path` only names the file in errors.
    public static func decode(_ data: Data, path: String) throws -> Safetensors {
        func bad(_ reason: String) -> SafetensorsError { .invalid(path: path, reason: reason) }
        guard data.count >= 8 else { throw bad("file is \(data.count) bytes, too short for a safetensors header") }
        var headerLength: UInt64 = 0
        for k in 0..<8 { headerLength |= UInt64(data[data.startIndex + k]) << (8 * UInt64(k)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw bad("header length \(headerLength) exceeds the file size (\(data.count) bytes): truncated or not safetensors")
        }
        let headerEnd = 8 + Int(headerLength)
        let json = data[(data.startIndex + 8)..<(data.startIndex + headerEnd)]
        guard let object = try? JSONSerialization.jsonObject(with: json), let header = object as? [String: Any] else {
            throw bad("the header is not a JSON object")
        }
        var metadata = [String: String]()
        if let meta = header["__metadata__"] {
            guard let m = meta as? [String: String] else { throw bad("__metadata__ must map strings to strings") }
            metadata = m
        }
        let body = data.count - headerEnd
        var entries = [(name: String, shape: [Int], begin: Int, end: Int)]()
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any] else { throw bad("tensor '\(name)' has no description") }
            guard let dtype = info["dtype"] as? String else { throw bad("tensor '\(name)' has no dtype") }
            guard dtype == "F32" else { throw bad("tensor '\(name)' has dtype \(dtype); only F32 is supported") }
            guard let shape = (info["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  shape.count == (info["shape"] as? [Any])?.count, shape.allSatisfy({ $0 >= 0 }) else {
                throw bad("tensor '\(name)' has an invalid shape")
            }
            guard let offsets = (info["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }), offsets.count == 2 else {
                throw bad("tensor '\(name)' has invalid data_offsets")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= body else {
                throw bad("tensor '\(name)' spans bytes \(begin)..<\(end) but the data has \(body): truncated file")
            }
            // Overflow-checked: a hostile shape must be refused, not trap.
            var expected = 4
            for d in shape {
                let (p, overflow) = expected.multipliedReportingOverflow(by: d)
                guard !overflow else { throw bad("tensor '\(name)' has a shape \(shape) too large to be real") }
                expected = p
            }
            guard end - begin == expected else {
                throw bad("tensor '\(name)' of shape \(shape) needs \(expected) bytes, its offsets give \(end - begin)")
            }
            entries.append((name, shape, begin, end))
        }
        entries.sort { ($0.begin, $0.name) < ($1.begin, $1.name) }
        var tensors = [(name: String, tensor: SafetensorsTensor)]()
        data.withUnsafeBytes { raw in
            let base = raw.baseAddress! + headerEnd
            for e in entries {
                let count = (e.end - e.begin) / 4
                let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    for k in 0..<count {
                        let bits = (base + e.begin + 4 * k).loadUnaligned(as: UInt32.self)
                        buffer[k] = Float(bitPattern: UInt32(littleEndian: bits))
                    }
                    initialized = count
                }
                tensors.append((e.name, SafetensorsTensor(shape: e.shape, values: values)))
            }
        }
        return Safetensors(tensors: tensors, metadata: metadata)
    }
}

/// A safetensors file that cannot be read or parsed; `description` is the one line the CLI prints.
public enum SafetensorsError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read (missing, a directory, no permission).
    case unreadable(path: String, reason: String)
    /// The bytes are not a well-formed safetensors file of F32 tensors.
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .invalid(let path, let reason): return "\(path): not a valid safetensors file: \(reason)"
        }
    }
}
