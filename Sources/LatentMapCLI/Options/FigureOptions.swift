import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

/// `--legend`: where a figure's legend (or colour bar) goes; `none` leaves it out, `auto`
/// (the default) is `right`.
enum LegendChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, right, bottom, inside, none

    var placement: LegendPlacement {
        switch self {
        case .auto, .right: return .right
        case .bottom: return .bottom
        case .inside: return .inside
        case .none: return .none
        }
    }
}


/// The options of every command that draws: `--dpi`, `--width`, `--height` (with units),
/// `--font-size`, `--font`, `--title`, `--legend`, `--text-as-paths`, `--rasterize-points`
/// and `--formats`. A command writing one figure takes its format from `--out`'s
/// extension (`--formats` adds copies beside it); a command writing a folder of figures writes
/// each in every format of `--formats`. Hidden alias: `--no-legend` (for `--legend none`).
struct FigureOptions: ParsableArguments, DeclaresAliases {
    static let aliases = [OptionAlias(from: "no-legend", to: ["--legend", "none"])]

    @Option(help: "Dots per inch of PNG output.") var dpi: Double = defaultDPI

    @Option(help: ArgumentHelp("Figure width with a unit: pt (default), in, cm, mm, or px at --dpi, e.g. 3.5in; default: the figure's own.",
                               valueName: "length"), transform: { try Length(parsing: $0) })
    var width: Length?

    @Option(help: ArgumentHelp("Figure height, as --width; default: what the width and the data's aspect need.", valueName: "length"), transform: { try Length(parsing: $0) })
    var height: Length?

    @Option(help: "Base font size in points (axis labels; titles 1.2×, legends 0.9×, ticks 0.85×; default 10).") var fontSize: Double?

    @Option(help: ArgumentHelp("Font family, any fontconfig family (fc-list : family), e.g. \"Liberation Sans\" (default DejaVu Sans).",
                               valueName: "family"))
    var font: String?

    @Flag(help: "Write text in SVG and PDF as glyph outlines instead of selectable text.") var textAsPaths = false

    @Flag(inversion: .prefixedNo,
          help: "Scatter points in SVG/PDF as one embedded bitmap (--rasterize-points) or as vector discs (--no-rasterize-points); default: a bitmap above 20,000 points.")
    var rasterizePoints: Bool?

    @Option(help: "Title above the figure (default: the command's).") var title: String?

    @Option(help: "Legend or colour bar: right (auto), bottom, inside (the emptiest corner) or none.")
    var legend: LegendChoice = .auto

    @Option(help: ArgumentHelp("Figure formats, comma-separated: svg, png, pdf (default: the --out extension, or the command's).", valueName: "list"))
    var formats: String?

    func validate() throws {
        guard dpi >= 10, dpi <= 2400 else { throw CLIError.option("dpi", "must be between 10 and 2400, got \(dpi)") }
        for (name, v) in [("width", width), ("height", height)] {
            if let v, !(v.points(dpi: dpi) >= 50 && v.points(dpi: dpi) <= 5000) {
                throw CLIError.option(name, "must be between 50 and 5000 points (0.7 to 69 inches), got \(v)")
            }
        }
        if let fontSize, !(fontSize.isFinite && FigureStyle.fontSizeRange.contains(fontSize)) {
            throw CLIError.option("font-size", "must be between \(Int(FigureStyle.fontSizeRange.lowerBound)) and \(Int(FigureStyle.fontSizeRange.upperBound)) points, got \(fontSize)")
        }
        do { try style().validate() } catch { throw CLIError.naming("font", error) }
        if formats != nil { _ = try parsedFormats(default: []) }
    }

    /// The figure style the options ask for.
    func style() -> FigureStyle {
        var style = FigureStyle()
        if let fontSize { style.fontSize = fontSize }
        if let font { style.fontFamily = font }
        style.legend = legend.placement
        style.text = textAsPaths ? .paths : .text
        style.points = rasterizePoints.map { $0 ? .raster : .vector }
        return style
    }

    /// False with `--legend none`.
    var showsLegend: Bool { legend != .none }

    /// `--title`, or `fallback`.
    func title(default fallback: String) -> String { title ?? fallback }

    /// `--formats` as a list, or `fallback` when it is not given.
    func parsedFormats(default fallback: [OutputFormat]) throws -> [OutputFormat] {
        guard let formats else { return fallback }
        var out: [OutputFormat] = []
        for part in formats.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
            guard let f = OutputFormat(rawValue: name) else { throw CLIError("--formats: '\(part)' is not svg, png or pdf") }
            if !out.contains(f) { out.append(f) }
        }
        guard !out.isEmpty else { throw CLIError("--formats: give at least one of svg, png, pdf") }
        return out
    }

    /// `figure` in the style and at the size the options ask for: a missing height follows
    /// from the width and the figure's content (a map's aspect, a gallery's rows).
    func sized(_ figure: some Figure) -> any Figure {
        let styled = figure.styled(style())
        guard width != nil || height != nil else { return styled }
        return styled.sized(width: width?.points(dpi: dpi), height: height?.points(dpi: dpi))
    }

    /// Writes `figure` to `path` (its format from the extension) and, with `--formats`, a copy
    /// in each other format beside it; returns the paths written.
    @discardableResult
    func write(_ figure: some Figure, to path: String) throws -> [String] {
        let own = try OutputFormat(path: path)
        let base = (path as NSString).deletingPathExtension
        let paths = [path] + (try parsedFormats(default: [])).filter { $0 != own }.map { "\(base).\($0.rawValue)" }
        let figure = sized(figure)
        for p in paths { try figure.write(to: p, dpi: dpi) }
        return paths
    }

    /// Writes `figure` as `directory/name.<ext>` for each format of `--formats` (default
    /// `fallback`); returns the paths.
    @discardableResult
    func write(_ figure: some Figure, named name: String, in directory: String,
               formats fallback: [OutputFormat] = [.png, .svg]) throws -> [String] {
        let figure = sized(figure)
        return try parsedFormats(default: fallback).map { format in
            let path = (directory as NSString).appendingPathComponent("\(name).\(format.rawValue)")
            try figure.write(to: path, dpi: dpi)
            return path
        }
    }

    /// Refuses a figure path whose extension is not .svg, .png or .pdf, naming `option`.
    static func checkPath(_ path: String, option: String = "out") throws {
        do { _ = try OutputFormat(path: path) } catch { throw CLIError.naming(option, error) }
    }
}

/// The former names of `FigureOptions` (kept while other files move over).
typealias FigureFormatOptions = FigureOptions

/// `--image-shape HxW`: the height and width of images whose data does not say.
struct ImageShapeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Image height and width when the data does not say, e.g. 28x28.", valueName: "HxW"))
    var imageShape: String?

    func validate() throws {
        if let imageShape { _ = try parseImageShape(imageShape) }
    }

    /// The image shape of `data`: `--image-shape`, the dataset's own, or square.
    func shape(of data: Dataset) throws -> (height: Int, width: Int) {
        try LatentMapCLI.imageShape(of: data, given: imageShape)
    }
}

/// The largest image side `--image-shape` accepts.
let maximumImageSide = 16_384

/// Parses `28x28` (or `28×28`, `28,28`) into height and width.
func parseImageShape(_ text: String) throws -> (height: Int, width: Int) {
    let parts = text.split(whereSeparator: { "x×,".contains($0) }).compactMap { Int($0) }
    guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
        throw CLIError("--image-shape must be HEIGHTxWIDTH (e.g. 28x28), got '\(text)'")
    }
    // A side beyond 16,384 pixels is a typing error, and bounding both keeps every pixel count
    // (and a gallery's canvas) far from overflowing.
    guard parts[0] <= maximumImageSide, parts[1] <= maximumImageSide else {
        throw CLIError("--image-shape sides must be at most \(maximumImageSide), got '\(text)'")
    }
    return (parts[0], parts[1])
}

/// The image shape of `data`: `given` (an `--image-shape`), the dataset's own, or square.
func imageShape(of data: Dataset, given: String?) throws -> (height: Int, width: Int) {
    if let given { return try parseImageShape(given) }
    if let s = data.imageShape, s.channels == 1 { return (s.height, s.width) }
    let side = Int(Double(data.dimension).squareRoot().rounded())
    guard side * side == data.dimension else {
        throw CLIError("\(data.name): \(data.dimension) values per sample is not a square image; give --image-shape HEIGHTxWIDTH")
    }
    return (side, side)
}

/// `-o/--out FILE` and the figure options: what a command that writes one figure takes.
struct FigureOutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Output file: .svg, .png or .pdf.", valueName: "file"))
    var out: String

    @OptionGroup var figure: FigureOptions

    func validate() throws { try FigureOptions.checkPath(out) }

    /// Writes `figure` (and its `--formats` copies) and, unless `quiet`, names the files on
    /// standard error.
    func write(_ figure: some Figure, quiet: Bool) throws {
        let paths = try self.figure.write(figure, to: out)
        if !quiet { ProgressBar.note("wrote \(paths.joined(separator: ", "))") }
    }

    /// `figure` with `--title` when it is given, else as it is.
    func titled<F: TitledFigure>(_ figure: F) -> F {
        self.figure.title.map(figure.titled) ?? figure
    }

    /// Writes `figure` with `--title` when it is given, as `write(_:quiet:)` does.
    func writeTitled(_ figure: some TitledFigure, quiet: Bool) throws {
        try write(titled(figure), quiet: quiet)
    }
}

/// A figure that takes a title above it (`--title`).
protocol TitledFigure: Figure {
    func titled(_ title: String) -> Self
}

extension ScatterPlot: TitledFigure {}
extension ImageGallery: TitledFigure {}
extension ThumbnailScatter: TitledFigure {}
extension LinePlot: TitledFigure {}
extension Heatmap: TitledFigure {}
