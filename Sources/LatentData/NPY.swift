import Foundation
import LatentCore

/// The element types of `.npy` arrays that LatentMap reads.
///
/// Each corresponds to a numpy dtype (`uint8` is `'|u1'`, `float32` is `'<f4'`, and so on).
public enum NPYElementType: String, Sendable, CaseIterable {
    case bool, int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }

    /// True for the floating-point types.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// numpy's kind character: `b` bool, `i` signed, `u` unsigned, `f` floating point.
    var kind: Character {
        switch self {
        case .bool: return "b"
        case .int8, .int16, .int32, .int64: return "i"
        case .uint8, .uint16, .uint32, .uint64: return "u"
        case .float32, .float64: return "f"
        }
    }

    /// The type with numpy kind `kind` and `size` bytes, if LatentMap reads it.
    init?(kind: Character, size: Int) {
        guard let t = NPYElementType.allCases.first(where: { $0.kind == kind && $0.size == size }) else { return nil }
        self = t
    }

    /// The numpy type descriptor, e.g. `<f4`; single bytes use `|`.
    func descriptor(bigEndian: Bool) -> String {
        let order = size == 1 ? "|" : (bigEndian ? ">" : "<")
        return "\(order)\(kind)\(size)"
    }
}

/// An array read from (or to be written to) a `.npy` file: its shape, element type, byte order
/// and the raw element bytes in C (row-major) order.
///
/// Values are converted on demand: `floatValues()` for samples, `integerValues(path:)` for labels.
public struct NPYArray: Sendable {
    /// The dimensions, outermost first; `[]` for a scalar.
    public let shape: [Int]
    /// The element type.
    public let elementType: NPYElementType
    /// True when the elements are stored big-endian (descriptor `>…`).
    public let isBigEndian: Bool
    /// The format version of the header it was read from (1, 2 or 3); 1 for new arrays.
    public var headerVersion: Int
    /// The bytes holding the elements (possibly a whole file), and where the elements start.
    private let storage: Data
    private let offset: Int

    /// The elements' bytes, `count * elementType.size` of them, in file order.
    public var payload: Data { Data(storage[(storage.startIndex + offset)...]) }

    /// An array over `payload`, which must hold `count * elementType.size` bytes.
    public init(shape: [Int], elementType: NPYElementType, isBigEndian: Bool = false, headerVersion: Int = 1, payload: Data) {
        self.init(shape: shape, elementType: elementType, isBigEndian: isBigEndian, headerVersion: headerVersion,
                  storage: payload, offset: 0)
    }

    /// An array whose elements are `storage[offset...]` (the bytes of a whole file, read once).
    init(shape: [Int], elementType: NPYElementType, isBigEndian: Bool, headerVersion: Int, storage: Data, offset: Int) {
        precondition(storage.count - offset == shape.reduce(1, *) * elementType.size,
                     "\(storage.count - offset) bytes do not hold \(shape) elements of \(elementType)")
        self.shape = shape
        self.elementType = elementType
        self.isBigEndian = isBigEndian
        self.headerVersion = headerVersion
        self.storage = storage
        self.offset = offset
    }

    /// The number of elements (the product of `shape`).
    public var count: Int { shape.reduce(1, *) }

    /// The numpy type descriptor, e.g. `<f4`.
    public var descriptor: String { elementType.descriptor(bigEndian: isBigEndian) }

    /// Calls `body` with the element bytes.
    func withPayloadBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { raw in try body(UnsafeRawBufferPointer(rebasing: raw[offset...])) }
    }

    /// Every element converted to `Float`, in C order (64-bit values round to nearest).
    /// - Complexity: O(count), in parallel chunks.
    public func floatValues() -> [Float] {
        let n = count, size = elementType.size, type = elementType, bigEndian = isBigEndian
        return [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
            withPayloadBytes { raw in
                let src = UnsafeSendable(raw), dst = UnsafeSendable(buffer)
                Parallel.forEachChunk(count: n, chunks: Parallel.defaultChunks(for: n, minimumPerChunk: 1 << 16)) { _, r in
                    let part = UnsafeRawBufferPointer(rebasing: src.value[(r.lowerBound * size)..<(r.upperBound * size)])
                    _ = NPYDecoding.decode(part, type: type, bigEndian: bigEndian, into: .floats(UnsafeMutableBufferPointer(rebasing: dst.value[r])))
                }
            }
            initialized = n
        }
    }

    /// Every element as an `Int`.
    /// - Parameter path: named in errors.
    /// - Throws: `DataError.invalidValue` when a floating-point element is not a whole number
    ///   (or is NaN or infinite), or an unsigned 64-bit value does not fit in `Int`.
    public func integerValues(path: String) throws -> [Int] {
        var out = [Int](repeating: 0, count: count)
        let bad: Int? = withPayloadBytes { raw in
            out.withUnsafeMutableBufferPointer { dst in
                NPYDecoding.decode(raw, type: elementType, bigEndian: isBigEndian, into: .integers(dst))
            }
        }
        if let bad {
            let value = elementType.isFloatingPoint ? String(describing: floatValue(at: bad)) : "too large"
            throw DataError.invalidValue(path: path, reason: "element \(bad) (\(value)) is not an integer label")
        }
        return out
    }

    /// The element at flat index `k` as a `Double` (for messages).
    func floatValue(at k: Int) -> Double {
        withPayloadBytes { raw in
            elementType == .float32
                ? Double(Float.npyLoad(raw.baseAddress!, index: k, bigEndian: isBigEndian))
                : Double.npyLoad(raw.baseAddress!, index: k, bigEndian: isBigEndian)
        }
    }

    /// The image shape implied by the array's dimensions: N×H×W gives H×W, N×H×W×C with C in
    /// {1, 3, 4} gives H×W×C (channels last), N×1×H×W gives H×W; anything else gives `nil`.
    public var imageShape: TensorShape? {
        switch shape.count {
        case 3: return TensorShape(height: shape[1], width: shape[2])
        case 4 where [1, 3, 4].contains(shape[3]): return TensorShape(height: shape[1], width: shape[2], channels: shape[3])
        case 4 where shape[1] == 1: return TensorShape(height: shape[2], width: shape[3])
        default: return nil
        }
    }

    /// The array as a matrix of `Float`: a 2-D array as it is, a 1-D array of N values as
    /// N × 1, a scalar as 1 × 1, and an N-D array (images) as N rows of the remaining
    /// dimensions flattened in C order (N × 28 × 28 → N × 784).
    public func matrix() -> Matrix {
        let rows = shape.first ?? 1
        let columns = shape.count <= 1 ? 1 : shape.dropFirst().reduce(1, *)
        let values = floatValues()
        // The element count always equals rows × columns, so this cannot throw.
        return (try? Matrix(rows: rows, columns: columns, elements: values)) ?? Matrix(rows: 0, columns: 0)
    }
}

/// The NumPy `.npy` format: read and write.
///
/// A file is the magic `\x93NUMPY`, a version (1.0, 2.0 or 3.0), the header length (2 bytes in
/// version 1, 4 in versions 2 and 3, little-endian), a Python dict literal with `descr`,
/// `fortran_order` and `shape`, padded with spaces and a newline so that the data starts at a
/// multiple of 64 bytes, then the elements in C order.
///
/// ```swift
/// try NPY.write(codes, to: "codes.npy")          // float32, loads in numpy unchanged
/// let x = try NPY.readMatrix("x_train.npy")      // any numeric dtype → Float
/// let y = try NPY.readLabels("y_train.npy")
/// ```
public enum NPY {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    static let alignment = 64
    /// numpy leaves room for the first dimension to grow to this many digits.
    static let growthAxisDigits = 21

    /// Reads a `.npy` file (gzip-compressed files are accepted too).
    /// - Throws: `DataError` naming the file: missing, empty, not NPY, unsupported dtype,
    ///   Fortran order, or a length that disagrees with the header.
    public static func read(_ path: String) throws -> NPYArray {
        try parse(try InputFile.contents(of: path), path: path)
    }

    /// Reads a `.npy` file as a matrix of `Float` (see `NPYArray.matrix()` for the shapes).
    public static func readMatrix(_ path: String) throws -> Matrix {
        try read(path).matrix()
    }

    /// Reads integer labels from a 1-D (or N × 1) `.npy` array of any integer type, or of
    /// floats that are whole numbers.
    public static func readLabels(_ path: String) throws -> [Int] {
        try labels(from: try read(path), path: path)
    }

    /// Writes `matrix` as a 2-D little-endian float32 array (`'<f4'`), version 1.0 header.
    /// The file is written atomically.
    public static func write(_ matrix: Matrix, to path: String) throws {
        try AtomicFile.write(encode(matrix), to: path)
    }

    /// Writes `labels` as a 1-D little-endian int64 array (`'<i8'`), version 1.0 header.
    public static func write(labels: [Int], to path: String) throws {
        try AtomicFile.write(encode(labels: labels), to: path)
    }

    /// The bytes of a `.npy` file holding `matrix` as 2-D float32, exactly as `numpy.save`
    /// writes them.
    public static func encode(_ matrix: Matrix) -> Data {
        var payload = Data(count: matrix.count * 4)
        payload.withUnsafeMutableBytes { dst in
            matrix.withUnsafeBufferPointer { src in
                for k in src.indices { dst.storeBytes(of: src[k].bitPattern.littleEndian, toByteOffset: 4 * k, as: UInt32.self) }
            }
        }
        return encode(NPYArray(shape: [matrix.rows, matrix.columns], elementType: .float32, payload: payload))
    }

    /// The bytes of a `.npy` file holding `labels` as 1-D int64.
    public static func encode(labels: [Int]) -> Data {
        var payload = Data(count: labels.count * 8)
        payload.withUnsafeMutableBytes { dst in
            for (k, v) in labels.enumerated() { dst.storeBytes(of: Int64(v).littleEndian, toByteOffset: 8 * k, as: Int64.self) }
        }
        return encode(NPYArray(shape: [labels.count], elementType: .int64, payload: payload))
    }

    /// The bytes of a `.npy` file holding `array`, with a header of `array.headerVersion`
    /// (1, 2 or 3), laid out as `numpy.lib.format.write_array` does.
    public static func encode(_ array: NPYArray) -> Data {
        precondition((1...3).contains(array.headerVersion), "NPY header version must be 1, 2 or 3, got \(array.headerVersion)")
        var out = header(descriptor: array.descriptor, shape: array.shape, version: array.headerVersion)
        array.withPayloadBytes { out.append(contentsOf: $0) }
        return out
    }

    /// The magic, version, header length and padded header dict of a file holding `shape`
    /// elements of type `descriptor`, laid out as `numpy.lib.format.write_array` does.
    static func header(descriptor: String, shape: [Int], version: Int = 1) -> Data {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': \(shapeText), }"
        if let first = shape.first {
            dict += String(repeating: " ", count: max(0, growthAxisDigits - String(first).utf8.count))
        }
        let lengthBytes = version == 1 ? 2 : 4
        let used = magic.count + 2 + lengthBytes + dict.utf8.count + 1  // + the final newline
        let padding = alignment - used % alignment                     // numpy pads a full 64 when aligned
        let headerLength = dict.utf8.count + padding + 1
        var out = Data(magic)
        out.append(contentsOf: [UInt8(version), 0])
        if lengthBytes == 2 {
            out.append(contentsOf: [UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)])
        } else {
            out.append(contentsOf: (0..<4).map { UInt8((headerLength >> (8 * $0)) & 0xFF) })
        }
        out.append(contentsOf: Array(dict.utf8))
        out.append(contentsOf: [UInt8](repeating: 0x20, count: padding))
        out.append(0x0A)
        return out
    }

    /// True when `data` starts with the NPY magic.
    static func isNPY(_ data: Data) -> Bool {
        data.count >= magic.count && data.prefix(magic.count).elementsEqual(magic)
    }

    /// Parses the bytes of a `.npy` file.
    /// - Parameter path: named in errors (for an `.npz` member, `archive.npz:member.npy`).
    public static func parse(_ data: Data, path: String) throws -> NPYArray {
        let layout = try NPYLayout(data, path: path)
        guard case .number(let elementType) = layout.header.kind else {
            throw DataError.malformed(path: path, reason: "holds strings (\(layout.header.descriptor)), which are read only as labels (e.g. --labels), not as samples")
        }
        return NPYArray(shape: layout.header.shape, elementType: elementType, isBigEndian: layout.header.bigEndian,
                        headerVersion: layout.version, storage: data, offset: layout.dataStart)
    }

    /// Labels from a 1-D or N × 1 array.
    static func labels(from array: NPYArray, path: String) throws -> [Int] {
        try LabelSet.checkOneDimensional(array.shape, path: path)
        return try array.integerValues(path: path)
    }
}

/// The parsed dict of an NPY header.
struct NPYHeader {
    /// What the elements are: numbers of a type LatentMap reads, or fixed-width strings.
    enum Kind: Equatable {
        case number(NPYElementType)
        /// numpy's `U` (UTF-32, `characters` code points, NUL-padded) or `S` (`characters`
        /// bytes, NUL-padded).
        case text(NPYTextEncoding, characters: Int)
    }

    var descriptor: String
    var kind: Kind
    var bigEndian: Bool
    var fortranOrder: Bool
    var shape: [Int]

    var shapeDescription: String { "(" + shape.map(String.init).joined(separator: ", ") + ")" }

    /// Bytes per element.
    var itemSize: Int {
        switch kind {
        case .number(let type): return type.size
        case .text(let encoding, let characters): return encoding == .utf32 ? 4 * characters : characters
        }
    }

    /// Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` (any key order,
    /// either quote style, Python 2 `L` suffixes tolerated).
    init(parsing text: String, path: String) throws {
        var scanner = PythonLiteralScanner(text: text)
        let dict: [String: PythonLiteralScanner.Value]
        do { dict = try scanner.dictionary() } catch let reason as PythonLiteralScanner.Failure {
            throw DataError.malformed(path: path, reason: "malformed NPY header (\(reason.message)): \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        func missing(_ key: String) -> DataError {
            .malformed(path: path, reason: "NPY header has no '\(key)' entry")
        }
        guard let descrValue = dict["descr"] else { throw missing("descr") }
        guard case .string(let descr) = descrValue else {
            throw DataError.malformed(path: path, reason: "structured (record) arrays are not supported; save a plain numeric array")
        }
        guard case .bool(let fortran)? = dict["fortran_order"] else { throw missing("fortran_order") }
        guard case .tuple(let shape)? = dict["shape"] else { throw missing("shape") }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw DataError.malformed(path: path, reason: "NPY header has a negative dimension in shape \(shape)")
        }
        let chars = Array(descr)
        let supported = "bool, int8/16/32/64, uint8/16/32/64, float32, float64; strings (U, S) as labels"
        if chars.count >= 2, chars[1] == "O" {
            throw DataError.malformed(path: path, reason: "holds Python objects (dtype object), which only Python's pickle can read; save strings as a string array, e.g. np.save(path, y.astype(str))")
        }
        guard chars.count >= 3, "<>|=".contains(chars[0]), let size = Int(String(chars[2...])) else {
            throw DataError.malformed(path: path, reason: "element type '\(descr)' is not supported (supported: \(supported))")
        }
        if chars[1] == "U" || chars[1] == "S" {
            self.kind = .text(chars[1] == "U" ? .utf32 : .bytes, characters: size)
        } else if let type = NPYElementType(kind: chars[1], size: size) {
            self.kind = .number(type)
        } else {
            throw DataError.malformed(path: path, reason: "element type '\(descr)' is not supported (supported: \(supported))")
        }
        self.descriptor = descr
        self.bigEndian = chars[0] == ">"
        self.fortranOrder = fortran
        self.shape = shape
    }
}

/// Where a `.npy` file's parts are: its header, its format version and the first element byte,
/// checked against the file's length.
struct NPYLayout {
    var header: NPYHeader
    var version: Int
    var dataStart: Int

    /// Reads the header of `data`.
    /// - Throws: `DataError` naming `path`: not NPY, an unsupported version or type, Fortran
    ///   order, or a length that disagrees with the header.
    init(_ data: Data, path: String) throws {
        func fail(_ reason: String) -> DataError { .malformed(path: path, reason: reason) }
        guard !data.isEmpty else { throw fail("file is empty") }
        guard NPY.isNPY(data) else { throw fail("not an NPY file (the magic \\x93NUMPY is missing)") }
        guard data.count >= 10 else { throw fail("file is truncated inside its header") }
        let base = data.startIndex
        let major = Int(data[base + 6]), minor = Int(data[base + 7])
        guard (1...3).contains(major), minor == 0 else {
            throw fail("NPY format version \(major).\(minor) is not supported (1.0, 2.0 and 3.0 are)")
        }
        let lengthBytes = major == 1 ? 2 : 4
        guard data.count >= 8 + lengthBytes else { throw fail("file is truncated inside its header") }
        var headerLength = 0
        for k in (0..<lengthBytes).reversed() { headerLength = (headerLength << 8) | Int(data[base + 8 + k]) }
        let headerStart = 8 + lengthBytes
        guard data.count >= headerStart + headerLength else { throw fail("file is truncated inside its header") }
        let headerBytes = data[(base + headerStart)..<(base + headerStart + headerLength)]
        let headerText = major == 3 ? String(decoding: headerBytes, as: UTF8.self)
                                    : String(headerBytes.map { Character(Unicode.Scalar($0)) })
        let header = try NPYHeader(parsing: headerText, path: path)
        guard !header.fortranOrder else {
            throw fail("the array is stored in Fortran order (fortran_order: True); save it in C order, e.g. np.save(path, np.ascontiguousarray(a))")
        }
        // Every partial product must fit: the element count in bytes, and the row size (a
        // shape (0, 2⁶², 4) holds no elements but has no representable row).
        var total = 1, row = 1
        for (k, d) in header.shape.enumerated() {
            let (p, overflow) = total.multipliedReportingOverflow(by: d)
            let (r, rowOverflow) = k == 0 ? (row, false) : row.multipliedReportingOverflow(by: d)
            guard !overflow, !rowOverflow else { throw fail("shape \(header.shape) is too large") }
            total = p
            row = r
        }
        let dataStart = headerStart + headerLength
        let (bytes, bytesOverflow) = total.multipliedReportingOverflow(by: header.itemSize)
        let (rowBytes, rowBytesOverflow) = row.multipliedReportingOverflow(by: header.itemSize)
        guard !bytesOverflow, !rowBytesOverflow, rowBytes >= 0, bytes <= Int.max - dataStart else {
            throw fail("shape \(header.shape) is too large")
        }
        let expected = dataStart + bytes
        guard data.count == expected else {
            let what = data.count < expected ? "truncated" : "longer than its header says"
            throw fail("file is \(what): shape \(header.shapeDescription) of \(header.descriptor) needs \(expected) bytes, found \(data.count)")
        }
        self.header = header
        self.version = major
        self.dataStart = dataStart
    }
}

/// A scanner for the small subset of Python literals that NPY headers use: a dict of string
/// keys whose values are strings, booleans, tuples of integers, or (structured dtypes) lists.
struct PythonLiteralScanner {
    enum Value: Equatable {
        case string(String)
        case bool(Bool)
        case tuple([Int])
        case other
    }

    struct Failure: Error { var message: String }

    private let chars: [Character]
    private var position = 0

    init(text: String) { chars = Array(text) }

    mutating func dictionary() throws -> [String: Value] {
        try expect("{")
        var out = [String: Value]()
        while true {
            skipSpace()
            if peek() == "}" { position += 1; return out }
            let key = try string()
            try expect(":")
            out[key] = try value()
            skipSpace()
            if peek() == "," { position += 1 } else if peek() != "}" { throw Failure(message: "expected ',' or '}' at offset \(position)") }
        }
    }

    private mutating func value() throws -> Value {
        skipSpace()
        switch peek() {
        case "'", "\"": return .string(try string())
        case "(": return .tuple(try integerTuple())
        case "[": try skipBracketed(); return .other
        case "T": try word("True"); return .bool(true)
        case "F": try word("False"); return .bool(false)
        default: throw Failure(message: "unexpected '\(peek().map(String.init) ?? "end")' at offset \(position)")
        }
    }

    private mutating func string() throws -> String {
        skipSpace()
        guard let quote = peek(), quote == "'" || quote == "\"" else { throw Failure(message: "expected a quoted key at offset \(position)") }
        position += 1
        var s = ""
        while let c = peek(), c != quote { s.append(c); position += 1 }
        guard peek() == quote else { throw Failure(message: "unterminated string") }
        position += 1
        return s
    }

    private mutating func integerTuple() throws -> [Int] {
        try expect("(")
        var out = [Int]()
        while true {
            skipSpace()
            if peek() == ")" { position += 1; return out }
            var digits = ""
            while let c = peek(), c.isNumber || c == "-" { digits.append(c); position += 1 }
            if peek() == "L" { position += 1 }  // Python 2 long suffix
            guard let v = Int(digits) else { throw Failure(message: "expected an integer in the shape at offset \(position)") }
            out.append(v)
            skipSpace()
            if peek() == "," { position += 1 } else if peek() != ")" { throw Failure(message: "expected ',' or ')' in the shape") }
        }
    }

    private mutating func skipBracketed() throws {
        var depth = 0
        repeat {
            guard let c = peek() else { throw Failure(message: "unterminated list") }
            if c == "[" || c == "(" { depth += 1 } else if c == "]" || c == ")" { depth -= 1 }
            position += 1
        } while depth > 0
    }

    private mutating func word(_ w: String) throws {
        for c in w {
            guard peek() == c else { throw Failure(message: "expected \(w) at offset \(position)") }
            position += 1
        }
    }

    private mutating func expect(_ c: Character) throws {
        skipSpace()
        guard peek() == c else { throw Failure(message: "expected '\(c)' at offset \(position)") }
        position += 1
    }

    private mutating func skipSpace() { while let c = peek(), c.isWhitespace { position += 1 } }
    private func peek() -> Character? { position < chars.count ? chars[position] : nil }
}

/// One element of a numpy array: loaded from raw bytes in either byte order, then converted.
protocol NPYScalar {
    static func npyLoad(_ base: UnsafeRawPointer, index: Int, bigEndian: Bool) -> Self
    /// The value as `Float`, rounded to nearest.
    var npyFloat: Float { get }
    /// The value as `Int` when it is a whole number that fits, else `nil`.
    var npyInteger: Int? { get }
}

extension NPYScalar where Self: FixedWidthInteger {
    @inline(__always)
    static func npyLoad(_ base: UnsafeRawPointer, index: Int, bigEndian: Bool) -> Self {
        let v = base.loadUnaligned(fromByteOffset: index &* MemoryLayout<Self>.size, as: Self.self)
        return bigEndian ? Self(bigEndian: v) : Self(littleEndian: v)
    }
    @inline(__always) var npyFloat: Float { Float(self) }
    @inline(__always) var npyInteger: Int? { Int(exactly: self) }
}

extension UInt8: NPYScalar {}
extension Int8: NPYScalar {}
extension Int16: NPYScalar {}
extension UInt16: NPYScalar {}
extension Int32: NPYScalar {}
extension UInt32: NPYScalar {}
extension Int64: NPYScalar {}
extension UInt64: NPYScalar {}

extension Float: NPYScalar {
    @inline(__always)
    static func npyLoad(_ base: UnsafeRawPointer, index: Int, bigEndian: Bool) -> Float {
        Float(bitPattern: UInt32.npyLoad(base, index: index, bigEndian: bigEndian))
    }
    @inline(__always) var npyFloat: Float { self }
    @inline(__always) var npyInteger: Int? { Int(exactly: self) }
}

extension Double: NPYScalar {
    @inline(__always)
    static func npyLoad(_ base: UnsafeRawPointer, index: Int, bigEndian: Bool) -> Double {
        Double(bitPattern: UInt64.npyLoad(base, index: index, bigEndian: bigEndian))
    }
    @inline(__always) var npyFloat: Float { Float(self) }
    @inline(__always) var npyInteger: Int? { Int(exactly: self) }
}

/// Conversion of raw numpy element bytes to `Float` or `Int` arrays.
enum NPYDecoding {
    /// Where converted elements go: a buffer holding exactly the element count.
    enum Target {
        case floats(UnsafeMutableBufferPointer<Float>)
        case integers(UnsafeMutableBufferPointer<Int>)
    }

    /// Converts every element of `raw` into `target`.
    /// - Returns: for `.integers`, the index of the first element that is not a whole number
    ///   representable as `Int`; otherwise `nil`.
    static func decode(_ raw: UnsafeRawBufferPointer, type: NPYElementType, bigEndian: Bool, into target: Target) -> Int? {
        guard let base = raw.baseAddress else { return nil }
        switch type {
        case .bool, .uint8: return convert(UInt8.self, base, bigEndian, target)
        case .int8: return convert(Int8.self, base, bigEndian, target)
        case .int16: return convert(Int16.self, base, bigEndian, target)
        case .uint16: return convert(UInt16.self, base, bigEndian, target)
        case .int32: return convert(Int32.self, base, bigEndian, target)
        case .uint32: return convert(UInt32.self, base, bigEndian, target)
        case .int64: return convert(Int64.self, base, bigEndian, target)
        case .uint64: return convert(UInt64.self, base, bigEndian, target)
        case .float32: return convert(Float.self, base, bigEndian, target)
        case .float64: return convert(Double.self, base, bigEndian, target)
        }
    }

    private static func convert<T: NPYScalar>(_: T.Type, _ base: UnsafeRawPointer, _ bigEndian: Bool, _ target: Target) -> Int? {
        switch target {
        case .floats(let dst):
            for k in dst.indices { dst[k] = T.npyLoad(base, index: k, bigEndian: bigEndian).npyFloat }
        case .integers(let dst):
            for k in dst.indices {
                guard let i = T.npyLoad(base, index: k, bigEndian: bigEndian).npyInteger else { return k }
                dst[k] = i
            }
        }
        return nil
    }
}
