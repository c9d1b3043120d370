import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

// MARK: - interactive

extension LatentMapCommand.Plot {
    struct Interactive: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One self-contained HTML page to explore an embedding: zoom, hover for images, hide classes, select.",
            discussion: """
                EMBEDDING is a .npy or .csv matrix, one point per row. DATA (optional: mnist, \
                fashion-mnist or a file) gives each point's image, shown enlarged on hover, and its \
                labels and class names unless --labels/--class-names say otherwise. The page opens \
                from disk with no network. Examples:
                  latentmap plot interactive emb.npy mnist --part test --out map.html
                  latentmap plot interactive emb.npy --labels labels.npy --class-names digits \\
                    --values err.npy --out map.html
                """)

        @Argument(help: "The embedding (.npy or .csv), N × 2 (further columns are ignored).")
        var embedding: String

        @Argument(help: "Images for the points: mnist, fashion-mnist, or a file (IDX, .npy, .npz, .csv).")
        var data: String?

        @Option(help: "Part of a dataset with a train/test split: train, test or all.")
        var part: DatasetPart = .all

        @Option(help: ArgumentHelp("Class labels, one per point (.npy, .csv or .txt); default: the data's.", valueName: "file"))
        var labels: String?

        @OptionGroup var classNames: ClassNameOptions

        @Option(help: ArgumentHelp("Values to colour by, one per point, with a colour bar.", valueName: "file"))
        var values: String?

        @Option(help: "The colour bar's label.")
        var valueLabel: String?

        @Option(help: "Title above the map.")
        var title: String?

        @Option(help: "Class colours: tab10 or colorblind.")
        var palette: PaletteChoice = .tab10

        @OptionGroup var image: ImageShapeOptions

        @Option(help: "At most this many points get a thumbnail (a seeded random subset above it).")
        var maximumThumbnails: Int = 70_000

        @OptionGroup var seed: SeedOptions

        @Option(name: .shortAndLong, help: ArgumentHelp("Output page (.html).", valueName: "file"))
        var out: String

        @OptionGroup var runtime: RuntimeOptions

        func validate() throws {
            guard out.lowercased().hasSuffix(".html") || out.lowercased().hasSuffix(".htm") else {
                throw CLIError("--out must name an .html file, got '\(out)'")
            }
            try OptionLimits.check(maximumThumbnails, "maximum-thumbnails", atLeast: 0, atMost: Int.max)
        }

        func run() throws {
            let points = try MatrixIO.readMatrix(embedding)
            var map = InteractiveMap(points).palette(palette.palette).shuffled(seed: seed.seed)
            var classes = try readPointLabels(labels, points: points.rows, of: embedding)
            var names = try classNames.names()
            if let data {
                let d = try Dataset.load(data, part: part)
                guard d.count == points.rows else {
                    throw CLIError.lengthMismatch("\(data): images for the \(points.rows) points of \(embedding)",
                                                  expected: points.rows, got: d.count)
                }
                let (h, w) = try image.shape(of: d)
                guard h * w == d.dimension else {
                    throw CLIError("\(d.name): images of \(h)×\(w) need \(h * w) values per sample, found \(d.dimension)")
                }
                map = map.thumbnails(d.samples, height: h, width: w, maximumCount: maximumThumbnails)
                if classes == nil { classes = d.labels }
                if names == nil { names = d.classNames }
            }
            map.labels = classes
            if let names { map = map.classNames(names) }
            if let values {
                map = map.colored(by: try readPointValues(values, points: points.rows, of: embedding), label: valueLabel)
            }
            if let title { map = map.titled(title) }
            let page = try map.html()
            try AtomicFile.write(Data(page.utf8), to: out)
            if !runtime.quiet { ProgressBar.note("wrote \(out) (\(MemoryEstimate.format(page.utf8.count)))") }
        }
    }
}

/// The interactive map `pipeline` and `compare` write beside their figures: `layouts` of the
/// points of `dataset`, with its labels, class names and (for greyscale images) thumbnails.
func interactiveMap(_ layouts: [(name: String, points: Matrix)], of dataset: Dataset, title: String, seed: UInt64) -> InteractiveMap {
    var map = InteractiveMap(layouts[0].points, labels: dataset.labels).layoutNamed(layouts[0].name).titled(title).shuffled(seed: seed)
    for layout in layouts.dropFirst() { map = map.addingLayout(layout.name, points: layout.points) }
    if let names = dataset.classNames { map = map.classNames(names) }
    if let shape = dataset.imageShape, shape.channels == 1 {
        map = map.thumbnails(dataset.samples, height: shape.height, width: shape.width)
    }
    return map
}
