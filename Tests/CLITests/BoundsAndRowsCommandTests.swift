import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport
import LatentCore
import LatentData

/// Bounds on sizes and ranges, rows reported as loaded, and labels read exactly: each a defect a
/// review found (a trap, a silent merge, a file that is not XML, an index that cannot be fed back).
@Suite struct BoundsAndRowsCommandTests {
    func trainTiny(in dir: TemporaryDirectory) throws {
        let t = try runCLI(["train", "mnist", "--subsample", "200", "--layers", "784-16-2", "--epochs", "1",
                            "--out", "m.safetensors", "-q"], in: dir.path)
        #expect(t.status == 0, "\(t.stderr)")
    }

    func isOneErrorLine(_ r: CLIResult, naming text: String) -> Bool {
        r.status != 0 && r.stderr.hasPrefix("Error:") && r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(text)
    }

    @Test func hugeImageShapesAndWalkRangesAreOneErrorLine() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try trainTiny(in: dir)
        for command in [["walk", "m.safetensors"], ["sample", "m.safetensors", "mnist"], ["anomalies", "m.safetensors", "mnist"]] {
            let r = try runCLI(command + ["--image-shape", "4294967296x4294967296", "--out", "x.png"], in: dir.path)
            #expect(isOneErrorLine(r, naming: "--image-shape"), "\(command): \(r.stderr)")
        }
        let far = try runCLI(["walk", "m.safetensors", "--range=-1e300:1e300", "--out", "w.png"], in: dir.path)
        #expect(isOneErrorLine(far, naming: "--range"), "\(far.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("w.png")) && !FileManager.default.fileExists(atPath: dir.file("x.png")))
    }

    @Test func anomalyIndicesAreRowsOfTheDataAsLoaded() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try trainTiny(in: dir)
        let r = try runCLI(["anomalies", "m.safetensors", "mnist", "--indices", "7,3,12", "--top", "1", "--out", "a", "-q"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try String(contentsOfFile: dir.file("a/ranking.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(Set(rows.map { $0.split(separator: ",")[1] }) == ["7", "3", "12"])
    }

    @Test func anInterpolationWithinOneClassJoinsTwoDifferentDigits() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try trainTiny(in: dir)
        let same = try runCLI(["interpolate", "m.safetensors", "mnist", "--from-class", "3", "--to-class", "3", "--steps", "3",
                               "--out", "i.svg", "-q"], in: dir.path)
        #expect(same.status == 0, "\(same.stderr)")
        let lone = try runCLI(["interpolate", "m.safetensors", "mnist", "--indices", "0,1,2", "--from-class", "1",
                               "--to-class", "1", "--out", "j.svg"], in: dir.path)
        // Rows 0, 1 and 2 are a 7, a 2 and a 1: one sample of class 1.
        #expect(isOneErrorLine(lone, naming: "only one sample"), "\(lone.stderr)")
    }

    @Test func numericLabelsBeyondFloatPrecisionAreKeptApart() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        var csv = ""
        for i in 0..<40 { csv += "\(Double(i % 7)),\(Double(i % 5))\n" }
        try csv.write(toFile: dir.file("x.csv"), atomically: true, encoding: .utf8)
        // 16777217 is 2^24 + 1: as a Float32 it would read as 16777216, its neighbour.
        let labels = (0..<40).map { $0 < 20 ? "16777217" : "16777216" }.joined(separator: "\n") + "\n"
        try labels.write(toFile: dir.file("big.txt"), atomically: true, encoding: .utf8)
        let r = try runCLI(["info", "x.csv", "--label-column", "none", "--labels", "big.txt"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2 classes") && r.stdout.contains("16777217"), "\(r.stdout)")
    }

    @Test func labelColumnPicksTheColumnOfALabelsTable() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let values = try Matrix(rows: 30, columns: 2, elements: (0..<30).flatMap { i in [Float(i), Float(i % 4)] })
        try MatrixIO.write(values, to: dir.file("x.npy"))
        let table = "id,cls\n" + (0..<30).map { "\($0),\(["a", "b", "c"][$0 % 3])" }.joined(separator: "\n") + "\n"
        try table.write(toFile: dir.file("two.csv"), atomically: true, encoding: .utf8)
        let r = try runCLI(["info", "x.npy", "--labels", "two.csv", "--label-column", "cls"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("3 classes") && r.stdout.contains("a") && r.stdout.contains("c"), "\(r.stdout)")
    }

    @Test func controlCharactersInLabelsStillGiveWellFormedSVG() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let values = try Matrix(rows: 20, columns: 2, elements: (0..<20).flatMap { i in [Float(i % 5), Float(i / 5)] })
        try MatrixIO.write(values, to: dir.file("e.npy"))
        let labels = (0..<20).map { $0 % 2 == 0 ? "a\u{01}b" : "plain" }.joined(separator: "\n") + "\n"
        try labels.write(toFile: dir.file("ctl.txt"), atomically: true, encoding: .utf8)
        let r = try runCLI(["plot", "scatter", "e.npy", "--labels", "ctl.txt", "--title", "t\u{02}", "--out", "s.svg", "-q"],
                           in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let parser = XMLParser(contentsOf: URL(fileURLWithPath: dir.file("s.svg")))!
        #expect(parser.parse(), "s.svg is not well-formed XML: \(String(describing: parser.parserError))")
    }
}
