import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

extension LatentMapCommand {
    struct Plot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw figures (SVG, PNG or PDF, chosen by the --out extension) or an interactive HTML map.",
            subcommands: [Scatter.self, Gallery.self, Thumbnails.self, Loss.self, Confusion.self, Interactive.self])
    }
}

// MARK: - Shared options

/// Where a figure goes and at what resolution.
struct FigureOutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Output file: .svg, .png or .pdf.", valueName: "file"))
    var out: String

    @Option(help: "Dots per inch of PNG output.")
    var dpi: Double = defaultDPI

    @Option(help: "Figure width in points (1/72 inch); default: the figure's own.")
    var width: Double?

    @Option(help: "Figure height in points (1/72 inch); default: the figure's own.")
    var height: Double?

    @Flag(name: .shortAndLong, help: "Print nothing.")
    var quiet = false

    func validate() throws {
        do { _ = try OutputFormat(path: out) } catch let error as OutputError { throw ValidationError(error.description) }
        guard dpi >= 10, dpi <= 2400 else { throw ValidationError("--dpi must be between 10 and 2400, got \(dpi)") }
        for (name, v) in [("--width", width), ("--height", height)] {
            if let v, !(v >= 50 && v <= 5000) { throw ValidationError("\(name) must be between 50 and 5000 points, got \(v)") }
        }
    }

    /// Writes `figure` and reports the file on standard error.
    func write(_ figure: some Figure) throws {
        try figure.write(to: out, dpi: dpi)
        if !quiet { ProgressBar.note("wrote \(out)") }
    }
}

/// `--class-names`: `digits`, `fashion-mnist`, or a file with one name per line.
func resolveClassNames(_ spec: String?) throws -> [String]? {
    guard let spec else { return nil }
    switch spec.lowercased() {
    case "digits", "mnist": return ClassNames.digits
    case "fashion-mnist", "fashion": return Dataset.fashionClassNames
    default: return try ClassNames.read(from: spec)
    }
}

/// Parses `28x28` (or `28×28`, `28,28`) into height and width.
func parseImageShape(_ text: String) throws -> (height: Int, width: Int) {
    let parts = text.split(whereSeparator: { "x×,".contains($0) }).compactMap { Int($0) }
    guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
        throw ValidationError("--image-shape must be HEIGHTxWIDTH (e.g. 28x28), got '\(text)'")
    }
    return (parts[0], parts[1])
}

/// The image shape of `data`: `--image-shape`, the dataset's own, or square.
func imageShape(of data: Dataset, given: String?) throws -> (height: Int, width: Int) {
    if let given { return try parseImageShape(given) }
    if let s = data.imageShape, s.channels == 1 { return (s.height, s.width) }
    let side = Int(Double(data.dimension).squareRoot().rounded())
    guard side * side == data.dimension else {
        throw PlotError.invalidArgument("\(data.name): \(data.dimension) values per sample is not a square image; give --image-shape HEIGHTxWIDTH")
    }
    return (side, side)
}

/// `--labels FILE` of a figure command: one class per point of `embedding`, else one error line.
func readPointLabels(_ path: String?, points: Int, of embedding: String) throws -> [Int]? {
    guard let path else { return nil }
    let classes = try MatrixIO.readLabels(path)
    guard classes.count == points else {
        throw PlotError.lengthMismatch(what: "\(path): labels for the \(points) points of \(embedding)", expected: points, got: classes.count)
    }
    return classes
}

/// `--values FILE` of a figure command: one value per line (and, when `points` is given, one per
/// point of `embedding`), else one error line.
func readPointValues(_ path: String, points: Int?, of embedding: String) throws -> [Float] {
    let v = try MatrixIO.readMatrix(path)
    guard v.columns == 1 else { throw PlotError.invalidArgument("\(path): expected one value per line, found \(v.columns) columns") }
    if let points, v.rows != points {
        throw PlotError.lengthMismatch(what: "\(path): values for the \(points) points of \(embedding)", expected: points, got: v.rows)
    }
    return v.elements
}

enum PaletteChoice: String, ExpressibleByArgument, CaseIterable {
    case tab10, colorblind
    var palette: Palette { self == .tab10 ? .tab10 : .colorBlindSafe }
}

enum AxesChoice: String, ExpressibleByArgument, CaseIterable {
    case hidden, frame, ticks
    var style: ScatterPlot.AxesStyle {
        switch self {
        case .hidden: return .hidden
        case .frame: return .frame
        case .ticks: return .ticks
        }
    }
}

enum PointsChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, vector, raster
}

// MARK: - scatter

extension LatentMapCommand.Plot {
    struct Scatter: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scatter plot of a 2-D or 3-D embedding, coloured by class or by a value.",
            discussion: """
                EMBEDDING is a .npy or .csv matrix, one point per row. Examples:
                  latentmap plot scatter emb.npy --labels labels.npy --class-names digits --out mnist.svg
                  latentmap plot scatter emb.csv --values errors.csv --value-label "error" --out err.png --dpi 300
                """)

        @Argument(help: "The embedding (.npy or .csv), N × 2 or N × 3.")
        var embedding: String

        @Option(help: ArgumentHelp("Class labels, one per point (.npy, .csv or .txt).", valueName: "file"))
        var labels: String?

        @Option(help: ArgumentHelp("Class names: digits, fashion-mnist, or a file with one name per line.", valueName: "names"))
        var classNames: String?

        @Option(help: ArgumentHelp("Colour by these values, one per point, with a colour bar.", valueName: "file"))
        var values: String?

        @Option(help: "The colour bar's label.")
        var valueLabel: String?

        @Option(help: "Title above the plot.")
        var title: String?

        @Option(help: "Class colours: tab10 or colorblind.")
        var palette: PaletteChoice = .tab10

        @Option(help: "Axes: hidden, frame or ticks.")
        var axes: AxesChoice = .hidden

        @Flag(help: "Write each class's name at the median of its points.")
        var clusterLabels = false

        @Flag(help: "Leave out the legend or colour bar.")
        var noLegend = false

        @Option(help: "Point radius in points (default: chosen from N).")
        var pointSize: Double?

        @Option(help: "Point opacity in (0, 1] (default: chosen from N).")
        var opacity: Double?

        @Option(help: ArgumentHelp("For 3-D embeddings: the two columns to show, e.g. 0,2.", valueName: "i,j"))
        var dims: String?

        @Flag(help: "For 3-D embeddings: one plot per pair of axes, side by side.")
        var pairs = false

        @Option(help: "Point layer of SVG/PDF: auto (bitmap above 20,000 points), vector or raster.")
        var points: PointsChoice = .auto

        @Option(help: "Seed of the drawing order.")
        var seed: UInt64 = 0

        @OptionGroup var output: FigureOutputOptions

        func validate() throws {
            if labels != nil && values != nil { throw ValidationError("give --labels or --values, not both") }
            if dims != nil && pairs { throw ValidationError("give --dims or --pairs, not both") }
            _ = try parsedDims()
        }

        func parsedDims() throws -> (Int, Int)? {
            guard let dims else { return nil }
            let p = dims.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard p.count == 2, p[0] >= 0, p[1] >= 0, p[0] != p[1] else {
                throw ValidationError("--dims must be two different 0-based columns like 0,2, got '\(dims)'")
            }
            return (p[0], p[1])
        }

        func run() throws {
            let coordinates = try MatrixIO.readMatrix(embedding)
            if coordinates.columns > 3 && dims == nil {
                throw PlotError.invalidArgument("\(embedding) has \(coordinates.columns) columns; a scatter plot takes N × 2 or N × 3 (choose two columns with --dims i,j)")
            }
            let classes = try readPointLabels(labels, points: coordinates.rows, of: embedding)
            var plot = ScatterPlot(coordinates, labels: classes)
                .palette(palette.palette).axes(axes.style).clusterLabels(clusterLabels).legend(!noLegend).shuffled(seed: seed)
            if let values {
                plot = plot.colored(by: try readPointValues(values, points: nil, of: embedding), label: valueLabel)
            }
            if let names = try resolveClassNames(classNames) { plot = plot.classNames(names) }
            if let title { plot = plot.titled(title) }
            if let pointSize { plot = plot.pointSize(pointSize) }
            if let opacity { plot = plot.opacity(opacity) }
            if let (i, j) = try parsedDims() { plot = plot.projection(.columns(i, j)) }
            switch points {
            case .auto: break
            case .vector: plot = plot.pointRendering(.vector)
            case .raster: plot = plot.pointRendering(.raster)
            }
            if let w = output.width ?? output.height.map({ _ in plot.size.width }),
               let h = output.height ?? output.width.map({ _ in plot.size.height }) {
                plot = plot.size(width: w, height: h)
            }
            if pairs {
                try output.write(plot.pairs())
            } else {
                try output.write(plot)
            }
        }
    }
}

// MARK: - gallery

extension LatentMapCommand.Plot {
    struct Gallery: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A grid of images from a dataset or an image matrix.",
            discussion: """
                Examples:
                  latentmap plot gallery mnist --columns 10 --count 40 --out digits.png
                  latentmap plot gallery samples.npy --image-shape 28x28 --title Samples --out samples.pdf
                """)

        @OptionGroup var data: DataOptions

        @Option(help: "Images per row.")
        var columns: Int = 10

        @Option(help: "Number of images (the first ones, or a seeded random choice with --shuffle).")
        var count: Int = 40

        @Flag(help: "Pick the images at random (seeded) instead of the first ones.")
        var shuffle = false

        @Option(help: "Seed for --shuffle and --subsample.")
        var seed: UInt64 = 0

        @Option(help: ArgumentHelp("Image height and width when the data does not say, e.g. 28x28.", valueName: "HxW"))
        var imageShape: String?

        @Option(help: "Title above the grid.")
        var title: String?

        @Flag(help: "Caption each image with its class name.")
        var captions = false

        @Flag(help: "Black on white instead of white on black.")
        var invert = false

        @Flag(help: "Stretch each image from its own minimum to maximum (for data outside [0, 1]).")
        var normalize = false

        @Option(help: "Width of each image in points.")
        var cellWidth: Double = 36

        @OptionGroup var output: FigureOutputOptions

        func validate() throws {
            guard columns >= 1 else { throw ValidationError("--columns must be at least 1, got \(columns)") }
            guard count >= 1 else { throw ValidationError("--count must be at least 1, got \(count)") }
            guard cellWidth > 0 else { throw ValidationError("--cell-width must be positive, got \(cellWidth)") }
            if let imageShape { _ = try parseImageShape(imageShape) }
        }

        func run() throws {
            var d = try data.load(seed: seed)
            let (h, w) = try LatentMapCLI.imageShape(of: d, given: imageShape)
            guard h * w == d.dimension else {
                throw PlotError.invalidArgument("\(d.name): images of \(h)×\(w) need \(h * w) values per sample, found \(d.dimension)")
            }
            d = shuffle ? d.subsampled(count, seed: seed) : d.prefix(count)
            var g = ImageGallery(d.samples, height: h, width: w, columns: min(columns, d.count))
                .cellWidth(cellWidth).inverted(invert).normalized(normalize ? .perImage : .clamp)
            if let title { g = g.titled(title) }
            if captions, let labels = d.labels { g = g.imageCaptions(labels.map(d.className)) }
            try output.write(g)
        }
    }
}

// MARK: - thumbnails

extension LatentMapCommand.Plot {
    struct Thumbnails: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A scatter plot with small images at a non-overlapping subset of the points.",
            discussion: """
                The images are the dataset's samples, one per row of EMBEDDING:
                  latentmap plot thumbnails emb.npy mnist --out thumbnails.pdf
                """)

        @Argument(help: "The embedding (.npy or .csv), N × 2.")
        var embedding: String

        @OptionGroup var data: DataOptions

        @Option(help: ArgumentHelp("Image height and width when the data does not say, e.g. 28x28.", valueName: "HxW"))
        var imageShape: String?

        @Option(help: ArgumentHelp("Class names: digits, fashion-mnist, or a file with one name per line.", valueName: "names"))
        var classNames: String?

        @Option(help: "Title above the plot.")
        var title: String?

        @Option(help: "Thumbnail width in points.")
        var thumbnailSize: Double = 20

        @Option(help: "At most this many thumbnails.")
        var maximum: Int = 80

        @Option(help: "Seed of the thumbnail choice.")
        var seed: UInt64 = 0

        @OptionGroup var output: FigureOutputOptions

        func run() throws {
            let points = try MatrixIO.readMatrix(embedding)
            let d = try data.load(seed: seed)
            let (h, w) = try LatentMapCLI.imageShape(of: d, given: imageShape)
            var figure = ThumbnailScatter(points, images: d.samples, height: h, width: w, labels: d.labels)
                .thumbnails(size: thumbnailSize, maximumCount: maximum).seed(seed)
            if let names = try resolveClassNames(classNames) ?? d.classNames { figure = figure.classNames(names) }
            if let title { figure = figure.titled(title) }
            if let width = output.width, let height = output.height { figure = figure.size(width: width, height: height) }
            try output.write(figure)
        }
    }
}

// MARK: - loss

extension LatentMapCommand.Plot {
    struct Loss: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Loss (or KL) curves from a history CSV, one line per column.",
            discussion: """
                HISTORY is a CSV with a header, such as `latentmap train --history` writes \
                (epoch,train_loss,val_loss,seconds). The first column is x; every other column \
                except time columns is a line. Empty cells are missing values.
                  latentmap plot loss history.csv --out loss.svg
                """)

        @Argument(help: "The history CSV file.")
        var history: String

        @Option(help: ArgumentHelp("Columns to draw, comma-separated (default: all but x and time).", valueName: "names"))
        var series: String?

        @Flag(help: "Logarithmic y axis.")
        var logY = false

        @Option(help: "Title above the plot.")
        var title: String?

        @Option(help: "Label of the x axis (default: the first column's name).")
        var xLabel: String?

        @Option(help: "Label of the y axis.")
        var yLabel: String = "loss"

        @OptionGroup var output: FigureOutputOptions

        func run() throws {
            let table = try HistoryTable(path: history)
            let wanted = series?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if let wanted {
                for name in wanted where !table.names.contains(name) {
                    throw PlotError.invalidArgument("\(history): no column '\(name)' (columns: \(table.names.joined(separator: ", ")))")
                }
            }
            let timeColumns: Set<String> = ["seconds", "time", "wall", "elapsed"]
            var plot = LinePlot().logarithmicY(logY).axisLabels(x: xLabel ?? table.names[0], y: yLabel)
            for (k, name) in table.names.enumerated().dropFirst() {
                if let wanted { guard wanted.contains(name) else { continue } } else if timeColumns.contains(name.lowercased()) { continue }
                let pairs = zip(table.columns[0], table.columns[k]).compactMap { x, y in x.flatMap { x in y.map { (x, $0) } } }
                guard !pairs.isEmpty else { continue }
                plot = plot.adding(HistoryTable.displayName(name), x: pairs.map(\.0), y: pairs.map(\.1))
            }
            guard !plot.series.isEmpty else { throw PlotError.invalidArgument("\(history): no column with values to draw") }
            if let title { plot = plot.titled(title) }
            if let w = output.width, let h = output.height { plot = plot.size(width: w, height: h) }
            try output.write(plot)
        }
    }
}

/// A CSV of named numeric columns where cells may be empty (a history without validation).
struct HistoryTable {
    var names: [String]
    /// `columns[c][row]`, `nil` for an empty cell.
    var columns: [[Double?]]

    init(path: String) throws {
        let text: String
        do { text = try FileContents.text(path) } catch let failure as FileContents.Failure {
            throw PlotError.cannotRead(path: path, reason: failure.isMissing ? "no such file" : failure.reason)
        }
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard let header = lines.first, lines.count >= 2 else {
            throw PlotError.cannotRead(path: path, reason: "expected a header line and at least one row")
        }
        names = header.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard names.count >= 2 else { throw PlotError.cannotRead(path: path, reason: "expected at least two columns, found \(names.count)") }
        columns = Array(repeating: [], count: names.count)
        for (n, line) in lines.dropFirst().enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == names.count else {
                throw PlotError.cannotRead(path: path, reason: "line \(n + 2) has \(cells.count) cells, the header has \(names.count)")
            }
            for (c, cell) in cells.enumerated() {
                if cell.isEmpty { columns[c].append(nil); continue }
                guard let v = Double(cell), v.isFinite else {
                    throw PlotError.cannotRead(path: path, reason: "line \(n + 2), column '\(names[c])': '\(cell)' is not a finite number")
                }
                columns[c].append(v)
            }
        }
    }

    /// `train_loss` → "training", `val_loss` → "validation"; other names unchanged.
    static func displayName(_ column: String) -> String {
        switch column.lowercased() {
        case "train_loss", "train", "training_loss": return "training"
        case "val_loss", "validation_loss", "val", "validation": return "validation"
        default: return column
        }
    }
}

// MARK: - confusion

extension LatentMapCommand.Plot {
    struct Confusion: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A confusion matrix (counts, true classes down, predictions across) as a heatmap.",
            discussion: "  latentmap plot confusion confusion.csv --class-names digits --out confusion.svg")

        @Argument(help: "The matrix (.npy or .csv), R × C counts.")
        var matrix: String

        @Option(help: ArgumentHelp("Class names: digits, fashion-mnist, or a file with one name per line.", valueName: "names"))
        var classNames: String?

        @Option(help: "Title above the plot.")
        var title: String?

        @OptionGroup var output: FigureOutputOptions

        func run() throws {
            let m = try MatrixIO.readMatrix(matrix)
            let names = try resolveClassNames(classNames)
            var map = Heatmap(m, rowNames: names.map { Array($0.prefix(m.rows)) }, columnNames: names.map { Array($0.prefix(m.columns)) })
                .axisLabels(x: "predicted", y: "true")
            let whole = m.elements.allSatisfy { $0 == $0.rounded() }
            map = map.cellValues(true, decimals: whole ? 0 : 2)
            if let title { map = map.titled(title) }
            try output.write(map)
        }
    }
}
