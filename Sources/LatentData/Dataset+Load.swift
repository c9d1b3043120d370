import Foundation
import LatentCore

extension Dataset {
    /// Loads a dataset by name (`mnist`, `fashion-mnist`) or from a file.
    ///
    /// Files are recognised by their extension (a trailing `.gz` is allowed):
    /// - IDX (`…-idx3-ubyte`, `.idx`): the labels file beside it is found by replacing
    ///   `images-idx3` with `labels-idx1`.
    /// - `.npy`: a 2-D array of samples, or an N-D stack of images (N × 28 × 28 → N × 784 with
    ///   an image shape); labels from `labels`, else from the labels file written beside it
    ///   (`codes.npy` → `codes.labels.npy`, see `LabelSet.sidecarPath(besideMatrix:)`).
    /// - `.npz`: the samples and labels members chosen by `NPZArchive.selection(part:)`
    ///   (`x`/`images`/`data` and `y`/`labels`, optionally `_train`/`_test`); string labels
    ///   become classes named by the strings.
    /// - `.csv`, `.tsv`, `.txt`: a numeric table; the label column is chosen by `labelColumn`
    ///   (see `CSV.read(_:labelColumn:)` and `CSVTable.labelColumn(_:path:)` for the
    ///   automatic rule) and may hold numbers or words.
    ///
    /// Class names come from the labels (a dataset's, or the words of string labels), else
    /// from the `.classes.txt` file beside the data (`codes.classes.txt`).
    ///
    /// Pixel scaling: IDX and `uint8` arrays are divided by 255; other data with at least 64
    /// columns is divided by 255 when every value is a whole number in 0–255 and some value
    /// exceeds 1 (such CSV data with a square number of columns also gets a square image
    /// shape). Everything else is kept as it is; `source` says what was done. NaN or infinity
    /// anywhere is an error naming the file and the position.
    ///
    /// ```swift
    /// let digits = try Dataset.load("mnist")
    /// let train = try Dataset.load("mnist.npz", part: .train)     // x_train, y_train
    /// let codes = try Dataset.load("codes.npy", labels: "labels.txt")
    /// let test = try Dataset.load("codes.npy", part: .test, labels: "fashion-mnist")  // part of the labels
    /// ```
    ///
    /// - Parameters:
    ///   - spec: a dataset name or a path.
    ///   - part: for datasets with a train/test split, which part (default: all). When the
    ///     data file has no parts but the labels source has, the part selects the labels.
    ///   - labelsPath: labels in any form `LabelSet.load` reads (a dataset name, IDX, `.npy`,
    ///     `.npz`, `.csv`, `.txt`; one label per sample) that replace any labels of the data.
    ///   - labelColumn: for CSV files, which column holds the labels.
    /// - Throws: `DataError` naming the file and what is wrong with it.
    public static func load(_ spec: String, part: DatasetPart = .all, labels labelsPath: String? = nil,
                            labelColumn: CSVLabelColumn = .automatic) throws -> Dataset {
        let labelsHaveParts = labelsPath.map(hasParts) ?? false
        let dataPart = hasParts(spec) || !labelsHaveParts ? part : .all
        var dataset: Dataset
        switch spec.lowercased() {
        case "mnist":
            guard dataPart != .train else {
                throw DataError.invalidArgument("mnist: the bundled MNIST is the 10,000-digit test set; it has no train part")
            }
            dataset = try mnist()
        case "fashion-mnist", "fashion":
            dataset = try fashionMNIST(part: dataPart)
        default:
            try checkExists(spec)
            dataset = try loadFile(spec, part: dataPart, labelColumn: labelColumn)
        }
        let isFile = !knownNames.contains(spec.lowercased()) && spec.lowercased() != "fashion"
        if let labelsPath {
            // `labelColumn` picks DATA's label column when DATA is a CSV table, else the labels
            // file's (a CSV of several columns given as --labels).
            let dataIsTable = [".csv", ".csv.gz"].contains { spec.lowercased().hasSuffix($0) }
            let labels = try LabelSet.load(labelsPath, part: labelsHaveParts ? part : .all,
                                           column: dataIsTable ? .automatic : labelColumn)
            guard labels.count == dataset.count else {
                throw DataError.countMismatch(images: spec, labels: labelsPath, imageCount: dataset.count, labelCount: labels.count)
            }
            dataset.labels = labels.values
            dataset.classNames = labels.classNames
        } else if isFile, dataset.labels == nil, let labels = try LabelSet.sidecar(besideMatrix: spec, rows: dataset.count) {
            dataset.labels = labels.values
            dataset.classNames = labels.classNames
            dataset.source = (dataset.source ?? "") + "; labels from \(LabelSet.sidecarPath(besideMatrix: spec))"
        }
        if isFile, dataset.labels != nil, dataset.classNames == nil {
            dataset.classNames = try LabelSet.sidecarClassNames(besideMatrix: spec)
        }
        // Labels are class numbers for every command alike: negative ones are refused here, once.
        if let labels = dataset.labels, let row = labels.firstIndex(where: { $0 < 0 }) {
            throw DataError.invalidValue(path: labelsPath ?? spec,
                                         reason: "label \(labels[row]) at row \(row) is negative; labels must be class numbers 0, 1, 2, …")
        }
        return dataset
    }

    /// True when `spec` names something with train/test parts: Fashion-MNIST or an `.npz`
    /// archive (the bundled MNIST is one part, but takes `part` to refuse `train`).
    static func hasParts(_ spec: String) -> Bool {
        ["mnist", "fashion-mnist", "fashion"].contains(spec.lowercased()) || MatrixIO.fileExtension(spec) == "npz"
    }

    /// Throws unless `spec` is an existing file: a bare word that is not one is taken for a
    /// misspelt dataset name.
    static func checkExists(_ spec: String) throws {
        guard FileManager.default.fileExists(atPath: spec) else {
            if !spec.contains("/") && !spec.contains(".") {
                throw DataError.unknownDataset(name: spec, known: knownNames)
            }
            throw DataError.fileNotFound(path: spec)
        }
    }

    /// Loads a file by its extension.
    static func loadFile(_ path: String, part: DatasetPart, labelColumn: CSVLabelColumn) throws -> Dataset {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let ext = MatrixIO.fileExtension(path)
        if ext == "npz" { return try loadNPZ(path, name: name, part: part) }
        if part != .all {
            throw DataError.invalidArgument("\(path): has no train/test parts (part \(part.rawValue) applies to fashion-mnist and to .npz archives with _train/_test members)")
        }
        switch ext {
        case "npy":
            let array = try NPY.read(path)
            try IDX.checkMemory(floats: array.count, path: path)
            var samples = array.matrix()
            let note = try scalePixels(&samples, elementType: array.elementType, path: path, stored: array.floatValue(at:))
            var d = Dataset(name: name, samples: samples, imageShape: array.imageShape)
            d.source = "NPY \(array.descriptor) \(array.shape.map(String.init).joined(separator: "×"))" + note
            return d
        case "csv", "tsv", "txt":
            return try loadCSV(path, name: name, labelColumn: labelColumn)
        default:
            break
        }
        if name.lowercased().contains("idx3") || ext == "idx" {
            // The labels beside the images, gzip'd or not whichever the images are.
            let labelsName = name.replacingOccurrences(of: "images-idx3", with: "labels-idx1")
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            let candidates = [labelsName, labelsName.hasSuffix(".gz") ? String(labelsName.dropLast(3)) : labelsName + ".gz"]
                .map { folder.appendingPathComponent($0).path }
            if labelsName != name, let labelsPath = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
                return try IDX.readLabelled(images: path, labels: labelsPath, name: name)
            }
            let (images, shape) = try IDX.readImages(path)
            var d = Dataset(name: name, samples: images, imageShape: shape)
            d.source = "IDX uint8 \(images.rows)×\(shape.height)×\(shape.width), no labels file beside it; pixels ÷ 255"
            return d
        }
        throw DataError.malformed(path: path, reason: "unrecognised file type (expected IDX, .npy, .npz, .csv, .tsv or .txt)")
    }

    static func loadNPZ(_ path: String, name: String, part: DatasetPart) throws -> Dataset {
        let archive = try NPZ.read(path)
        let selected = try archive.selection(part: part).samples
        try IDX.checkMemory(floats: selected.reduce(0) { MemoryEstimate.sum($0, archive[$1]?.count ?? 0) }, path: path)
        var (samples, imageShape, labels, elementType) = try archive.samples(part: part)
        let note = try scalePixels(&samples, elementType: elementType, path: path,
                                   stored: archive.storedValue(members: try archive.selection(part: part).samples))
        var d = Dataset(name: name, samples: samples, labels: labels?.values, imageShape: imageShape, classNames: labels?.classNames)
        let (sampleNames, labelNames) = try archive.selection(part: part)
        d.source = "NPZ samples \(sampleNames.joined(separator: " + "))"
            + (labelNames.map { ", labels \($0.joined(separator: " + "))" } ?? ", no labels") + " of: \(archive.memberSummary)" + note
        return d
    }

    static func loadCSV(_ path: String, name: String, labelColumn: CSVLabelColumn) throws -> Dataset {
        var table = try CSV.read(path, labelColumn: labelColumn)
        var samples: Matrix
        var labels: [Int]?
        var classNames: [String]?
        let columns = table.values.columns + (table.labelText == nil ? 0 : 1)
        var source = "CSV \(table.values.rows) rows × \(columns) columns\(table.columnNames == nil ? "" : " after a header")"
        if let text = table.labelText {
            guard table.values.columns >= 1 else {
                throw DataError.invalidArgument("\(path): the label column is the only column; no samples are left")
            }
            let read = try LabelSet(cells: text.cells, path: path, lineNumbers: table.lineNumbers, column: text.column + 1)
            (labels, classNames) = (read.values, read.classNames)
            samples = table.values
            table.values = Matrix(rows: 0, columns: 0)
            let named = table.columnNames.map { " '\($0[text.column])'" } ?? ""
            source += "; labels from column \(text.column + 1)\(named)\(labelColumn == .automatic ? " (detected)" : "")"
                + (classNames == nil ? "" : ", \(classNames!.count) classes named by its words")
        } else if let column = try table.labelColumn(labelColumn, path: path) {
            guard table.values.columns >= 2 else {
                throw DataError.invalidArgument("\(path): the label column is the only column; no samples are left")
            }
            (samples, labels) = try table.splittingLabels(at: column, path: path)
            let named = table.columnNames.map { " '\($0[column])'" } ?? ""
            source += "; labels from column \(column + 1)\(named)\(labelColumn == .automatic ? " (detected)" : "")"
        } else {
            source += "; no label column"
            // Move the values out, so that scaling them in place does not copy them.
            samples = table.values
            table.values = Matrix(rows: 0, columns: 0)
        }
        let note = try scalePixels(&samples, elementType: nil, path: path)
        source += note
        var shape: TensorShape?
        let side = Int(Double(samples.columns).squareRoot().rounded())
        if !note.isEmpty && side > 1 && side * side == samples.columns { shape = TensorShape(height: side, width: side) }
        var d = Dataset(name: name, samples: samples, labels: labels, imageShape: shape, classNames: classNames)
        d.source = source
        return d
    }

    /// Checks `samples` for NaN and infinity, and divides them by 255 in place when they are
    /// 8-bit pixels (`uint8`, or `looksLikePixels`).
    /// - Returns: a note for `source` saying what was done (empty when nothing).
    ///   `stored` gives the file's value at a flat index, to tell a double beyond Float32's range
    ///   from a stored infinity.
    static func scalePixels(_ samples: inout Matrix, elementType: NPYElementType?, path: String,
                            stored: ((Int) -> Double)? = nil) throws -> String {
        let summary = samples.valueSummary()
        try checkFinite(samples, summary, path: path, stored: stored)
        guard elementType == .uint8 || looksLikePixels(samples, summary) else { return "" }
        divideBy255(&samples)
        return "; pixels ÷ 255"
    }

    /// Throws naming the first NaN or infinity that `summary` (of `samples`) found.
    static func checkFinite(_ samples: Matrix, _ summary: ValueSummary, path: String, stored: ((Int) -> Double)? = nil) throws {
        guard let (i, j) = summary.firstNonFinite else { return }
        if let value = stored?(i * samples.columns + j), value.isFinite {
            throw DataError.invalidValue(path: path, reason: "row \(i + 1), column \(j + 1) (index [\(i), \(j)]): \(value) does not fit in Float32 (largest magnitude about 3.4e38); scale the data down")
        }
        let what = samples[i, j].isNaN ? "NaN" : "infinity"
        throw DataError.invalidValue(path: path, reason: "row \(i + 1), column \(j + 1) (index [\(i), \(j)]): \(what) is not allowed")
    }

    /// Divides every value by 255 (as IDX bytes are, so equal pixels give equal floats).
    static func divideBy255(_ m: inout Matrix) {
        let n = m.count
        m.withUnsafeMutableBufferPointer { p in
            let values = UnsafeSendable(p)
            Parallel.forEachChunk(count: n, chunks: Parallel.defaultChunks(for: n, minimumPerChunk: 1 << 16)) { _, r in
                for k in r { values.value[k] /= 255 }
            }
        }
    }

    /// Rows with fewer values are not taken for images (an 8×8 image has 64).
    static let minimumPixelColumns = 64

    /// True when the matrix looks like 8-bit pixels: at least `minimumPixelColumns` columns,
    /// every value a whole number in 0–255, and some value above 1.
    static func looksLikePixels(_ m: Matrix, _ summary: ValueSummary) -> Bool {
        m.columns >= minimumPixelColumns && summary.allBytes && (summary.range?.max ?? 0) > 1
    }
}
