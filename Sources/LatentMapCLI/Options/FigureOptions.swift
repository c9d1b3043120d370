import ArgumentParser
import Foundation
import LatentMap

/// `--legend`: where a figure's legend (or colour bar) goes; `none` leaves it out.
enum LegendChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, none
}

/// The options of every command that draws: `--dpi`, `--width`, `--height`, `--title`,
/// `--legend` and `--formats`. A command writing one figure takes its format from `--out`'s
/// extension (`--formats` adds copies beside it); a command writing a folder of figures writes
/// each in every format of `--formats`. Hidden alias: `--no-legend` (for `--legend none`).
struct FigureOptions: ParsableArguments, DeclaresAliases {
    static let aliases = [OptionAlias(from: "no-legend", to: ["--legend", "none"])]

    @Option(help: "Dots per inch of PNG output.")
    var dpi: Double = defaultDPI

    @Option(help: "Figure width in points (1/72 inch); default: the figure's own.")
    var width: Double?

    @Option(help: "Figure height in points (1/72 inch); default: the figure's own.")
    var height: Double?

    @Option(help: "Title above the figure (default: the command's).")
    var title: String?

    @Option(help: "Legend or colour bar: auto or none.")
    var legend: LegendChoice = .auto

    @Option(help: ArgumentHelp("Figure formats, comma-separated: svg, png, pdf (default: the --out extension, or the command's).",
                               valueName: "list"))
    var formats: String?

    func validate() throws {
        guard dpi >= 10, dpi <= 2400 else { throw CLIError.option("dpi", "must be between 10 and 2400, got \(dpi)") }
        for (name, v) in [("width", width), ("height", height)] {
            if let v, !(v >= 50 && v <= 5000) { throw CLIError.option(name, "must be between 50 and 5000 points, got \(v)") }
        }
        if formats != nil { _ = try parsedFormats(default: []) }
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

    /// The size `--width` and `--height` ask for, the other side kept from `own`; nil when
    /// neither is given.
    func size(own: Size) -> Size? {
        guard width != nil || height != nil else { return nil }
        return Size(width: width ?? own.width, height: height ?? own.height)
    }

    /// `figure` at the size `--width`/`--height` ask for (figures lay themselves out in any frame).
    func sized(_ figure: some Figure) -> any Figure {
        guard let size = size(own: figure.size) else { return figure }
        return SizedFigure(base: figure, size: size)
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

/// A figure drawn at another size than its own: figures lay themselves out in any frame.
struct SizedFigure: Figure {
    let base: any Figure
    let size: Size
    func validate() throws { try base.validate() }
    func draw(in canvas: Canvas, frame: Rect) throws { try base.draw(in: canvas, frame: frame) }
}

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

/// Parses `28x28` (or `28×28`, `28,28`) into height and width.
func parseImageShape(_ text: String) throws -> (height: Int, width: Int) {
    let parts = text.split(whereSeparator: { "x×,".contains($0) }).compactMap { Int($0) }
    guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
        throw CLIError("--image-shape must be HEIGHTxWIDTH (e.g. 28x28), got '\(text)'")
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
}
