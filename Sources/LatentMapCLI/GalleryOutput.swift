import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

/// Where a gallery command (`interpolate`, `walk`, `sample`) writes its figure and how it draws
/// the images: `-o/--out` and the figure options, `--image-shape` and `--invert`.
struct GalleryOutputOptions: ParsableArguments {
    @OptionGroup var output: FigureOutputOptions
    @OptionGroup var shape: ImageShapeOptions

    @Flag(help: "Black on white instead of white on black.")
    var invert = false

    /// `--image-shape` as height and width, nil when not given.
    func imageSize() throws -> (height: Int, width: Int)? { try shape.imageShape.map(parseImageShape) }

    /// Writes `gallery` (titled `--title` when given) and names the files unless `quiet`.
    func write(_ gallery: ImageGallery, quiet: Bool) throws {
        var g = gallery
        if let title = output.figure.title { g = g.titled(title).widenedForTitle() }
        try output.write(g.inverted(invert), quiet: quiet)
    }
}

/// Parses `a:b` (e.g. `-3:3`) into a closed range with a < b.
func parseRange(_ text: String, option: String) throws -> ClosedRange<Double> {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 2, let a = parts[0], let b = parts[1], a.isFinite, b.isFinite, a < b else {
        throw CLIError("\(option) must be LOW:HIGH with LOW < HIGH (e.g. -3:3), got '\(text)'")
    }
    // Codes are Float32: a bound beyond ±1e6 decodes to infinities (or is a typing error).
    guard abs(a) <= 1e6, abs(b) <= 1e6 else { throw CLIError("\(option) bounds must be within ±1e6, got '\(text)'") }
    return a...b
}
