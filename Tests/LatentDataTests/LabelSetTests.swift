import Foundation
import LatentCore
@testable import LatentData
import Testing
import TestSupport

@Suite struct LabelSetTests {
    private func write(_ text: String, _ path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func wordsBecomeClassesInSortedOrderWhateverTheRowOrder() {
        let a = LabelSet(words: ["dog", "cat", "dog", "bird"])
        #expect(a.classNames == ["bird", "cat", "dog"])
        #expect(a.values == [2, 1, 2, 0])
        // The same words in another order keep their class numbers.
        let b = LabelSet(words: ["cat", "bird", "dog", "dog"])
        #expect(b.classNames == a.classNames)
        #expect(b.values == [1, 0, 2, 2])
        // Code-point order: capitals before small letters, as numpy.unique sorts.
        #expect(LabelSet(words: ["b", "B", "a"]).classNames == ["B", "a", "b"])
    }

    @Test func cellsThatAreAllNumbersStayNumbersAndAnyWordMakesWords() throws {
        #expect(try LabelSet(cells: ["3", "1", "3.0", "1e1"], path: "p").values == [3, 1, 3, 10])
        #expect(try LabelSet(cells: ["3", "1"], path: "p").classNames == nil)
        let mixed = try LabelSet(cells: ["1", "other", "1"], path: "p")
        #expect(mixed.classNames == ["1", "other"] && mixed.values == [0, 1, 0])
        let fraction = #expect(throws: DataError.self) { try LabelSet(cells: ["1", "0.5"], path: "p", lineNumbers: [2, 3], column: 4) }
        #expect(fraction?.description == "p: line 3, column 4: label 0.5 is not a whole number")
    }

    @Test func textFileOfWordsHasNoHeaderUnlessTheLineNamesTheColumn() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try write("cat\ndog\ncat\n", dir.file("plain.txt"))
        let plain = try LabelSet.load(dir.file("plain.txt"))
        #expect(plain.values == [0, 1, 0] && plain.classNames == ["cat", "dog"], "the first word is a label, not a header")
        try write("label\nAnkle boot\n\"T-shirt, top\"\nAnkle boot\n", dir.file("named.csv"))
        let named = try LabelSet.load(dir.file("named.csv"))
        #expect(named.classNames == ["Ankle boot", "T-shirt, top"] && named.values == [0, 1, 0])
        try write("label\n2\n0\n", dir.file("numbers.csv"))
        #expect(try LabelSet.load(dir.file("numbers.csv")) == LabelSet([2, 0]))
    }

    @Test func tableWithSeveralColumnsGivesItsLabelColumn() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try write("id,species\n0,setosa\n1,virginica\n2,setosa\n", dir.file("iris.csv"))
        let iris = try LabelSet.load(dir.file("iris.csv"))
        #expect(iris.values == [0, 1, 0] && iris.classNames == ["setosa", "virginica"])
        try write("a,b\n1,2\n3,4\n", dir.file("two.csv"))
        let two = #expect(throws: DataError.self) { try LabelSet.load(dir.file("two.csv")) }
        #expect(two?.description.contains("found 2 columns") == true)
    }

    @Test func npyStringArraysInBothEncodingsAreRead() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try NPY.encode(text: ["Coat", "Bag", "Coat", "Süß"]).write(to: URL(fileURLWithPath: dir.file("u.npy")))
        let u = try LabelSet.load(dir.file("u.npy"))
        #expect(u.classNames == ["Bag", "Coat", "Süß"] && u.values == [1, 0, 1, 2])
        // |S3 bytes, NUL-padded, as np.array([b'ab', b'c']) saves them.
        var bytes = NPY.header(descriptor: "|S3", shape: [3])
        bytes.append(contentsOf: Array("ab\0c\0\0ab\0".utf8))
        try bytes.write(to: URL(fileURLWithPath: dir.file("s.npy")))
        let s = try LabelSet.load(dir.file("s.npy"))
        #expect(s.classNames == ["ab", "c"] && s.values == [0, 1, 0])
        // Strings are labels, never samples.
        let samples = #expect(throws: DataError.self) { try Dataset.load(dir.file("u.npy")) }
        #expect(samples?.description.contains("read only as labels") == true)
    }

    @Test func objectArraysAreRefusedWithTheFix() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var bytes = NPY.header(descriptor: "|O", shape: [2])
        bytes.append(Data(count: 16))
        try bytes.write(to: URL(fileURLWithPath: dir.file("o.npy")))
        let error = #expect(throws: DataError.self) { try LabelSet.load(dir.file("o.npy")) }
        #expect(error?.description.contains("astype(str)") == true)
    }

    @Test func npzWithStringLabelsGivesClassNamesToTheDataset() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let x = TestData.random(rows: 4, columns: 3, seed: 1)
        try zipArchive([ZipMember(name: "x.npy", content: NPY.encode(x), deflated: true),
                        ZipMember(name: "y.npy", content: NPY.encode(text: ["dog", "cat", "cat", "dog"]), deflated: false)])
            .write(to: URL(fileURLWithPath: dir.file("d.npz")))
        let d = try Dataset.load(dir.file("d.npz"))
        #expect(d.labels == [1, 0, 0, 1] && d.classNames == ["cat", "dog"] && d.samples == x)
        #expect(try LabelSet.load(dir.file("d.npz")) == LabelSet([1, 0, 0, 1], classNames: ["cat", "dog"]))
    }

    @Test func npzTrainAndTestLabelsAreOnePart() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let x = TestData.random(rows: 2, columns: 3, seed: 1)
        try zipArchive([ZipMember(name: "x_train.npy", content: NPY.encode(x), deflated: false),
                        ZipMember(name: "y_train.npy", content: NPY.encode(labels: [4, 2]), deflated: false),
                        ZipMember(name: "x_test.npy", content: NPY.encode(x), deflated: false),
                        ZipMember(name: "y_test.npy", content: NPY.encode(labels: [7, 1]), deflated: false)])
            .write(to: URL(fileURLWithPath: dir.file("d.npz")))
        #expect(try LabelSet.load(dir.file("d.npz"), part: .test).values == [7, 1])
        #expect(try LabelSet.load(dir.file("d.npz")).values == [4, 2, 7, 1])
    }

    @Test func bundledMNISTLabelsMatchTheDataset() throws {
        let labels = try LabelSet.load("mnist")
        let digits = try Dataset.mnist()
        #expect(labels.values == digits.labels && labels.classNames == Dataset.digitClassNames)
        #expect(throws: DataError.self) { try LabelSet.load("mnist", part: .train) }
        let unknown = #expect(throws: DataError.self) { try LabelSet.load("mnsit") }
        #expect(unknown?.description.contains("unknown dataset 'mnsit'") == true)
    }

    @Test func idxLabelsFileIsRead() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try idxBytes(dims: [4], payload: [3, 0, 9, 3]).write(to: URL(fileURLWithPath: dir.file("t-labels-idx1-ubyte")))
        #expect(try LabelSet.load(dir.file("t-labels-idx1-ubyte")).values == [3, 0, 9, 3])
    }

    @Test func datasetTakesLabelsFromAnySourceAndThePartGoesToTheLabels() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let codes = TestData.random(rows: 10_000, columns: 2, seed: 5)
        try NPY.write(codes, to: dir.file("codes.npy"))
        let d = try Dataset.load(dir.file("codes.npy"), part: .test, labels: "mnist")
        #expect(d.labels == (try Dataset.mnist()).labels && d.classNames == Dataset.digitClassNames)
        // A part for data and labels that both have none is still an error.
        try NPY.write(labels: Array(repeating: 1, count: 10_000), to: dir.file("y.npy"))
        #expect(throws: DataError.self) { try Dataset.load(dir.file("codes.npy"), part: .test, labels: dir.file("y.npy")) }
    }

    @Test func csvDataWithAWordLabelColumnGetsClassNames() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try write("sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n4.9,1.4,setosa\n", dir.file("iris.csv"))
        let iris = try Dataset.load(dir.file("iris.csv"))
        #expect(iris.labels == [0, 1, 2, 0] && iris.classNames == ["setosa", "versicolor", "virginica"])
        #expect(iris.samples == (try Matrix([[5.1, 1.4], [7.0, 4.7], [6.3, 6.0], [4.9, 1.4]])))
        // Without a header, a first line whose only word is the label is data too.
        try write("setosa,5.1,1.4\nvirginica,6.3,6.0\n", dir.file("bare.csv"))
        let bare = try Dataset.load(dir.file("bare.csv"))
        #expect(bare.count == 2 && bare.labels == [0, 1] && bare.classNames == ["setosa", "virginica"])
        // A word in a later line of a numeric label column is named, not guessed.
        try write("label,a\n1,0.5\ncat,0.25\n", dir.file("late.csv"))
        #expect(try Dataset.load(dir.file("late.csv")).classNames == ["1", "cat"])
        try write("a,b\n1,0.5\n2,oops\n", dir.file("bad.csv"))
        let bad = #expect(throws: DataError.self) { try Dataset.load(dir.file("bad.csv")) }
        #expect(bad?.description == "\(dir.file("bad.csv")): line 3, column 2: 'oops' is not a number")
    }

    @Test func csvLabelColumnChosenByIndexMayHoldWords() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try write("x,y,kind\n1,2,b\n3,4,a\n", dir.file("k.csv"))
        let d = try Dataset.load(dir.file("k.csv"), labelColumn: .index(-1))
        #expect(d.labels == [1, 0] && d.classNames == ["a", "b"] && d.dimension == 2)
        let named = try Dataset.load(dir.file("k.csv"), labelColumn: .name("KIND"))
        #expect(named.labels == [1, 0])
    }

    @Test func classNamesInlineFromAFileOrBuiltIn() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        #expect(try LabelSet.parseClassNames("cat, dog,bird") == ["cat", "dog", "bird"])
        #expect(try LabelSet.parseClassNames("fashion-mnist").count == 10)
        try write("zero\none\n\n", dir.file("names.txt"))
        #expect(try LabelSet.parseClassNames(dir.file("names.txt")) == ["zero", "one"])
        #expect(throws: DataError.self) { try LabelSet.parseClassNames(dir.file("missing.txt")) }
        #expect(throws: DataError.self) { try LabelSet.parseClassNames("a,,b") }
    }

    @Test func tooFewClassNamesIsOneWarningLine() throws {
        #expect(LabelSet.namingShortfall(["a", "b", "c"], labels: [0, 1, 2]) == nil)
        let warning = try #require(LabelSet.namingShortfall(["a", "b"], labels: [0, 1, 2, 4, 2]))
        #expect(warning == "2 class names for labels up to 4: classes 2, 4 keep their numbers")
        #expect(!warning.contains("\n"))
    }

    @Test func classesAreSelectedByNameOrNumber() throws {
        let d = Dataset(name: "d", samples: TestData.random(rows: 6, columns: 2, seed: 2), labels: [0, 1, 2, 0, 1, 2],
                        classNames: ["cat", "dog", "bird"])
        #expect(try d.classLabels(["Dog", "2"]) == [1, 2])
        let kept = try d.selecting(classes: try d.classLabels(["bird"]))
        #expect(kept.labels == [2, 2] && kept.samples == d.samples.rows(at: [2, 5]) && kept.rowNumbers == [2, 5])
        let error = #expect(throws: DataError.self) { try d.classLabels(["cow"]) }
        #expect(error?.description == "--classes: 'cow' is not a class of d (its classes: cat, dog, bird)")
    }
}
