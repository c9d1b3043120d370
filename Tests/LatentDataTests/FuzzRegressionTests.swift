import Foundation
import LatentCore
@testable import LatentData
import Testing
import TestSupport

/// Inputs that crashed (or could have crashed) the parsers, found by scripts/fuzz.sh or by
/// reviewing the code it pointed at. Each must now be refused with a `DataError` naming the file.
@Suite struct FuzzRegressionTests {
    static func bytes(_ values: [UInt8]) -> Data { Data(values) }

    /// `.npy` bytes with `header` as the dict (padded as numpy pads it) and `payload` after it.
    static func npy(_ header: String, payload: Data = Data()) -> Data {
        var text = Array(header.utf8)
        while (10 + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0A)
        var out = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)])
        out.append(contentsOf: text)
        out.append(payload)
        return out
    }

    static func expectMalformed(_ path: String, containing text: String, _ body: () throws -> Void) {
        #expect { try body() } throws: { error in
            guard let e = error as? DataError, case .malformed(let p, let reason) = e else { return false }
            return p == path && reason.contains(text)
        }
    }

    /// Found by FuzzIDX: `headerSize + total` overflowed when the dimensions' product
    /// saturated (IDX.swift, `header`).
    @Test func idxHeaderWhoseDimensionsOverflowIsRefused() {
        let data = FuzzRegressionTests.bytes([0, 0, 8, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        FuzzRegressionTests.expectMalformed("fuzz", containing: "too large") {
            _ = try IDX.parse(data, expectedDimensions: nil, path: "fuzz")
        }
    }

    /// The input FuzzIDX saved (fuzz/crashes/FuzzIDX/crash-19840d6e…), byte for byte.
    @Test func idxInputFoundByTheFuzzerIsRefused() {
        let crash: [UInt8] = [
            0x00, 0x00, 0x08, 0x03, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00,
            0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x0A, 0x94, 0x5F, 0x56, 0x93, 0xC6, 0x42, 0x27, 0x6A, 0xD5,
            0xAB, 0x2D, 0x26, 0xAF, 0xBC, 0xCD, 0xAF, 0xE5, 0x62, 0xF9, 0x0A, 0x94, 0x5F, 0x56, 0x93, 0xC6,
            0x42, 0x27, 0x6A, 0xD5, 0xAB, 0x2D, 0xA7, 0x39, 0x45, 0x51, 0x37, 0x0E, 0x99, 0xB2, 0xD7, 0x4C,
            0x34, 0x27, 0xFA,
        ]
        FuzzRegressionTests.expectMalformed("fuzz", containing: "too large") {
            _ = try IDX.parse(FuzzRegressionTests.bytes(crash), expectedDimensions: nil, path: "fuzz")
        }
    }

    /// Found by FuzzCSV (fuzz/crashes/FuzzCSV/crash-3d287305…): a file whose only line is a
    /// header without a newline left the parser one byte past the end, and `memchr` was asked
    /// to scan −1 (2⁶⁴ − 1) bytes: a read past the buffer (SEGV).
    @Test func csvInputFoundByTheFuzzerIsRefused() {
        let crash: [UInt8] = [0xC6, 0xF5, 0xF5, 0xCE, 0xF5, 0xF5, 0x35, 0xCB, 0x55, 0x6E, 0x73, 0x61, 0x66, 0x45, 0xCE, 0x24]
        FuzzRegressionTests.expectMalformed("fuzz.csv", containing: "no data rows") {
            _ = try CSV.parse(FuzzRegressionTests.bytes(crash), path: "fuzz.csv")
        }
    }

    /// The everyday form of the same bug: a CSV of just a header, no final newline.
    @Test func csvWithOnlyAHeaderAndNoNewlineIsRefused() throws {
        FuzzRegressionTests.expectMalformed("h.csv", containing: "no data rows") {
            _ = try CSV.parse(Data("x,y,label".utf8), path: "h.csv")
        }
        #expect(try CSV.parse(Data("x,y\n1,2".utf8), path: "ok.csv").values.elements == [1, 2])
    }

    /// Zero images of 2³² × 2³² pixels: a consistent size (16 bytes) but the per-image pixel
    /// count overflowed when the images were converted.
    @Test func idxWithZeroImagesOfImpossibleSizeIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("zero-images-idx3-ubyte")
        try FuzzRegressionTests.bytes([0, 0, 8, 3, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
            .write(to: URL(fileURLWithPath: path))
        FuzzRegressionTests.expectMalformed(path, containing: "too large") { _ = try Dataset.load(path) }
    }

    /// The element count fits in `Int` but not once multiplied by the element size.
    @Test func npyWhoseByteCountOverflowsIsRefused() {
        let data = FuzzRegressionTests.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952, 2), }")
        FuzzRegressionTests.expectMalformed("fuzz.npy", containing: "too large") { _ = try NPY.parse(data, path: "fuzz.npy") }
    }

    /// No elements (the first dimension is 0), but a row size `matrix()` could not compute.
    @Test func npyWithZeroRowsOfImpossibleWidthIsRefused() {
        let data = FuzzRegressionTests.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4611686018427387904, 4), }")
        FuzzRegressionTests.expectMalformed("fuzz.npy", containing: "too large") { _ = try NPY.parse(data, path: "fuzz.npy") }
    }

    /// A zip64 extra field may hold any 64-bit offset; one near `Int.max` overflowed
    /// `offset + 30` when the member was read.
    @Test func npzWithAnOutOfRangeZip64OffsetIsRefused() throws {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16 & 0xFFFF) }
        let member = NPY.encode(try Matrix([[1, 2]]))
        let name = Array("x.npy".utf8)
        let crc = Int(Gzip.crc32(member))
        var body = Data(le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21))
        body.append(contentsOf: le32(crc) + le32(member.count) + le32(member.count) + le16(name.count) + le16(0) + name)
        body.append(member)
        // Local header offset 0xFFFFFFFF, replaced by the zip64 field's 0x7FFFFFFFFFFFFFF0.
        let extra = le16(1) + le16(8) + [0xF0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]
        var directory = Data(le32(0x0201_4B50) + le16(45) + le16(45) + le16(0) + le16(0) + le16(0) + le16(0x21))
        directory.append(contentsOf: le32(crc) + le32(member.count) + le32(member.count) + le16(name.count) + le16(extra.count))
        directory.append(contentsOf: le16(0) + le16(0) + le16(0) + le32(0) + le32(0xFFFF_FFFF) + name + extra)
        var zip = body + directory
        zip.append(contentsOf: le32(0x0605_4B50) + le16(0) + le16(0) + le16(1) + le16(1))
        zip.append(contentsOf: le32(directory.count) + le32(body.count) + le16(0))
        FuzzRegressionTests.expectMalformed("fuzz.npz", containing: "out of range") { _ = try NPZ.parse(zip, path: "fuzz.npz") }
    }

    /// A deflated member whose directory understates its size: inflating stops at the stated
    /// size instead of following the stream (a small archive cannot fill memory).
    @Test func npzMemberThatInflatesPastItsStatedSizeIsRefused() throws {
        let big = Data(repeating: 0x41, count: 200_000)
        let stream = try Gzip.deflateRaw(big)
        FuzzRegressionTests.expectMalformed("a.npz:x.npy", containing: "inflates to more than the 100 bytes") {
            _ = try Gzip.inflateRaw(stream, expectedSize: 100, path: "a.npz:x.npy")
        }
        #expect(try Gzip.inflateRaw(stream, expectedSize: big.count, path: "a.npz:x.npy") == big)
    }

    /// A gzip trailer claiming 4 GB must not be trusted as an allocation size: the damaged
    /// stream is refused as corrupt (zlib's length check), cheaply.
    @Test func gzipWithABogusSizeTrailerIsRefusedAsCorrupt() throws {
        var gz = try Gzip.compress(Data("abc".utf8))
        let e = gz.endIndex
        gz.replaceSubrange((e - 4)..<e, with: [0xF0, 0xFF, 0xFF, 0xFF])
        #expect(Gzip.maximumExpansion(of: gz.count) < 1 << 20)
        FuzzRegressionTests.expectMalformed("x.gz", containing: "corrupt") { _ = try Gzip.decompress(gz, path: "x.gz") }
    }
}
