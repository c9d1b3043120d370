import Foundation
import LatentCore
@testable import LatentData
import Testing
import TestSupport

@Suite struct DatasetLoadTests {
    @Test func npyImagesWithALabelsFileLoadScaled() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let pixels = (0..<(6 * 4 * 4)).map { $0 * 37 % 256 }
        try NPY.encode(testArray(.uint8, pixels, shape: [6, 4, 4], bigEndian: false, version: 1)).write(to: URL(fileURLWithPath: dir.file("x.npy")))
        try Data("3\n1\n4\n1\n5\n9\n".utf8).write(to: URL(fileURLWithPath: dir.file("y.txt")))
        let d = try Dataset.load(dir.file("x.npy"), labels: dir.file("y.txt"))
        #expect(d.count == 6 && d.dimension == 16 && d.imageShape == TensorShape(height: 4, width: 4))
        #expect(d.labels == [3, 1, 4, 1, 5, 9])
        #expect(d.samples[1, 2] == Float(pixels[18]) / 255)
        #expect(d.source == "NPY |u1 6×4×4; pixels ÷ 255")
    }

    @Test func floatArraysAreKeptUnlessTheyHoldWholePixelValues() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let features = TestData.random(rows: 5, columns: 70, seed: 8).map { $0 * 10 }
        try NPY.write(features, to: dir.file("f.npy"))
        #expect(try Dataset.load(dir.file("f.npy")).samples == features)
        let wholePixels = features.map { abs($0 * 25).rounded() }
        try NPY.write(wholePixels, to: dir.file("p.npy"))
        #expect(try Dataset.load(dir.file("p.npy")).samples == wholePixels.map { $0 / 255 })
        let narrow = wholePixels.columns(0..<10)
        try NPY.write(narrow, to: dir.file("n.npy"))
        #expect(try Dataset.load(dir.file("n.npy")).samples == narrow, "10 columns are not images")
    }

    @Test func nanOrInfinityInAnArrayNamesFileAndPosition() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var m = Matrix(rows: 3, columns: 4, repeating: 0.5)
        m[2, 1] = .nan
        try NPY.write(m, to: dir.file("nan.npy"))
        let nan = #expect(throws: DataError.self) { try Dataset.load(dir.file("nan.npy")) }
        #expect(nan?.description == "\(dir.file("nan.npy")): row 3, column 2 (index [2, 1]): NaN is not allowed")
        m[2, 1] = 0; m[0, 3] = -.infinity
        try zipArchive([ZipMember(name: "x.npy", content: NPY.encode(m), deflated: true)]).write(to: URL(fileURLWithPath: dir.file("inf.npz")))
        let inf = #expect(throws: DataError.self) { try Dataset.load(dir.file("inf.npz")) }
        #expect(inf?.description == "\(dir.file("inf.npz")): row 1, column 4 (index [0, 3]): infinity is not allowed")
    }

    @Test func labelsFileCountMustMatch() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try NPY.write(Matrix(rows: 4, columns: 2), to: dir.file("x.npy"))
        try NPY.write(labels: [1, 2, 3], to: dir.file("y.npy"))
        let error = #expect(throws: DataError.self) { try Dataset.load(dir.file("x.npy"), labels: dir.file("y.npy")) }
        #expect(error?.description == "\(dir.file("y.npy")): 3 labels but \(dir.file("x.npy")) has 4 images")
    }

    @Test func partsAreRefusedForFilesWithoutThem() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try CSV.write(Matrix(rows: 2, columns: 2), to: dir.file("a.csv"))
        let error = #expect(throws: DataError.self) { try Dataset.load(dir.file("a.csv"), part: .train) }
        #expect(error?.description.contains("\(dir.file("a.csv")): has no train/test parts") == true)
    }

    @Test func unknownExtensionAndMissingFileAreNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir.file("a.parquet")))
        let ext = #expect(throws: DataError.self) { try Dataset.load(dir.file("a.parquet")) }
        #expect(ext?.description.contains("unrecognised file type") == true)
        let missing = #expect(throws: DataError.self) { try Dataset.load(dir.file("none.npy")) }
        #expect(missing == .fileNotFound(path: dir.file("none.npy")))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: Dataset.fashionMNISTDirectory), "dataset-fashion-mnist is not installed"))
    func fashionMNISTHas70000ImagesAnd7000PerClass() throws {
        let all = try Dataset.load("fashion-mnist")
        #expect(all.count == 70000 && all.dimension == 784)
        #expect(all.labelCounts().map(\.count) == [Int](repeating: 7000, count: 10))
        #expect(all.className(9) == "Ankle boot")
        let test = try Dataset.fashionMNIST(part: .test)
        #expect(test.count == 10000)
        #expect(all.samples.rows(60000..<60005) == test.samples.rows(0..<5), "test images follow the training images")
    }
}

@Suite struct ValueSummaryTests {
    @Test func summaryFindsRangeBytesAndTheFirstNonFiniteValue() {
        var m = Matrix(rows: 7, columns: 13) { p in for k in p.indices { p[k] = Float(k % 50) } }
        var s = m.valueSummary()
        #expect(s.range?.min == 0 && s.range?.max == 49 && s.allBytes && s.firstNonFinite == nil)
        m[6, 12] = 0.5  // in the scalar tail after the 8-wide blocks
        #expect(!m.valueSummary().allBytes)
        m[6, 12] = 256
        #expect(!m.valueSummary().allBytes)
        m[6, 12] = -1
        s = m.valueSummary()
        #expect(!s.allBytes && s.range?.min == -1)
        m[3, 4] = .nan; m[5, 0] = .infinity
        s = m.valueSummary()
        #expect(s.firstNonFinite?.row == 3 && s.firstNonFinite?.column == 4)
        #expect(s.range?.min == -1 && s.range?.max == 49 && !s.allBytes)
    }

    @Test func largeSummariesDoNotDependOnTheThreadCount() {
        let m = TestData.random(rows: 3000, columns: 100, seed: 5)
        let serial = ExecutionContext(threads: 1).run { m.valueSummary() }
        #expect(ExecutionContext(threads: 2).run { m.valueSummary() } == serial)
        #expect(serial.range?.min == m.elements.min() && serial.range?.max == m.elements.max())
    }
}
