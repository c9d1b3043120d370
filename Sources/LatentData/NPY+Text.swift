import Foundation
import LatentCore

/// How a numpy string array stores its characters.
public enum NPYTextEncoding: Sendable, Equatable {
    /// dtype `U`: UTF-32 code points, 4 bytes each.
    case utf32
    /// dtype `S`: bytes, read as UTF-8.
    case bytes
}

/// A `.npy` array of fixed-width strings (numpy dtype `<U…` or `|S…`), the form `np.save` gives
/// an array of string labels such as `np.array(["cat", "dog"])`.
public struct NPYTextArray: Sendable, Equatable {
    /// The dimensions, outermost first.
    public var shape: [Int]
    /// The numpy type descriptor, e.g. `<U5`.
    public var descriptor: String
    /// Every element in C order, its trailing NUL padding removed.
    public var values: [String]
}

extension NPY {
    /// True when `data` is a `.npy` file of strings (dtype `U` or `S`).
    /// - Throws: `DataError` when the header cannot be read.
    static func holdsText(_ data: Data, path: String) throws -> Bool {
        if case .text = try NPYLayout(data, path: path).header.kind { return true }
        return false
    }

    /// Parses a `.npy` file of strings.
    /// - Throws: `DataError` naming `path` when the file is not a string array or an element is
    ///   not valid UTF-32 / UTF-8.
    static func parseText(_ data: Data, path: String) throws -> NPYTextArray {
        let layout = try NPYLayout(data, path: path)
        guard case .text(let encoding, let characters) = layout.header.kind else {
            throw DataError.malformed(path: path, reason: "holds numbers (\(layout.header.descriptor)), not strings")
        }
        let count = layout.header.shape.reduce(1, *), size = layout.header.itemSize
        var values = [String]()
        values.reserveCapacity(count)
        try data.withUnsafeBytes { raw in
            let base = raw.baseAddress! + layout.dataStart
            for k in 0..<count {
                let element = UnsafeRawBufferPointer(start: base + k * size, count: size)
                guard let text = decode(element, encoding, characters: characters, bigEndian: layout.header.bigEndian) else {
                    throw DataError.invalidValue(path: path, reason: "element \(k) is not valid \(encoding == .utf32 ? "UTF-32" : "UTF-8") text")
                }
                values.append(text)
            }
        }
        return NPYTextArray(shape: layout.header.shape, descriptor: layout.header.descriptor, values: values)
    }

    /// One element's text without its trailing NULs, or nil when it is not valid text.
    private static func decode(_ bytes: UnsafeRawBufferPointer, _ encoding: NPYTextEncoding, characters: Int, bigEndian: Bool) -> String? {
        switch encoding {
        case .bytes:
            var end = bytes.count
            while end > 0 && bytes[end - 1] == 0 { end -= 1 }
            return String(validating: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
        case .utf32:
            var scalars = String.UnicodeScalarView()
            for c in 0..<characters {
                let raw = bytes.loadUnaligned(fromByteOffset: 4 * c, as: UInt32.self)
                let code = bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)
                if code == 0 { break }
                guard let scalar = Unicode.Scalar(code) else { return nil }
                scalars.append(scalar)
            }
            return String(scalars)
        }
    }

    /// The bytes of a `.npy` file holding `values` as a 1-D little-endian UTF-32 string array
    /// (dtype `<U` as wide as the longest value), as `np.save(path, np.array(values))` writes it.
    public static func encode(text values: [String]) -> Data {
        let width = max(1, values.map { $0.unicodeScalars.count }.max() ?? 1)
        var payload = Data(count: values.count * width * 4)
        payload.withUnsafeMutableBytes { dst in
            for (k, value) in values.enumerated() {
                for (c, scalar) in value.unicodeScalars.enumerated() {
                    dst.storeBytes(of: scalar.value.littleEndian, toByteOffset: 4 * (k * width + c), as: UInt32.self)
                }
            }
        }
        var out = header(descriptor: "<U\(width)", shape: [values.count])
        out.append(payload)
        return out
    }
}
