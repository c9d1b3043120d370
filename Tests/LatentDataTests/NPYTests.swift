import Foundation
import LatentCore
@testable import LatentData
import Testing
import TestSupport

/// Element bytes of `values` in the requested byte order.
func integerPayload<T: FixedWidthInteger>(_ values: [T], bigEndian: Bool) -> Data {
    var d = Data()
    for v in values { withUnsafeBytes(of: bigEndian ? v.bigEndian : v.littleEndian) { d.append(contentsOf: $0) } }
    return d
}

/// A test array of `type` holding `values` (which must fit the type).
func testArray(_ type: NPYElementType, _ values: [Int], shape: [Int], bigEndian: Bool, version: Int) -> NPYArray {
    let payload: Data
    switch type {
    case .bool: payload = integerPayload(values.map { UInt8($0 != 0 ? 1 : 0) }, bigEndian: bigEndian)
    case .uint8: payload = integerPayload(values.map { UInt8($0) }, bigEndian: bigEndian)
    case .int8: payload = integerPayload(values.map { Int8($0) }, bigEndian: bigEndian)
    case .int16: payload = integerPayload(values.map { Int16($0) }, bigEndian: bigEndian)
    case .uint16: payload = integerPayload(values.map { UInt16($0) }, bigEndian: bigEndian)
    case .int32: payload = integerPayload(values.map { Int32($0) }, bigEndian: bigEndian)
    case .uint32: payload = integerPayload(values.map { UInt32($0) }, bigEndian: bigEndian)
    case .int64: payload = integerPayload(values.map { Int64($0) }, bigEndian: bigEndian)
    case .uint64: payload = integerPayload(values.map { UInt64($0) }, bigEndian: bigEndian)
    case .float32: payload = integerPayload(values.map { Float($0).bitPattern }, bigEndian: bigEndian)
    case .float64: payload = integerPayload(values.map { Double($0).bitPattern }, bigEndian: bigEndian)
    }
    return NPYArray(shape: shape, elementType: type, isBigEndian: bigEndian && type.size > 1, headerVersion: version, payload: payload)
}

func write(_ data: Data, _ path: String) throws { try data.write(to: URL(fileURLWithPath: path)) }

@Suite struct NPYTests {
    static let versions = [1, 2, 3]

    @Test(arguments: NPYElementType.allCases, versions)
    func everyElementTypeRoundTripsInBothByteOrders(type: NPYElementType, version: Int) throws {
        let values = type == .bool ? [1, 0, 1, 1, 0, 0] : [0, 1, 2, 3, 100, 127]
        for bigEndian in [false, true] {
            let array = testArray(type, values, shape: [2, 3], bigEndian: bigEndian, version: version)
            let bytes = NPY.encode(array)
            #expect(bytes.count % 64 == array.payload.count % 64, "data must start on a 64-byte boundary")
            let back = try NPY.parse(bytes, path: "t.npy")
            #expect(back.shape == [2, 3] && back.elementType == type && back.headerVersion == version)
            #expect(back.matrix() == (try Matrix(rows: 2, columns: 3, elements: values.map(Float.init))))
            #expect(try back.integerValues(path: "t.npy") == values)
        }
    }

    @Test func handBuiltNumpyStyleHeaderIsRead() throws {
        // Key order, quotes and spacing differ from LatentMap's writer; the shape has a Python 2 `L`.
        let header = "{\"shape\": (2L, 2L), \"fortran_order\": False, \"descr\": \">i4\"}"
        var bytes = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let padded = header + String(repeating: " ", count: 118 - header.utf8.count - 1) + "\n"
        bytes.append(contentsOf: [UInt8(padded.utf8.count), 0])
        bytes.append(contentsOf: Array(padded.utf8))
        bytes.append(integerPayload([Int32(-7), 1, 65536, 4], bigEndian: true))
        let a = try NPY.parse(bytes, path: "hand.npy")
        #expect(a.shape == [2, 2] && a.elementType == .int32 && a.isBigEndian)
        #expect(a.floatValues() == [-7, 1, 65536, 4])
    }

    @Test func matrixWriteProducesNumpysExactHeader() throws {
        let m = Matrix(rows: 3, columns: 4) { p in for k in p.indices { p[k] = Float(k) * 0.5 } }
        let bytes = NPY.encode(m)
        // numpy 1.23+ pads 'shape': (3, 4) with 21 - len("3") spaces, then to 64 bytes.
        let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }" + String(repeating: " ", count: 20)
        let headerLength = 128 - 10
        var expected = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(headerLength), 0])
        expected.append(contentsOf: Array(dict.utf8))
        expected.append(contentsOf: [UInt8](repeating: 0x20, count: headerLength - dict.utf8.count - 1) + [0x0A])
        #expect(bytes.prefix(128) == expected)
        #expect(bytes.count == 128 + 12 * 4)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try NPY.write(m, to: dir.file("m.npy"))
        #expect(try NPY.readMatrix(dir.file("m.npy")) == m)
        #expect(dir.contents() == ["m.npy"])
    }

    @Test func labelsRoundTripAsInt64() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let labels = [3, 0, -1, 9, 1 << 40]
        try NPY.write(labels: labels, to: dir.file("y.npy"))
        let a = try NPY.read(dir.file("y.npy"))
        #expect(a.elementType == .int64 && a.shape == [5])
        #expect(try NPY.readLabels(dir.file("y.npy")) == labels)
    }

    @Test func imagesFlattenToRowsWithAnImageShape() throws {
        let a = testArray(.uint8, Array(0..<24), shape: [2, 3, 4], bigEndian: false, version: 1)
        #expect(a.imageShape == TensorShape(height: 3, width: 4))
        let m = a.matrix()
        #expect(m.rows == 2 && m.columns == 12 && m[1, 0] == 12)
        let rgb = testArray(.uint8, Array(0..<24), shape: [2, 2, 2, 3], bigEndian: false, version: 1)
        #expect(rgb.imageShape == TensorShape(height: 2, width: 2, channels: 3))
        let column = testArray(.float32, [5, 6, 7], shape: [3], bigEndian: false, version: 1).matrix()
        #expect(column.rows == 3 && column.columns == 1)
    }

    @Test func fortranOrderIsRejectedClearly() throws {
        var a = NPY.encode(testArray(.float32, [1, 2, 3, 4], shape: [2, 2], bigEndian: false, version: 1))
        let range = try #require(a.range(of: Data("False".utf8)))
        a.replaceSubrange(range, with: Data("True ".utf8))
        let error = #expect(throws: DataError.self) { try NPY.parse(a, path: "f.npy") }
        #expect(error?.description.contains("f.npy") == true)
        #expect(error?.description.contains("Fortran order") == true)
    }

    @Test func truncatedAndOverlongFilesAreNamed() throws {
        let full = NPY.encode(testArray(.float64, [1, 2, 3, 4], shape: [4], bigEndian: false, version: 1))
        let short = #expect(throws: DataError.self) { try NPY.parse(full.dropLast(3), path: "s.npy") }
        #expect(short?.description.contains("s.npy: file is truncated") == true)
        let long = #expect(throws: DataError.self) { try NPY.parse(full + Data([0]), path: "l.npy") }
        #expect(long?.description.contains("longer than its header says") == true)
        let header = #expect(throws: DataError.self) { try NPY.parse(full.prefix(40), path: "h.npy") }
        #expect(header?.description.contains("truncated inside its header") == true)
    }

    @Test func badMagicUnsupportedTypeAndEmptyFileAreNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try write(Data("hello, world".utf8), dir.file("bad.npy"))
        let magic = #expect(throws: DataError.self) { try NPY.read(dir.file("bad.npy")) }
        #expect(magic?.description.contains("not an NPY file") == true)
        try write(Data(), dir.file("empty.npy"))
        let empty = #expect(throws: DataError.self) { try NPY.read(dir.file("empty.npy")) }
        #expect(empty?.description == "\(dir.file("empty.npy")): file is empty")
        var complex = NPY.encode(testArray(.float64, [1, 2], shape: [2], bigEndian: false, version: 1))
        complex.replaceSubrange(try #require(complex.range(of: Data("<f8".utf8))), with: Data("<c8".utf8))
        let type = #expect(throws: DataError.self) { try NPY.parse(complex, path: "c.npy") }
        #expect(type?.description.contains("'<c8' is not supported") == true)
    }

    @Test func fractionalLabelsAreRejected() throws {
        let a = NPYArray(shape: [2], elementType: .float32, payload: integerPayload([Float(1).bitPattern, Float(2.5).bitPattern], bigEndian: false))
        let error = #expect(throws: DataError.self) { try a.integerValues(path: "y.npy") }
        #expect(error?.description.contains("element 1 (2.5)") == true)
    }
}
