import Foundation
import LatentCore
import LatentData
import Testing
import TestSupport

@Suite struct MatrixIOTests {
    @Test(arguments: ["m.npy", "m.csv", "M.CSV"])
    func matricesRoundTripThroughEachFormat(name: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var m = TestData.random(rows: 9, columns: 3, seed: 11)
        m[0, 0] = 42; m[1, 1] = -3; m[2, 2] = 1e-7; m[3, 0] = 123456792
        try MatrixIO.write(m, to: dir.file(name), columnNames: ["a", "b,c", "d\"e"])
        #expect(try MatrixIO.readMatrix(dir.file(name)) == m)
        #expect(dir.contents() == [name])
    }

    @Test func csvHeaderKeepsTheColumnNames() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let m = try Matrix([[1, 2], [3, 4.5]])
        try MatrixIO.write(m, to: dir.file("e.csv"), columnNames: ["x", "y,z"])
        let text = try String(contentsOfFile: dir.file("e.csv"), encoding: .utf8)
        #expect(text == "x,\"y,z\"\n1,2\n3,4.5\n")
        #expect(try CSV.read(dir.file("e.csv")).columnNames == ["x", "y,z"])
    }

    @Test func unsupportedExtensionIsRefusedAndNothingIsWritten() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let error = #expect(throws: OutputError.self) { try MatrixIO.write(Matrix(rows: 1, columns: 1), to: dir.file("m.xlsx")) }
        #expect(error == .unsupportedExtension(path: dir.file("m.xlsx"), allowed: [".npy", ".csv"]))
        #expect(dir.contents().isEmpty)
    }

    @Test func labelsReadFromNpyCsvAndText() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try NPY.write(labels: [2, 0, 1], to: dir.file("y.npy"))
        try Data("label\n2\n0\n1\n".utf8).write(to: URL(fileURLWithPath: dir.file("y.csv")))
        try Data("2\n0\r\n1\n\n".utf8).write(to: URL(fileURLWithPath: dir.file("y.txt")))
        for name in ["y.npy", "y.csv", "y.txt"] { #expect(try MatrixIO.readLabels(dir.file(name)) == [2, 0, 1]) }
    }

    @Test(arguments: ["y.npy", "y.csv", "y.txt"])
    func labelsRoundTripThroughEachFormat(name: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let labels = [9, 0, -3, 12, 4]
        try MatrixIO.write(labels: labels, to: dir.file(name))
        #expect(try MatrixIO.readLabels(dir.file(name)) == labels)
        #expect(throws: OutputError.self) { try MatrixIO.write(labels: labels, to: dir.file("y.json")) }
        #expect(dir.contents() == [name])
    }

    @Test func labelsThatAreNotWholeNumbersOrNotOneColumnAreNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Data("1\n2.5\n".utf8).write(to: URL(fileURLWithPath: dir.file("f.txt")))
        let fraction = #expect(throws: DataError.self) { try MatrixIO.readLabels(dir.file("f.txt")) }
        #expect(fraction?.description == "\(dir.file("f.txt")): line 2, column 1: label 2.5 is not a whole number")
        try Data("1,2\n3,4\n".utf8).write(to: URL(fileURLWithPath: dir.file("two.csv")))
        let wide = #expect(throws: DataError.self) { try MatrixIO.readLabels(dir.file("two.csv")) }
        #expect(wide?.description.contains("found 2 columns") == true)
    }

    @Test func readMatrixRejectsNaNNamingThePosition() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var m = Matrix(rows: 2, columns: 3)
        m[1, 2] = .infinity
        try NPY.write(m, to: dir.file("m.npy"))
        let error = #expect(throws: DataError.self) { try MatrixIO.readMatrix(dir.file("m.npy")) }
        #expect(error?.description == "\(dir.file("m.npy")): row 2, column 3 (index [1, 2]): infinity is not allowed")
    }
}
