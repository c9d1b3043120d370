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
        for d in dims { total = total.multipliedReportingOverflow(by: d).overflow ? Int.max : total * d }
        let expected = headerSize + total
        guard data.count == expected else {
            let what = data.count < expected ? "truncated" : "longer than its header says"
            throw DataError.malformed(path: path, reason: "file is \(what): header \(dims.map(String.init).joined(separator: "×")) needs \(expected) bytes, found \(data.count)")
        }
        let bytes = [UInt8](data[data.startIndex + headerSize ..< data.endIndex])
        return IDX.Array(dimensions: dims, bytes: bytes)
    }

    /// Reads an image file (3 dimensions: count × height × width), scaled to [0, 1].
    public static func readImages(_ path: String) throws -> (images: Matrix, shape: ImageShape) {
        let arr = try parse(try readFile(path), expectedDimensions: 3, path: path)
        let n = arr.dimensions[0], h = arr.dimensions[1], w = arr.dimensions[2]
        let images = bytesToMatrix(arr.bytes, rows: n, columns: h * w)
        return (images, ImageShape(height: h, width: w))
    }

    /// Reads a label file (1 dimension).
    public static func readLabels(_ path: String) throws -> [Int] {
        let arr = try parse(try readFile(path), expectedDimensions: 1, path: path)
        return arr.bytes.map { Int($0) }
    }

    /// Reads an image file and its label file, checking that the counts agree.
    public static func readLabelled(images imagesPath: String, labels labelsPath: String, name: String) throws -> Dataset {
        let (images, shape) = try readImages(imagesPath)
        let labels = try readLabels(labelsPath)
        guard labels.count == images.rows else {
            throw DataError.countMismatch(images: imagesPath, labels: labelsPath, imageCount: images.rows, labelCount: labels.count)
        }
        var d = Dataset(name: name, samples: images, labels: labels, imageShape: shape)
        d.source = "IDX uint8 \(images.rows)×\(shape.height)×\(shape.width), labels from \(URL(fileURLWithPath: labelsPath).lastPathComponent); pixels ÷ 255"
        return d
    }

    /// Converts bytes to a matrix of floats in [0, 1], in parallel.
    static func bytesToMatrix(_ bytes: [UInt8], rows: Int, columns: Int) -> Matrix {
        Matrix(rows: rows, columns: columns) { dst in
            bytes.withUnsafeBufferPointer { src in
                let s = UnsafeSendable(src), d = UnsafeSendable(dst)
                Parallel.forEachChunk(count: rows * columns, chunks: 16) { _, r in
                    for k in r { d.value[k] = Float(s.value[k]) / 255 }
                }
            }
        }
    }
}
