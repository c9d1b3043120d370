import Foundation
import LatentCore
import LatentData
import Testing
import TestSupport

@Suite struct InfoFileTests {
    @Test func infoDescribesACSVWithItsLabelColumnAndTiming() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let rows = (0..<12).map { i in "\(i % 3),\(Double(i) / 4),\(i * i)" }
        try Data(("digit,a,b\n" + rows.joined(separator: "\n")).utf8).write(to: URL(fileURLWithPath: dir.file("t.csv")))
        let r = try runCLI(["info", dir.file("t.csv"), "--timing"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("12 × 2"))
        #expect(r.stdout.contains("labels from column 1 'digit' (detected)"))
        #expect(r.stdout.contains("  0\t4\t0"))
        #expect(r.stderr.hasPrefix("load time: ") && r.stderr.hasSuffix(" s\n"))
    }

    @Test func infoTakesLabelsFromAFileAndAColumnByName() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try NPY.write(Matrix(rows: 3, columns: 2, repeating: 0.25), to: dir.file("x.npy"))
        try Data("7\n7\n2\n".utf8).write(to: URL(fileURLWithPath: dir.file("y.txt")))
        let r = try runCLI(["info", dir.file("x.npy"), "--labels", dir.file("y.txt")])
        #expect(r.status == 0)
        #expect(r.stdout.contains("  7\t2\t7") && r.stdout.contains("  2\t1\t2"))
        try Data("a,b\n1,5\n2,6\n".utf8).write(to: URL(fileURLWithPath: dir.file("n.csv")))
        let byName = try runCLI(["info", dir.file("n.csv"), "--label-column", "b"])
        #expect(byName.stdout.contains("2 × 1") && byName.stdout.contains("  6\t1\t6"))
    }

    @Test func aBadFileIsOneErrorLineNamingIt() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Data("1,2\n3,oops\n".utf8).write(to: URL(fileURLWithPath: dir.file("bad.csv")))
        let r = try runCLI(["info", dir.file("bad.csv")])
        #expect(r.status != 0)
        #expect(r.stderr == "Error: \(dir.file("bad.csv")): line 2, column 2: 'oops' is not a number\n")
    }
}
