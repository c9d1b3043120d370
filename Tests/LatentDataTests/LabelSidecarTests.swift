import Foundation
import LatentCore
@testable import LatentData
import Testing
import TestSupport

@Suite struct LabelSidecarTests {
    @Test func sidecarPathsSitBesideTheMatrix() {
        #expect(LabelSet.sidecarPath(besideMatrix: "out/codes.npy") == "out/codes.labels.npy")
        #expect(LabelSet.classNamesPath(besideMatrix: "out/codes.csv") == "out/codes.classes.txt")
        #expect(LabelSet.sidecarPath(besideMatrix: "codes.npy.gz") == "codes.labels.npy")
        #expect(LabelSet.sidecarPath(besideMatrix: "/a.b/codes") == "/a.b/codes.labels.npy")
    }

    @Test(arguments: ["codes.npy", "codes.csv"])
    func labelsAndNamesWrittenWithAMatrixAreReadBack(name: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let m = TestData.random(rows: 5, columns: 3, seed: 9)
        let labels = LabelSet([2, 0, 1, 1, 2], classNames: ["cat", "dog", "bird"])
        try MatrixIO.write(m, labels: labels, to: dir.file(name), columnNames: ["z1", "z2", "z3"])
        let (read, readLabels) = try MatrixIO.readLabelledMatrix(dir.file(name))
        #expect(read == m && readLabels == labels)
        // Plain readers see the matrix alone, without the label column.
        #expect(try MatrixIO.readMatrix(dir.file(name)) == m)
        // Dataset.load picks the labels and the names up as well.
        let d = try Dataset.load(dir.file(name))
        #expect(d.labels == labels.values && d.classNames == labels.classNames && d.samples == m)
        let expected = name == "codes.npy" ? ["codes.classes.txt", "codes.labels.npy", "codes.npy"] : ["codes.classes.txt", "codes.csv"]
        #expect(dir.contents() == expected)
    }

    @Test func csvMatrixHeaderEndsInTheLabelColumn() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try MatrixIO.write(try Matrix([[0.5, 1], [2, 3]]), labels: LabelSet([7, 3]), to: dir.file("e.csv"))
        #expect(try String(contentsOfFile: dir.file("e.csv"), encoding: .utf8) == "x1,x2,label\n0.5,1,7\n2,3,3\n")
    }

    @Test func writingWithoutLabelsRemovesStaleOnes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let m = TestData.random(rows: 3, columns: 2, seed: 1)
        try MatrixIO.write(m, labels: LabelSet([0, 1, 0], classNames: ["a", "b"]), to: dir.file("c.npy"))
        try MatrixIO.write(m, labels: LabelSet([1, 1, 0]), to: dir.file("c.npy"))
        #expect(dir.contents() == ["c.labels.npy", "c.npy"], "names of the earlier run are gone")
        try MatrixIO.write(m, labels: nil, to: dir.file("c.npy"))
        #expect(dir.contents() == ["c.npy"])
        #expect(try MatrixIO.readLabelledMatrix(dir.file("c.npy")).labels == nil)
    }

    @Test func sidecarWithAnotherCountIsNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try NPY.write(Matrix(rows: 4, columns: 2), to: dir.file("c.npy"))
        try NPY.write(labels: [1, 2, 3], to: dir.file("c.labels.npy"))
        let error = #expect(throws: DataError.self) { try MatrixIO.readLabelledMatrix(dir.file("c.npy")) }
        #expect(error?.description.hasPrefix("\(dir.file("c.labels.npy")): 3 labels but \(dir.file("c.npy")) has 4 rows") == true)
        // Labels given explicitly win over the sidecar.
        try NPY.write(labels: [0, 0, 1, 1], to: dir.file("y.npy"))
        #expect(try Dataset.load(dir.file("c.npy"), labels: dir.file("y.npy")).labels == [0, 0, 1, 1])
    }

    @Test func sidecarLabelsMayBeWords() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try NPY.write(Matrix(rows: 3, columns: 2), to: dir.file("c.npy"))
        try NPY.encode(text: ["b", "a", "b"]).write(to: URL(fileURLWithPath: dir.file("c.labels.npy")))
        let labels = try #require(try MatrixIO.readLabelledMatrix(dir.file("c.npy")).labels)
        #expect(labels == LabelSet([1, 0, 1], classNames: ["a", "b"]))
    }
}
