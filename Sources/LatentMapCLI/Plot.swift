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
    struct Scatter: ParsableCommand, DeclaresAliases {
        static let configuration = CommandConfiguration(
            abstract: "Scatter plot of a 2-D or 3-D embedding, coloured by class or by a value.",
            discussion: """
                EMBEDDING is a .npy or .csv matrix, one point per row. Examples:
                  latentmap plot scatter emb.npy --labels labels.npy --class-names digits \\
                    --out mnist.svg
                  latentmap plot scatter emb.csv --values errors.csv --value-label error \\
                    --out err.png --dpi 300
                """)

        @Argument(help: "The embedding (.npy or .csv), N × 2 or N × 3.") var embedding: String

        @OptionGroup var colors: PointColorOptions
        @Option(help: "Axes: hidden, frame or ticks.") var axes: AxesChoice = .hidden
        @Flag(help: "Write each class's name at the median of its points.") var clusterLabels = false
        @Option(help: "Point radius in points (default: chosen from N).") var pointSize: Double?

        @Option(help: "Point opacity in (0, 1] (default: chosen from N).")
        var opacity: Double?

        @Option(help: ArgumentHelp("The two columns to show (0-based), e.g. 0,2 of a 3-D embedding.", valueName: "i,j"))
        var pair: String?

        @Flag(help: "For 3-D embeddings: one plot per pair of axes, side by side.") var pairs = false

        @Option(help: "Point layer of SVG/PDF: auto (bitmap above 20,000 points), vector or raster (or --rasterize-points).")
        var points: PointsChoice = .auto

        @Option(help: "Title of the x axis (shown with any --axes).")
        var xLabel: String?

        @Option(help: "Title of the y axis (shown with any --axes).")
        var yLabel: String?

        @OptionGroup var seed: SeedOptions
        @OptionGroup var output: FigureOutputOptions
        @OptionGroup var runtime: RuntimeOptions

        static let aliases = OptionAlias.renaming(["dims"], to: "pair")

        func validate() throws {
            if colors.labels != nil && colors.values != nil { throw CLIError("give --labels or --values, not both") }
            if pair != nil && pairs { throw CLIError("give --pair or --pairs, not both") }
            _ = try parsedPair()
        }

        func parsedPair() throws -> (Int, Int)? {
            guard let pair else { return nil }
            let p = pair.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard p.count == 2, p[0] >= 0, p[1] >= 0, p[0] != p[1] else {
                throw CLIError("--pair must be two different 0-based columns like 0,2, got '\(pair)'")
            }
            return (p[0], p[1])
        }

        func run() throws {
            let (coordinates, carried) = try MatrixIO.readLabelledMatrix(embedding)
            if coordinates.columns > 3 && pair == nil {
                throw CLIError("\(embedding) has \(coordinates.columns) columns; a scatter plot takes N × 2 or N × 3 (choose two columns with --pair i,j)")
            }
            let classes = try colors.classes(points: coordinates.rows, of: embedding, carried: colors.values == nil ? carried : nil)
            var plot = ScatterPlot(coordinates, labels: classes?.values)
                .palette(colors.palette.palette).axes(axes.style).clusterLabels(clusterLabels).legend(output.figure.showsLegend)
                .shuffled(seed: seed.seed)
            if let values = try colors.values(points: nil, of: embedding) { plot = plot.colored(by: values, label: colors.valueLabel) }
            if let names = try colors.classNames.names(default: classes?.classNames, for: classes?.values) { plot = plot.classNames(names) }
            plot = output.titled(plot)
            if let pointSize { plot = plot.pointSize(pointSize) }
            if let opacity { plot = plot.opacity(opacity) }
            if let (i, j) = try parsedPair() { plot = plot.projection(.columns(i, j)) }
            if xLabel != nil || yLabel != nil { plot = plot.axisLabels(x: xLabel, y: yLabel) }
            switch points {
            case .auto: break
            case .vector: plot = plot.pointRendering(.vector)
            case .raster: plot = plot.pointRendering(.raster)
            }
            if pairs {
                try output.write(plot.pairs(), quiet: runtime.quiet)
            } else {
                try output.write(plot, quiet: runtime.quiet)
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
                  latentmap plot gallery samples.npy --image-shape 28x28 --title Samples \\
                    --out samples.pdf
                """)

        @OptionGroup var data: DataOptions

        @Option(help: "Images per row.") var columns: Int = 10

        @Option(help: "Number of images (the first ones, or a seeded random choice with --shuffle).")
        var count: Int = 40

        @Flag(help: "Pick the images at random (seeded) instead of the first ones.") var shuffle = false

        @OptionGroup var seed: SeedOptions
        @OptionGroup var image: ImageShapeOptions

        @Flag(help: "Caption each image with its class name.") var captions = false
        @Flag(help: "Black on white instead of white on black.") var invert = false

        @Flag(help: "Stretch each image from its own minimum to maximum (for data outside [0, 1]).")
        var normalize = false

        @Option(help: "Width of each image in points.") var cellWidth: Double = 36

        @OptionGroup var output: FigureOutputOptions
        @OptionGroup var runtime: RuntimeOptions

        func validate() throws {
            try OptionLimits.check(columns, "columns", atMost: OptionLimits.columns)
            try OptionLimits.check(count, "count", atMost: Int.max)
            guard cellWidth > 0 else { throw CLIError.option("cell-width", "must be positive, got \(cellWidth)") }
        }

        func run() throws {
            var d = try data.load(seed)
            let (h, w) = try image.shape(of: d)
            guard h * w == d.dimension else {
                throw CLIError("\(d.name): images of \(h)×\(w) need \(h * w) values per sample, found \(d.dimension)")
            }
            d = shuffle ? d.subsampled(count, seed: seed.seed) : d.prefix(count)
            var g = ImageGallery(d.samples, height: h, width: w, columns: min(columns, d.count))
                .cellWidth(cellWidth).inverted(invert).normalized(normalize ? .perImage : .clamp)
            if captions, let labels = d.labels { g = g.imageCaptions(labels.map(d.className)) }
            try output.writeTitled(g, quiet: runtime.quiet)
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

        @Argument(help: "The embedding (.npy or .csv), N × 2.") var embedding: String

        @OptionGroup var data: DataOptions

        @OptionGroup var image: ImageShapeOptions

        @OptionGroup var classNames: ClassNameOptions

        @Option(help: "Thumbnail width in points.") var thumbnailSize: Double = 20
        @Option(help: "At most this many thumbnails.") var maximum: Int = 80

        @OptionGroup var seed: SeedOptions
        @OptionGroup var output: FigureOutputOptions
        @OptionGroup var runtime: RuntimeOptions

        func run() throws {
            let (points, carried) = try MatrixIO.readLabelledMatrix(embedding)
            let d = try data.load(seed)
            let (h, w) = try image.shape(of: d)
            var figure = ThumbnailScatter(points, images: d.samples, height: h, width: w, labels: d.labels ?? carried?.values)
                .thumbnails(size: thumbnailSize, maximumCount: maximum).seed(seed.seed)
            if let names = try classNames.names(default: d.labels == nil ? carried?.classNames : d.classNames, for: d.labels ?? carried?.values) {
                figure = figure.classNames(names)
            }
            try output.writeTitled(figure, quiet: runtime.quiet)
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

        @Argument(help: "The history CSV file.") var history: String

        @Option(help: ArgumentHelp("Columns to draw, comma-separated (default: all but x and time).", valueName: "names"))
        var series: String?

        @Flag(help: "Logarithmic y axis.") var logY = false
        @Option(help: "Label of the x axis (default: the first column's name).") var xLabel: String?
        @Option(help: "Label of the y axis.") var yLabel: String = "loss"

        @OptionGroup var output: FigureOutputOptions
        @OptionGroup var runtime: RuntimeOptions

        func run() throws {
            let table = try HistoryTable(path: history)
            let wanted = series?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if let wanted {
                for name in wanted where !table.names.contains(name) {
                    throw CLIError("\(history): no column '\(name)' (columns: \(table.names.joined(separator: ", ")))")
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
            guard !plot.series.isEmpty else { throw CLIError("\(history): no column with values to draw") }
            try output.writeTitled(plot, quiet: runtime.quiet)
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
            throw CLIError.cannotRead(path, reason: failure.isMissing ? "no such file" : failure.reason)
        }
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard let header = lines.first, lines.count >= 2 else {
            throw CLIError.cannotRead(path, reason: "expected a header line and at least one row")
        }
        names = header.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard names.count >= 2 else { throw CLIError.cannotRead(path, reason: "expected at least two columns, found \(names.count)") }
        columns = Array(repeating: [], count: names.count)
        for (n, line) in lines.dropFirst().enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == names.count else {
                throw CLIError.cannotRead(path, reason: "line \(n + 2) has \(cells.count) cells, the header has \(names.count)")
            }
            for (c, cell) in cells.enumerated() {
                if cell.isEmpty { columns[c].append(nil); continue }
                guard let v = Double(cell), v.isFinite else {
                    throw CLIError.cannotRead(path, reason: "line \(n + 2), column '\(names[c])': '\(cell)' is not a finite number")
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
            discussion: """
                  latentmap plot confusion confusion.csv --class-names digits \\
                    --out confusion.svg
                """)

        @Argument(help: "The matrix (.npy or .csv), R × C counts.") var matrix: String

        @OptionGroup var classNames: ClassNameOptions

        @OptionGroup var output: FigureOutputOptions
        @OptionGroup var runtime: RuntimeOptions

        func run() throws {
            let m = try MatrixIO.readMatrix(matrix)
            let names = try classNames.names()
            var map = Heatmap(m, rowNames: names.map { Array($0.prefix(m.rows)) }, columnNames: names.map { Array($0.prefix(m.columns)) })
                .axisLabels(x: "predicted", y: "true")
            let whole = m.elements.allSatisfy { $0 == $0.rounded() }
            map = map.cellValues(true, decimals: whole ? 0 : 2)
            try output.writeTitled(map, quiet: runtime.quiet)
        }
    }
}
