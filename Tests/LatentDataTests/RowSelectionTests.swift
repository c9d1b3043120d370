import Foundation
import LatentCore
@testable import LatentData
import Testing
import TestSupport

@Suite struct RowSelectionTests {
    @Test func listWithRangesKeepsTheOrderGiven() throws {
        let s = try RowSelection.parse("7, 0,3-5 9")
        #expect(try s.indices(rowCount: 10, of: "d") == [7, 0, 3, 4, 5, 9])
    }

    @Test(arguments: [
        ("5-x", "--indices: '5-x' is not a row index or a range (indices are 0, 1, 2, …; e.g. 0,5,10-20)"),
        ("-3", "--indices: '-3' is not a row index or a range (indices are 0, 1, 2, …; e.g. 0,5,10-20)"),
        ("9-2", "--indices: range '9-2' runs backwards (write 2-9)"),
        (" , ", "--indices: no index given (expected e.g. 0,5,10-20)"),
    ])
    func garbageIsOneLineNamingThePiece(list: String, message: String) {
        let error = #expect(throws: DataError.self) { try RowSelection.parse(list) }
        #expect(error?.description == message)
    }

    @Test func outOfRangeAndRepeatedRowsAreRefused() throws {
        let range = #expect(throws: DataError.self) { try RowSelection.parse("1,8-12").indices(rowCount: 10, of: "mnist") }
        #expect(range?.description == "--indices: index 12 is out of range: mnist has 10 rows (0…9)")
        let twice = #expect(throws: DataError.self) { try RowSelection.parse("4,2-6").indices(rowCount: 10, of: "mnist") }
        #expect(twice?.description == "--indices: row 4 is selected twice ('4' and '2-6')")
        // A huge range is refused before anything is allocated for it.
        #expect(throws: DataError.self) { try RowSelection.parse("0-9000000000000000000").indices(rowCount: 10, of: "d") }
    }

    @Test(arguments: ["held.txt", "held.csv", "held.npy"])
    func writtenIndicesSelectTheSameRows(name: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try RowSelection.write([9, 2, 4], to: dir.file(name))
        let d = Dataset(name: "d", samples: TestData.random(rows: 10, columns: 3, seed: 4), labels: Array(0..<10))
        let picked = try d.selecting(rows: try RowSelection.load(dir.file(name)))
        #expect(picked.labels == [9, 2, 4] && picked.samples == d.samples.rows(at: [9, 2, 4]))
    }

    @Test func indexFileErrorsNameTheLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Data("index\n1\n2 3\n1\n".utf8).write(to: URL(fileURLWithPath: dir.file("i.txt")))
        let twice = #expect(throws: DataError.self) { try RowSelection.load(dir.file("i.txt")).indices(rowCount: 5, of: "d") }
        #expect(twice?.description == "\(dir.file("i.txt")): row 1 is selected twice (line 2 and line 4)")
        try Data("1\n20\n".utf8).write(to: URL(fileURLWithPath: dir.file("r.txt")))
        let range = #expect(throws: DataError.self) { try RowSelection.load(dir.file("r.txt")).indices(rowCount: 5, of: "d") }
        #expect(range?.description == "\(dir.file("r.txt")): line 2: index 20 is out of range: d has 5 rows (0…4)")
        try Data("1\nfour\n".utf8).write(to: URL(fileURLWithPath: dir.file("g.txt")))
        let garbage = #expect(throws: DataError.self) { try RowSelection.load(dir.file("g.txt")) }
        #expect(garbage?.description.hasPrefix("\(dir.file("g.txt")): line 2: 'four' is not a row index") == true)
        try NPY.write(labels: [0, -1], to: dir.file("n.npy"))
        let negative = #expect(throws: DataError.self) { try RowSelection.load(dir.file("n.npy")) }
        #expect(negative?.description == "\(dir.file("n.npy")): element 1: -1 is not a row index (indices are 0, 1, 2, …)")
    }

    @Test func rowNumbersFollowEverySelectionBackToTheLoadedRows() throws {
        let d = Dataset(name: "d", samples: TestData.random(rows: 20, columns: 2, seed: 3), labels: (0..<20).map { $0 % 4 })
        #expect(d.rowNumbers == nil && d.loadedRows == Array(0..<20))
        let rows = try d.selecting(rows: try RowSelection.parse("10-19"))
        let classes = try rows.selecting(classes: [1, 2])
        #expect(classes.rowNumbers == [10, 13, 14, 17, 18])
        let sub = classes.subsampled(3, seed: 1)
        #expect(sub.loadedRows.allSatisfy { classes.rowNumbers!.contains($0) })
        for (k, row) in sub.loadedRows.enumerated() { #expect(sub.samples.row(k) == d.samples.row(row)) }
    }
}
