import Foundation
import LatentCore
import LatentData
import Testing
import TestSupport

/// Builds IDX bytes: magic (type 0x08, `dims.count` dimensions), big-endian sizes, payload.
func idxBytes(dims: [Int], payload: [UInt8]) -> Data {
    var d = Data([0, 0, 0x08, UInt8(dims.count)])
    for v in dims { d.append(contentsOf: [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]) }
    d.append(contentsOf: payload)
    return d
}

@Suite struct IDXTests {
    @Test(arguments: [false, true])
    func readsImagesAndLabelsRawAndGzipped(gzip: Bool) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let pixels: [UInt8] = (0..<(3 * 2 * 2)).map { UInt8($0 * 20) }
        var images = idxBytes(dims: [3, 2, 2], payload: pixels)
        var labels = idxBytes(dims: [3], payload: [7, 0, 9])
        if gzip { images = try Gzip.compress(images); labels = try Gzip.compress(labels) }
        let ext = gzip ? ".gz" : ""
        try images.write(to: URL(fileURLWithPath: dir.file("x-images-idx3-ubyte" + ext)))
        try labels.write(to: URL(fileURLWithPath: dir.file("x-labels-idx1-ubyte" + ext)))
        let d = try Dataset.load(dir.file("x-images-idx3-ubyte" + ext))
        #expect(d.count == 3 && d.dimension == 4)
        #expect(d.imageShape == TensorShape(height: 2, width: 2))
        #expect(d.labels == [7, 0, 9])
        #expect(d.samples[1, 0] == Float(80) / 255)
        #expect(d.samples[2, 3] == Float(220) / 255)
    }

    @Test func wrongMagicIsNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("bad-images-idx3-ubyte")
        try Data([1, 2, 3, 4, 0, 0, 0, 0]).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: DataError.self) { try IDX.readImages(path) }
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("magic") == true)
    }

    @Test func truncatedFileIsNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t-images-idx3-ubyte")
        try idxBytes(dims: [2, 2, 2], payload: [1, 2, 3]).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: DataError.self) { try IDX.readImages(path) }
        #expect(error?.description.contains("truncated") == true)
    }

    @Test func truncatedGzipIsNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t-images-idx3-ubyte.gz")
        let full = try Gzip.compress(idxBytes(dims: [50, 4, 4], payload: (0..<800).map { UInt8($0 % 251) }))
        try full.prefix(full.count / 2).write(to: URL(fileURLWithPath: path))
        #expect(throws: DataError.self) { try IDX.readImages(path) }
    }

    @Test func labelCountMismatchIsNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try idxBytes(dims: [2, 1, 1], payload: [1, 2]).write(to: URL(fileURLWithPath: dir.file("m-images-idx3-ubyte")))
        try idxBytes(dims: [3], payload: [1, 2, 3]).write(to: URL(fileURLWithPath: dir.file("m-labels-idx1-ubyte")))
        let error = #expect(throws: DataError.self) { try Dataset.load(dir.file("m-images-idx3-ubyte")) }
        #expect(error?.description.contains("3 labels") == true)
    }

    @Test func emptyFileIsNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("e-images-idx3-ubyte")
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        let error = #expect(throws: DataError.self) { try IDX.readImages(path) }
        #expect(error?.description.contains("empty") == true)
    }
}

@Suite struct BundledMNISTTests {
    @Test func bundledMNISTHasTheKnownDigitCounts() throws {
        let d = try Dataset.mnist()
        #expect(d.count == 10000 && d.dimension == 784)
        #expect(d.labelCounts().map(\.count) == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        let r = try #require(d.samples.range())
        #expect(r.min == 0 && r.max == 1)
    }

    @Test func unknownNameListsTheKnownOnes() {
        let error = #expect(throws: DataError.self) { try Dataset.load("mnsit") }
        #expect(error?.description.contains("fashion-mnist") == true)
    }
}

@Suite struct DatasetOperationTests {
    func tiny() -> Dataset {
        let m = Matrix(rows: 10, columns: 2) { p in for k in p.indices { p[k] = Float(k) } }
        return Dataset(name: "tiny", samples: m, labels: (0..<10).map { $0 % 3 })
    }

    @Test func seededSplitIsReproducibleAndDisjoint() throws {
        let d = tiny()
        let (a1, b1) = try d.split(validationFraction: 0.3, seed: 5)
        let (a2, b2) = try d.split(validationFraction: 0.3, seed: 5)
        #expect(a1.samples == a2.samples && b1.samples == b2.samples)
        #expect(a1.count == 7 && b1.count == 3)
        let firstColumn = Set(a1.samples.columns(0..<1).elements + b1.samples.columns(0..<1).elements)
        #expect(firstColumn.count == 10)
    }

    @Test func selectingClassesKeepsOnlyThem() throws {
        let d = try tiny().selecting(classes: [0, 2])
        #expect(d.labels!.allSatisfy { $0 == 0 || $0 == 2 })
        #expect(d.count == 7)
        #expect(throws: DataError.self) { try tiny().selecting(classes: [5]) }
    }

    @Test func subsampleIsSeeded() {
        let d = tiny()
        #expect(d.subsampled(4, seed: 1).samples == d.subsampled(4, seed: 1).samples)
        #expect(d.subsampled(4, seed: 1).samples != d.subsampled(4, seed: 2).samples)
    }
}
