import Foundation
import LatentCore
@testable import LatentData
import Testing
import TestSupport

/// Writes `text` to `name` in `dir` and returns the path.
func writeText(_ text: String, _ name: String, in dir: TemporaryDirectory) throws -> String {
    let path = dir.file(name)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

/// An MNIST-as-CSV style table of 8×8 images: 64 pixel columns of whole numbers 0–255 (the
/// first pixel always 0, like MNIST's corner), and a label column first or last.
func pixelCSV(rows: Int, labelFirst: Bool, header: Bool, seed: UInt64) -> (text: String, pixels: [[Int]], labels: [Int]) {
    var rng = SeededGenerator(seed: seed)
    var lines = [String]()
    if header { lines.append(((labelFirst ? ["label"] : []) + (0..<64).map { "pixel\($0)" } + (labelFirst ? [] : ["label"])).joined(separator: ",")) }
    var pixels = [[Int]](), labels = [Int]()
    for i in 0..<rows {
        let row = [0] + (1..<64).map { _ in Int(rng.next() % 256) }
        let label = i % 10
        pixels.append(row); labels.append(label)
        let cells = labelFirst ? [label] + row : row + [label]
        lines.append(cells.map(String.init).joined(separator: ","))
    }
    return (lines.joined(separator: "\n") + "\n", pixels, labels)
}

@Suite struct CSVTests {
    @Test func headerIsDetectedOnlyWhenACellIsNotANumber() throws {
        let withHeader = try CSV.parse(Data("a, b\n1,2\n3,4\n".utf8), path: "h.csv")
        #expect(try withHeader.columnNames == ["a", "b"] && withHeader.values == Matrix([[1, 2], [3, 4]]))
        #expect(withHeader.lineNumbers == [2, 3])
        let without = try CSV.parse(Data("1,2\n3,4".utf8), path: "n.csv")
        #expect(without.columnNames == nil && without.values.rows == 2)
        let numbered = (0..<10).map(String.init).joined(separator: ",") + "\n" + String(repeating: "5,", count: 9) + "5\n"
        let pandas = try CSV.parse(Data(numbered.utf8), path: "p.csv")
        #expect(pandas.columnNames == (0..<10).map(String.init) && pandas.values.rows == 1)
        let data = numbered.replacingOccurrences(of: "0,1,2", with: "0,1,7")
        #expect(try CSV.parse(Data(data.utf8), path: "d.csv").values.rows == 2)
        #expect(try CSV.parse(Data("1,2,3\n4,5,6\n".utf8), path: "s.csv").values.rows == 2)
        let excel = try CSV.parse(Data([0xEF, 0xBB, 0xBF] + Array("7,8\n9,10\n".utf8)), path: "bom.csv")
        #expect(try excel.columnNames == nil && excel.values == Matrix([[7, 8], [9, 10]]))
    }

    @Test func delimitersLineEndsQuotesAndBlankLinesAreAccepted() throws {
        let expected = try Matrix([[1.5, -2], [3e-2, 4]])
        for text in ["x\ty\n1.5\t-2\n\n3e-2\t4\n", "\"x;1\";y\r\n1.5;-2\r\n0.03;\"4\"\r\n", " 1.5 , -2 \n  \n+0.03,4.000\n"] {
            #expect(try CSV.parse(Data(text.utf8), path: "d.csv").values == expected)
        }
        #expect(try CSV.parse(Data("\"x;1\";y\n1;2\n".utf8), path: "q.csv").columnNames == ["x;1", "y"])
    }

    @Test(arguments: ["0.1", "-123.456e-7", "3.4028235e38", "1.17549435e-38", "0.000000000000000000000012345678901234567",
                      "98765432109876543210987", ".5", "5.", "1E+3", "7"])
    func numbersParseAsFoundationDoes(text: String) throws {
        let parsed = try CSV.parse(Data(text.utf8), path: "n.csv").values[0, 0]
        #expect(parsed == Float(Double(text)!), "\(text)")
    }

    @Test func labelColumnIsChosenByIndexNameOrNone() throws {
        let table = try CSV.parse(Data("f1,Label,f2\n0.5,1,2.5\n1.5,0,3.5\n".utf8), path: "l.csv")
        #expect(try table.labelColumn(.automatic, path: "l.csv") == 1)
        #expect(try table.labelColumn(.name("LABEL"), path: "l.csv") == 1)
        #expect(try table.labelColumn(.index(-1), path: "l.csv") == 2)
        #expect(try table.labelColumn(.none, path: "l.csv") == nil)
        let (samples, labels) = try table.splittingLabels(at: 1, path: "l.csv")
        #expect(try labels == [1, 0] && samples == Matrix([[0.5, 2.5], [1.5, 3.5]]))
        let range = #expect(throws: DataError.self) { try table.labelColumn(.index(3), path: "l.csv") }
        #expect(range?.description.contains("l.csv: label column 3 is out of range (the file has 3 columns") == true)
        let name = #expect(throws: DataError.self) { try table.labelColumn(.name("digit"), path: "l.csv") }
        #expect(name?.description.contains("no column is named 'digit' (columns: f1, Label, f2)") == true)
        let fractional = #expect(throws: DataError.self) { try table.splittingLabels(at: 0, path: "l.csv") }
        #expect(fractional?.description == "l.csv: line 2, column 1: label 0.5 is not a whole number")
    }

    @Test(arguments: [(true, false), (false, false), (true, true), (false, true)])
    func mnistStyleLayoutIsDetectedWithLabelFirstOrLast(labelFirst: Bool, header: Bool) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (text, pixels, labels) = pixelCSV(rows: 30, labelFirst: labelFirst, header: header, seed: 9)
        let d = try Dataset.load(try writeText(text, "digits.csv", in: dir))
        #expect(d.labels == labels)
        #expect(d.count == 30 && d.dimension == 64 && d.imageShape == TensorShape(height: 8, width: 8))
        #expect(d.samples.row(3) == pixels[3].map { Float($0) / 255 })
        #expect(d.source?.contains("labels from column \(labelFirst ? 1 : 65)") == true)
    }

    @Test func smallOrFractionalTablesAreNeitherScaledNorGivenLabels() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let small = try Dataset.load(try writeText("1,2,3\n4,5,6\n", "small.csv", in: dir))
        #expect(try small.labels == nil && small.samples == Matrix([[1, 2, 3], [4, 5, 6]]))
        let forced = try Dataset.load(dir.file("small.csv"), labelColumn: .index(0))
        #expect(forced.labels == [1, 4] && forced.dimension == 2)
        var (text, _, _) = pixelCSV(rows: 5, labelFirst: true, header: false, seed: 1)
        text = text.replacingOccurrences(of: "1,0,", with: "1,0.5,")  // pixels no longer whole
        let fractional = try Dataset.load(try writeText(text, "frac.csv", in: dir), labelColumn: .none)
        #expect(fractional.labels == nil && fractional.imageShape == nil)
        #expect((fractional.samples.range()?.max ?? 0) > 1)
    }

    @Test func raggedRowNamesTheLine() throws {
        let error = #expect(throws: DataError.self) { try CSV.parse(Data("a,b\n1,2\n\n3\n".utf8), path: "r.csv") }
        #expect(error?.description == "r.csv: line 4 has 1 field, expected 2 as on line 1 (ragged row)")
    }

    @Test func nonNumericCellNamesLineColumnAndText() throws {
        let error = #expect(throws: DataError.self) { try CSV.parse(Data("1,2\n3,x7\n".utf8), path: "t.csv") }
        #expect(error?.description == "t.csv: line 2, column 2: 'x7' is not a number")
        let empty = #expect(throws: DataError.self) { try CSV.parse(Data("1,2\n3,\n".utf8), path: "t.csv") }
        #expect(empty?.description == "t.csv: line 2, column 2: empty cell (missing value)")
    }

    @Test(arguments: [("nan", "NaN"), ("-inf", "infinity"), ("Infinity", "infinity"), ("1e39", "1e39 does not fit in Float32")])
    func nanAndInfinityNameLineAndColumn(cell: String, word: String) throws {
        let error = #expect(throws: DataError.self) { try CSV.parse(Data("h1,h2\n1,2\n3,\(cell)\n".utf8), path: "n.csv") }
        #expect(error?.description.hasPrefix("n.csv: line 3, column 2: \(word)") == true)
    }

    @Test func emptyHeaderOnlyAndBlankFilesAreNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let empty = #expect(throws: DataError.self) { try CSV.read(try writeText("", "e.csv", in: dir)) }
        #expect(empty?.description == "\(dir.file("e.csv")): file is empty")
        let header = #expect(throws: DataError.self) { try CSV.read(try writeText("a,b\n", "h.csv", in: dir)) }
        #expect(header?.description == "\(dir.file("h.csv")): file has a header but no data rows")
        let blank = #expect(throws: DataError.self) { try CSV.read(try writeText("\n \n", "b.csv", in: dir)) }
        #expect(blank?.description == "\(dir.file("b.csv")): file has no data (only blank lines)")
    }

    @Test func writtenCSVReadsBackExactly() throws {
        let m = TestData.random(rows: 50, columns: 7, seed: 21)
        let back = try CSV.parse(try CSV.encode(m, columnNames: (0..<7).map { "c\($0)" }), path: "w.csv")
        #expect(back.values == m)
        #expect(back.columnNames?.last == "c6")
        #expect(throws: MatrixError.self) { try CSV.encode(m, columnNames: ["only one"]) }
    }

    @Test func chunkedParsingMatchesOneChunkAndKeepsLineNumbers() throws {
        let m = TestData.random(rows: 300, columns: 5, seed: 31)
        var text = String(decoding: try CSV.encode(m, columnNames: ["a", "b", "c", "d", "e"]), as: UTF8.self)
        text = text.replacingOccurrences(of: "\n", with: "\n\n")  // blank lines between rows
        let one = try CSV.parse(Data(text.utf8), path: "c.csv", chunkBytes: 1 << 30)
        let many = try CSV.parse(Data(text.utf8), path: "c.csv", chunkBytes: 700)
        #expect(many.values == m && one.values == m)
        #expect(many.lineNumbers == one.lineNumbers && many.lineNumbers.last == 1 + 2 * 300)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines[2 * 250] = "1,2,3,4,x"  // the 250th data row, line 501
        let error = #expect(throws: DataError.self) {
            try CSV.parse(Data(lines.joined(separator: "\n").utf8), path: "c.csv", chunkBytes: 700)
        }
        #expect(error?.description == "c.csv: line 501, column 5: 'x' is not a number")
    }
}
