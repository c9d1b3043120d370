import Foundation
import LatentCore
import LatentData
import Testing
import TestSupport

/// Second-round reliability fixes in data loading: labels as class identifiers, consistent
/// label checks, gzip padding, IDX labels found beside gzip'd images, and honest messages for
/// values Float32 cannot hold.
@Suite struct ReliabilityDataTests {
    @Test func oneHugeLabelIsOneMoreClassNotAHugeTable() {
        var labels = (0..<100).map { $0 % 10 }
        labels[5] = 100_000_000
        let classes = LabelClasses(labels)
        #expect(classes.count == 11)
        #expect(classes.values.last == 100_000_000)
        #expect(classes.indices[5] == 10 && classes.indices[6] == 6)
        #expect(classes.counts.reduce(0, +) == 100)
        #expect(classes.index(of: 100_000_000) == 10 && classes.index(of: 11) == nil)
        #expect(!classes.isSmall && !classes.isDense)
        let d = Dataset(name: "d", samples: Matrix(rows: 100, columns: 1), labels: labels)
        let counts = d.labelCounts()
        #expect(counts.count == 11 && counts.last?.label == 100_000_000 && counts.last?.count == 1)
    }

    @Test func negativeLabelsAreRefusedOnLoadWhereverTheyComeFrom() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try "1,2\n3,4\n5,6\n".write(toFile: dir.file("x.csv"), atomically: true, encoding: .utf8)
        try "0\n-3\n1\n".write(toFile: dir.file("y.txt"), atomically: true, encoding: .utf8)
        let error = #expect(throws: DataError.self) { try Dataset.load(dir.file("x.csv"), labels: dir.file("y.txt")) }
        #expect(error?.description.contains("y.txt") == true && error?.description.contains("-3") == true)
    }

    @Test func gzipWithTrailingZeroPaddingIsAccepted() throws {
        let payload = Data((0..<1000).map { UInt8($0 % 251) })
        var padded = try Gzip.compress(payload)
        padded.append(Data(count: 512))
        #expect(try Gzip.decompress(padded, path: "p.gz") == payload)
        // Non-zero garbage after the member is still an error.
        var garbage = try Gzip.compress(payload)
        garbage.append(contentsOf: [1, 2, 3, 4])
        #expect(throws: DataError.self) { try Gzip.decompress(garbage, path: "g.gz") }
    }

    @Test(arguments: [(true, false), (false, true)])
    func idxLabelsBesideTheImagesAreFoundGzippedOrNot(imagesGzipped: Bool, labelsGzipped: Bool) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var images = idxBytes(dims: [3, 2, 2], payload: (0..<12).map { UInt8($0) })
        var labels = idxBytes(dims: [3], payload: [4, 1, 8])
        if imagesGzipped { images = try Gzip.compress(images) }
        if labelsGzipped { labels = try Gzip.compress(labels) }
        let imagesName = "x-images-idx3-ubyte" + (imagesGzipped ? ".gz" : "")
        try images.write(to: URL(fileURLWithPath: dir.file(imagesName)))
        try labels.write(to: URL(fileURLWithPath: dir.file("x-labels-idx1-ubyte" + (labelsGzipped ? ".gz" : ""))))
        #expect(try Dataset.load(dir.file(imagesName)).labels == [4, 1, 8])
    }

    @Test func aDoubleBeyondFloat32IsNotCalledInfinity() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try "1e300,2\n3,4\n".write(toFile: dir.file("big.csv"), atomically: true, encoding: .utf8)
        let error = #expect(throws: DataError.self) { try Dataset.load(dir.file("big.csv")) }
        #expect(error?.description.contains("does not fit in Float32") == true)
        try "inf,2\n3,4\n".write(toFile: dir.file("inf.csv"), atomically: true, encoding: .utf8)
        let spelled = #expect(throws: DataError.self) { try Dataset.load(dir.file("inf.csv")) }
        #expect(spelled?.description.contains("infinity is not allowed") == true)
        // The same for a float64 .npy (header + 4 little-endian doubles).
        var npy = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        npy.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        npy.append(contentsOf: Array(header.utf8))
        for v in [1e300, 2.0, 3.0, 4.0] { withUnsafeBytes(of: v.bitPattern.littleEndian) { npy.append(contentsOf: $0) } }
        try npy.write(to: URL(fileURLWithPath: dir.file("big.npy")))
        let npyError = #expect(throws: DataError.self) { try Dataset.load(dir.file("big.npy")) }
        #expect(npyError?.description.contains("does not fit in Float32") == true)
        // And where a matrix (an embedding, codes) is read rather than a dataset.
        let matrixError = #expect(throws: DataError.self) { try MatrixIO.readMatrix(dir.file("big.npy")) }
        #expect(matrixError?.description.contains("does not fit in Float32") == true)
    }

    @Test(.enabled(if: numpyAvailable, "python3 with numpy is not installed"))
    func aDoubleBeyondFloat32InAnArchiveIsNotCalledInfinity() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // The large value sits in the second of two stacked members, so its position counts both.
        let script = "import numpy as np; np.savez('\(dir.file("big.npz"))', x_train=np.ones((2, 2)), x_test=np.array([[1.0, 1e300], [3.0, 4.0]]))"
        #expect(runPython(script).status == 0)
        for read in [{ _ = try Dataset.load(dir.file("big.npz")) }, { _ = try MatrixIO.readMatrix(dir.file("big.npz")) }] {
            let error = #expect(throws: DataError.self) { try read() }
            #expect(error?.description.contains("1e+300 does not fit in Float32") == true, "\(String(describing: error))")
            #expect(error?.description.contains("row 3, column 2") == true, "\(String(describing: error))")
        }
    }

    @Test func unreadableInputsSayWhatTheyAre() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("folder.npy"), withIntermediateDirectories: false)
        let folder = #expect(throws: DataError.self) { try NPY.read(dir.file("folder.npy")) }
        #expect(folder?.description.contains("it is a directory") == true)
        #expect(mkfifo(dir.file("fifo.npy"), 0o644) == 0)
        let fifo = #expect(throws: DataError.self) { try NPY.read(dir.file("fifo.npy")) }
        #expect(fifo?.description.contains("not a regular file") == true)
    }
}
