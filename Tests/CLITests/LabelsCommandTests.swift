import Foundation
import LatentCore
import LatentData
import Testing
import TestSupport

/// Labels that travel with the data (`--labels` from any source, label files beside a matrix),
/// string classes, row selection (`--subset`, `--indices`, `train --split-out`) and `--classes`.
@Suite struct LabelsCommandTests {
    /// Three separable blobs of 4-D points in a CSV with a `species` column of words.
    static func writeSpecies(in dir: TemporaryDirectory, perClass: Int = 30) throws {
        let (points, labels) = TestData.blobs(clusters: 3, perCluster: perClass, dimension: 4, separation: 10, seed: 5)
        let words = ["virginica", "setosa", "versicolor"]   // not sorted: the classes will be
        var csv = "a,b,c,d,species\n"
        for i in 0..<points.rows { csv += (0..<4).map { String(points[i, $0]) }.joined(separator: ",") + ",\(words[labels[i]])\n" }
        try csv.write(toFile: dir.file("species.csv"), atomically: true, encoding: .utf8)
    }

    static func json(_ r: CLIResult) throws -> [String: Any] {
        let line = try #require(r.stdout.split(separator: "\n").last)
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func heldOutRowsGoFromTrainToEncodeAndTheirLabelsOnToTSNEAndCluster() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let t = try runCLI(["train", "mnist", "--subsample", "300", "--layers", "784-16-4", "--epochs", "2", "--val-split", "0.2",
                            "--split-out", "held.txt", "--out", "m.safetensors", "-q"], in: dir.path)
        #expect(t.status == 0, "\(t.stderr)")
        let held = try String(contentsOfFile: dir.file("held.txt"), encoding: .utf8).split(separator: "\n").map { Int($0)! }
        #expect(held.count == 60 && Set(held).count == 60 && held.allSatisfy { (0..<10_000).contains($0) })
        let e = try runCLI(["encode", "m.safetensors", "mnist", "--subset", "held.txt", "--out", "codes.npy", "-q"], in: dir.path)
        #expect(e.status == 0, "\(e.stderr)")
        let digits = try Dataset.mnist().labels!
        let codes = try MatrixIO.readLabelledMatrix(dir.file("codes.npy"))
        #expect(codes.matrix.rows == 60 && codes.matrix.columns == 4)
        #expect(codes.labels?.values == held.map { digits[$0] } && codes.labels?.classNames == Dataset.digitClassNames)
        // t-SNE reads the codes' labels and writes them on, here as the CSV's label column.
        let s = try runCLI(["tsne", "codes.npy", "--perplexity", "5", "--iterations", "60", "--out", "emb.csv", "-q"], in: dir.path)
        #expect(s.status == 0, "\(s.stderr)")
        let header = try String(contentsOfFile: dir.file("emb.csv"), encoding: .utf8).split(separator: "\n").first
        #expect(header == "x,y,label")
        #expect(try MatrixIO.readLabelledMatrix(dir.file("emb.csv")).labels == codes.labels)
        // The clustering finds them too, and scores against them.
        let c = try runCLI(["cluster", "codes.npy", "--out", "clusters", "--json", "-q"], in: dir.path)
        #expect(c.status == 0, "\(c.stderr)")
        let report = try Self.json(c)
        #expect(report["k"] as? Int == Set(codes.labels!.values).count && report["n"] as? Int == 60)
        for key in ["accuracy", "nmi"] { #expect((0...1).contains(report[key] as? Double ?? -1), "\(key): \(report)") }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.file("clusters")))
            == ["assignments.csv", "assignments.npy", "cluster.json", "confusion.png", "confusion.svg"])
    }

    @Test func wordLabelsOfACSVBecomeClassesInSortedOrderAndTravel() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Self.writeSpecies(in: dir)
        let s = try runCLI(["tsne", "species.csv", "--perplexity", "10", "--iterations", "100", "--out", "e.npy", "-q"], in: dir.path)
        #expect(s.status == 0, "\(s.stderr)")
        #expect(try String(contentsOfFile: dir.file("e.classes.txt"), encoding: .utf8) == "setosa\nversicolor\nvirginica\n")
        // The map page names the classes from the file beside the embedding alone.
        let page = try runCLI(["plot", "interactive", "e.npy", "--out", "map.html", "-q"], in: dir.path)
        #expect(page.status == 0, "\(page.stderr)")
        #expect(try String(contentsOfFile: dir.file("map.html"), encoding: .utf8).contains("\"setosa\",\"versicolor\",\"virginica\""))
        let info = try runCLI(["info", "species.csv"], in: dir.path)
        #expect(info.stdout.contains("0\t30\tsetosa") && info.stdout.contains("2\t30\tvirginica"), "\(info.stdout)")
    }

    @Test func classesAreSelectedByNameAndAnUnknownNameIsOneErrorLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Self.writeSpecies(in: dir)
        let two = try runCLI(["cluster", "species.csv", "--classes", "setosa,Virginica", "--method", "gmm", "--out", "c", "--json", "-q"],
                             in: dir.path)
        #expect(two.status == 0, "\(two.stderr)")
        let report = try Self.json(two)
        #expect(report["n"] as? Int == 60 && report["k"] as? Int == 2 && report["classes"] as? Int == 2)
        #expect((report["accuracy"] as? Double ?? 0) > 0.95, "\(report)")
        let unknown = try runCLI(["cluster", "species.csv", "--classes", "setosa,cow", "--out", "d"], in: dir.path)
        #expect(unknown.status != 0)
        #expect(unknown.stderr == "Error: --classes: 'cow' is not a class of species.csv (its classes: setosa, versicolor, virginica)\n")
        #expect(!FileManager.default.fileExists(atPath: dir.file("d")))
    }

    @Test func labelsMayComeFromADatasetOrAFileOfWords() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try NPY.write(TestData.random(rows: 10_000, columns: 2, seed: 1), to: dir.file("codes.npy"))
        let digits = try runCLI(["info", "codes.npy", "--labels", "mnist", "--part", "test"], in: dir.path)
        #expect(digits.status == 0, "\(digits.stderr)")
        #expect(digits.stdout.contains("labels:   10 classes") && digits.stdout.contains("9\t1009\t9"), "\(digits.stdout)")
        try NPY.write(TestData.random(rows: 4, columns: 2, seed: 1), to: dir.file("four.npy"))
        try "dog\ncat\ndog\nbird\n".write(toFile: dir.file("words.txt"), atomically: true, encoding: .utf8)
        let words = try runCLI(["info", "four.npy", "--labels", "words.txt"], in: dir.path)
        #expect(words.stdout.contains("0\t1\tbird") && words.stdout.contains("2\t2\tdog"), "\(words.stdout)")
        let short = try runCLI(["info", "four.npy", "--labels", "mnist"], in: dir.path)
        #expect(short.status != 0 && short.stderr.split(separator: "\n").count == 1 && short.stderr.contains("10000 labels"), "\(short.stderr)")
    }

    @Test(arguments: [
        (["--indices", "0,3-5,4"], "Error: --indices: row 4 is selected twice ('3-5' and '4')"),
        (["--indices", "9998-10000"], "Error: --indices: index 10000 is out of range: mnist has 10000 rows (0…9999)"),
        (["--indices", "2,x"], "Error: --indices: 'x' is not a row index or a range (indices are 0, 1, 2, …; e.g. 0,5,10-20)"),
        (["--indices", "1", "--subset", "rows.txt"], "Error: give at most one of --subset, --indices"),
        (["--subset", "bad.txt"], "Error: bad.txt: line 3: '7.5' is not a row index or a range (indices are 0, 1, 2, …; e.g. 0,5,10-20)"),
        (["--subset", "missing.txt"], "Error: missing.txt: no such file"),
    ])
    func badRowSelectionsAreOneErrorLine(arguments: [String], message: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try "index\n3\n7.5\n".write(toFile: dir.file("bad.txt"), atomically: true, encoding: .utf8)
        let r = try runCLI(["info", "mnist"] + arguments, in: dir.path)
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").first.map(String.init) == message, "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }.count == 1)
    }

    @Test func rowsAreSelectedInTheOrderGivenBeforeClasses() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let digits = try Dataset.mnist().labels!
        let r = try runCLI(["tsne", "mnist", "--indices", "100-199,0-99", "--classes", "3,5", "--perplexity", "5", "--iterations", "30",
                            "--out", "e.npy", "-q"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let expected = (Array(100..<200) + Array(0..<100)).filter { digits[$0] == 3 || digits[$0] == 5 }
        #expect(try MatrixIO.readLabelledMatrix(dir.file("e.npy")).labels?.values == expected.map { digits[$0] })
        #expect(try MatrixIO.readMatrix(dir.file("e.npy")).rows == expected.count)
    }

    @Test func anUnlabelledRunRemovesTheLabelsOfAnEarlierOne() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let first = try runCLI(["tsne", "mnist", "--indices", "0-59", "--perplexity", "5", "--iterations", "30", "--out", "e.npy", "-q"],
                               in: dir.path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(dir.contents() == ["e.classes.txt", "e.labels.npy", "e.npy"])
        try NPY.write(TestData.random(rows: 60, columns: 5, seed: 2), to: dir.file("x.npy"))
        let second = try runCLI(["tsne", "x.npy", "--perplexity", "5", "--iterations", "30", "--out", "e.npy", "-q"], in: dir.path)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(dir.contents() == ["e.npy", "x.npy"])
    }

    @Test func tooFewClassNamesIsOneWarningLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Self.writeSpecies(in: dir, perClass: 10)
        let t = try runCLI(["tsne", "species.csv", "--perplexity", "5", "--iterations", "30", "--out", "e.npy", "-q"], in: dir.path)
        #expect(t.status == 0, "\(t.stderr)")
        let r = try runCLI(["plot", "scatter", "e.npy", "--class-names", "first,second", "--out", "s.png", "--dpi", "30"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let warnings = r.stderr.split(separator: "\n").filter { $0.hasPrefix("warning:") }
        #expect(warnings == ["warning: --class-names: 2 class names for labels up to 2: class 2 keeps its number"], "\(r.stderr)")
        let enough = try runCLI(["plot", "scatter", "e.npy", "--class-names", "a,b,c", "--out", "s.png", "--dpi", "30"], in: dir.path)
        #expect(!enough.stderr.contains("warning"), "\(enough.stderr)")
    }

    @Test func splitOutNeedsAValidationSplit() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let r = try runCLI(["train", "mnist", "--subsample", "50", "--layers", "784-4", "--epochs", "1", "--split-out", "h.txt", "-q"],
                           in: dir.path)
        #expect(r.status != 0)
        #expect(r.stderr == "Error: --split-out needs --val-split (nothing is held out without it)\n")
        #expect(dir.contents().isEmpty)
    }
}
