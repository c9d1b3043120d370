import Foundation
import LatentCore

/// The IDX format of the MNIST files: a big-endian magic number whose third byte is the element
/// type and whose fourth is the number of dimensions, the dimensions as big-endian UInt32, then
/// the elements. Files may be gzip-compressed.
public enum IDX {
    /// A parsed IDX file of unsigned bytes.
    public struct Array: Sendable {
        public var dimensions: [Int]
        public var bytes: [UInt8]
    }

    /// Reads a file, gunzipping it when it starts with the gzip magic.
    public static func readFile(_ path: String) throws -> Data {
        try InputFile.contents(of: path)
    }

    /// Parses IDX bytes of unsigned 8-bit elements.
    /// - Parameters:
    ///   - expectedDimensions: 3 for images, 1 for labels; `nil` accepts any.
    ///   - path: named in errors.
    public static func parse(_ data: Data, expectedDimensions: Int?, path: String) throws -> IDX.Array {
        let (dims, offset) = try header(data, expectedDimensions: expectedDimensions, path: path)
        return IDX.Array(dimensions: dims, bytes: [UInt8](data[(data.startIndex + offset)...]))
    }

    /// Checks the header of IDX bytes and the file length.
    /// - Returns: the dimensions and the offset of the first element.
    static func header(_ data: Data, expectedDimensions: Int?, path: String) throws -> (dimensions: [Int], offset: Int) {
        guard data.count >= 4 else { throw DataError.malformed(path: path, reason: "file is too short for an IDX header (\(data.count) bytes)") }
        let b = [UInt8](data.prefix(4))
        guard b[0] == 0, b[1] == 0 else {
            let magic = b.map { String(format: "%02x", $0) }.joined()
            throw DataError.malformed(path: path, reason: "wrong magic number 0x\(magic): not an IDX file")
        }
        guard b[2] == 0x08 else {
            throw DataError.malformed(path: path, reason: String(format: "IDX element type 0x%02x is not supported (only unsigned bytes, 0x08)", b[2]))
        }
        let nd = Int(b[3])
        if let expectedDimensions, nd != expectedDimensions {
            throw DataError.malformed(path: path, reason: "IDX file has \(nd) dimensions, expected \(expectedDimensions)")
        }
        guard nd >= 1 else { throw DataError.malformed(path: path, reason: "IDX file has no dimensions") }
        let headerSize = 4 + 4 * nd
        guard data.count >= headerSize else {
            throw DataError.malformed(path: path, reason: "file is truncated inside its header")
        }
        var dims = [Int]()
        var total = 1
        data.withUnsafeBytes { raw in
            for k in 0..<nd {
                let o = 4 + 4 * k
                var v = 0
                for byte in 0..<4 { v = (v << 8) | Int(raw[o + byte]) }
                dims.append(v)
            }
        }
        // Every partial product must fit, the per-image one too (a header of 0 images of
        // 2³² × 2³² pixels has total 0 but no representable image size).
        var perItem = 1
        for (k, d) in dims.enumerated() {
            let (t, overflowTotal) = total.multipliedReportingOverflow(by: d)
            let (p, overflowItem) = k == 0 ? (perItem, false) : perItem.multipliedReportingOverflow(by: d)
            guard !overflowTotal, !overflowItem, t <= Int.max - headerSize else {
                throw DataError.malformed(path: path, reason: "IDX header \(dims.map(String.init).joined(separator: "×")) is too large to be real")
            }
            total = t
            perItem = p
        }
        let expected = headerSize + total
        guard data.count == expected else {
            let what = data.count < expected ? "truncated" : "longer than its header says"
            throw DataError.malformed(path: path, reason: "file is \(what): header \(dims.map(String.init).joined(separator: "×")) needs \(expected) bytes, found \(data.count)")
        }
        return (dims, headerSize)
    }

    /// Reads an image file (3 dimensions: count × height × width), scaled to [0, 1].
    public static func readImages(_ path: String) throws -> (images: Matrix, shape: TensorShape) {
        let data = try readFile(path)
        let (dims, offset) = try header(data, expectedDimensions: 3, path: path)
        try checkMemory(floats: data.count - offset, path: path)
        let images = data.withUnsafeBytes { raw in
            bytesToMatrix(UnsafeRawBufferPointer(rebasing: raw[offset...]), rows: dims[0], columns: dims[1] * dims[2])
        }
        return (images, TensorShape(height: dims[1], width: dims[2]))
    }

    /// Reads a label file (1 dimension).
    public static func readLabels(_ path: String) throws -> [Int] {
        try labels(try readFile(path), path: path)
    }

    private static func labels(_ data: Data, path: String) throws -> [Int] {
        let (_, offset) = try header(data, expectedDimensions: 1, path: path)
        return data[(data.startIndex + offset)...].map { Int($0) }
    }

    /// Reads an image file and its label file, checking that the counts agree.
    public static func readLabelled(images imagesPath: String, labels labelsPath: String, name: String) throws -> Dataset {
        try readLabelled(parts: [(imagesPath, labelsPath)], name: name)
    }

    /// Reads several image files with their label files (e.g. the train and test parts) into
    /// one dataset, in the order given.
    ///
    /// The files are read and gunzipped concurrently, one part per worker (inflating is most of
    /// the time), and the pixels are converted straight into the final matrix.
    /// - Throws: `DataError` for a bad file, a label count that differs from its image count,
    ///   or parts whose images differ in size.
    public static func readLabelled(parts: [(images: String, labels: String)], name: String) throws -> Dataset {
        precondition(!parts.isEmpty, "readLabelled needs at least one part")
        var contents = [Result<(images: Data, labels: Data), Error>?](repeating: nil, count: parts.count)
        contents.withUnsafeMutableBufferPointer { buffer in
            let out = UnsafeSendable(buffer)
            Parallel.forEachChunk(count: parts.count, chunks: parts.count) { c, _ in
                out.value[c] = Result { (try readFile(parts[c].images), try readFile(parts[c].labels)) }
            }
        }
        var files = [(images: Data, offset: Int, rows: Int)]()
        var labels = [Int]()
        var shape: TensorShape?
        for (part, result) in zip(parts, contents) {
            let (imageData, labelData) = try result!.get()
            let (dims, offset) = try header(imageData, expectedDimensions: 3, path: part.images)
            let partLabels = try self.labels(labelData, path: part.labels)
            guard partLabels.count == dims[0] else {
                throw DataError.countMismatch(images: part.images, labels: part.labels, imageCount: dims[0], labelCount: partLabels.count)
            }
            let partShape = TensorShape(height: dims[1], width: dims[2])
            if let shape, shape != partShape {
                throw DataError.malformed(path: part.images, reason: "images are \(partShape), but \(parts[0].images) has \(shape)")
            }
            shape = partShape
            files.append((imageData, offset, dims[0]))
            labels += partLabels
        }
        let columns = shape!.count
        try checkMemory(floats: MemoryEstimate.product(labels.count, columns), path: parts[0].images)
        let images = Matrix(uninitializedRows: labels.count, columns: columns) { dst in
            var row = 0
            for file in files {
                file.images.withUnsafeBytes { raw in
                    let src = UnsafeRawBufferPointer(rebasing: raw[file.offset...])
                    convert(src, into: UnsafeMutableBufferPointer(rebasing: dst[(row * columns)..<((row + file.rows) * columns)]))
                }
                row += file.rows
            }
        }
        var d = Dataset(name: name, samples: images, labels: labels, imageShape: shape)
        let labelFiles = parts.map { URL(fileURLWithPath: $0.labels).lastPathComponent }.joined(separator: ", ")
        let counts = files.map { String($0.rows) }.joined(separator: " + ")
        d.source = "IDX uint8 \(counts) images of \(shape!), labels from \(labelFiles); pixels ÷ 255"
        return d
    }

    /// Throws `DataError.tooLarge` when a matrix of `floats` values would not fit in memory.
    static func checkMemory(floats: Int, path: String, limit: Int? = nil) throws {
        try MemoryEstimate.check(MemoryEstimate.bytes(floats: floats), override: limit) {
            DataError.tooLarge(path: path, estimate: $0, available: $1)
        }
    }

    /// Converts bytes to a matrix of floats in [0, 1], in parallel.
    static func bytesToMatrix(_ bytes: UnsafeRawBufferPointer, rows: Int, columns: Int) -> Matrix {
        Matrix(uninitializedRows: rows, columns: columns) { dst in convert(bytes, into: dst) }
    }

    /// `dst[k] = bytes[k] / 255` for every element of `dst`, in parallel.
    private static func convert(_ bytes: UnsafeRawBufferPointer, into dst: UnsafeMutableBufferPointer<Float>) {
        let s = UnsafeSendable(bytes), d = UnsafeSendable(dst)
        Parallel.forEachChunk(count: dst.count, chunks: 16) { _, r in
            for k in r { d.value[k] = Float(s.value[k]) / 255 }
        }
    }
}

extension Matrix {
    /// A matrix whose storage `fill` must write completely (it is not zeroed first, which
    /// saves a pass over large image matrices).
    init(uninitializedRows rows: Int, columns: Int, fill: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let elements = [Float](unsafeUninitializedCapacity: rows * columns) { buffer, count in
            fill(buffer)
            count = rows * columns
        }
        // The element count is rows × columns by construction.
        self = (try? Matrix(rows: rows, columns: columns, elements: elements)) ?? Matrix(rows: 0, columns: 0)
    }
}
