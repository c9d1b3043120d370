import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

/// Where a gallery command (`interpolate`, `walk`, `sample`) writes its figure.
struct GalleryOutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Output figure: .svg, .png or .pdf.", valueName: "file"))
    var out: String

    @Option(help: "Dots per inch of PNG output.")
    var dpi: Double = defaultDPI

    @Option(help: ArgumentHelp("Image height and width when neither the data nor the model says, e.g. 28x28.", valueName: "HxW"))
    var imageShape: String?

    @Flag(help: "Black on white instead of white on black.")
    var invert = false

    func validate() throws {
        do { _ = try OutputFormat(path: out) } catch let error as OutputError { throw ValidationError(error.description) }
        guard dpi >= 10, dpi <= 2400 else { throw ValidationError("--dpi must be between 10 and 2400, got \(dpi)") }
        if let imageShape { _ = try parseImageShape(imageShape) }
    }

    /// `--image-shape` as height and width, nil when not given.
    func imageSize() throws -> (height: Int, width: Int)? { try imageShape.map(parseImageShape) }

    func write(_ gallery: ImageGallery, quiet: Bool) throws {
        try gallery.inverted(invert).write(to: out, dpi: dpi)
        if !quiet { ProgressBar.note("wrote \(out)") }
    }
}

/// Parses `a:b` (e.g. `-3:3`) into a closed range with a < b.
func parseRange(_ text: String, option: String) throws -> ClosedRange<Double> {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 2, let a = parts[0], let b = parts[1], a.isFinite, b.isFinite, a < b else {
        throw ValidationError("\(option) must be LOW:HIGH with LOW < HIGH (e.g. -3:3), got '\(text)'")
    }
    return a...b
}
