import Foundation
import LatentCore

/// Seeded augmentation of greyscale images: a larger dataset made of shifted, rotated, noisy
/// copies of a smaller one (the million-point t-SNE benchmark is built from Fashion-MNIST so).
///
/// Output image i is a copy of source image i mod N (so its label is that image's label). The
/// first N copies are the sources unchanged; every later one is, in this order:
/// 1. rotated about the image centre by an angle uniform in [−`maximumRotation`, +`maximumRotation`]
///    degrees and shifted by whole pixels, dx and dy each uniform in
///    {−`maximumShift`, …, +`maximumShift`} (one inverse map, bilinear interpolation, black
///    outside the source);
/// 2. given independent Gaussian noise of standard deviation `noise` (pixels in [0, 1]) on
///    every pixel;
/// 3. clipped to [0, 1] and rounded to the nearest of 256 grey levels.
/// Each copy draws from its own stream of the seed (`SeededGenerator.stream(seed:, i)`), so the
/// result depends only on the sources, the settings and the seed, never on the thread count.
///
/// ```swift
/// let fashion = try NamedDatasets.fashionMNIST()
/// let big = try ImageAugmentation().augmented(fashion, count: 1_000_000, seed: 1)   // uint8 pixels
/// ```
public struct ImageAugmentation: Sendable, Equatable {
    /// Largest shift in whole pixels, each direction (default 2).
    public var maximumShift: Int
    /// Largest rotation in degrees, either way (default 10).
    public var maximumRotation: Double
    /// Standard deviation of the added Gaussian noise, in units of the [0, 1] pixel range
    /// (default 0.03, about 8 of 255 grey levels).
    public var noise: Double

    public init(maximumShift: Int = 2, maximumRotation: Double = 10, noise: Double = 0.03) {
        self.maximumShift = maximumShift
        self.maximumRotation = maximumRotation
        self.noise = noise
    }

    /// `count` images made from `source` (whose images must have an `imageShape`, one channel),
    /// as 8-bit grey levels, `count × pixels` row-major, with their labels.
    ///
    /// - Parameter progress: called with the images done so far after every 65,536.
    /// - Throws: `DataError.invalidValue` for a source without images or with several
    ///   channels, a count below 1, or settings out of range (negative shift, rotation or noise).
    /// - Complexity: O(count · pixels), in parallel chunks; memory `count · pixels` bytes.
    public func augmented(_ source: Dataset, count: Int, seed: UInt64,
                          progress: (_ completed: Int) -> Void = { _ in }) throws -> (pixels: [UInt8], labels: [Int]?) {
        guard let shape = source.imageShape, shape.channels == 1, shape.count == source.samples.columns else {
            throw DataError.invalidValue(path: source.name, reason: "augmentation needs single-channel images (got \(source.samples.columns) values per sample)")
        }
        guard source.count >= 1, count >= 1 else {
            throw DataError.invalidValue(path: source.name, reason: "augmentation needs at least one source image and a count of at least 1")
        }
        guard maximumShift >= 0, maximumShift < max(shape.width, shape.height),
              maximumRotation >= 0, maximumRotation <= 180, noise >= 0, noise.isFinite else {
            throw DataError.invalidValue(path: source.name, reason: "augmentation settings out of range: shift \(maximumShift) px, rotation \(maximumRotation)°, noise \(noise)")
        }
        let n = source.count, w = shape.width, h = shape.height, pixels = w * h
        var out = [UInt8](repeating: 0, count: MemoryEstimate.product(count, pixels))
        let settings = self
        source.samples.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let s = UnsafeSendable(src.baseAddress!), d = UnsafeSendable(dst.baseAddress!)
                var start = 0
                while start < count {
                    let block = min(ImageAugmentation.progressBlock, count - start), first = start
                    Parallel.forEachChunk(count: block, chunks: Parallel.defaultChunks(for: block, minimumPerChunk: 256)) { _, range in
                    for i in (first + range.lowerBound)..<(first + range.upperBound) {
                        let image = s.value + (i % n) * pixels, target = d.value + i * pixels
                        if i < n {
                            for p in 0..<pixels { target[p] = ImageAugmentation.level(image[p]) }
                        } else {
                            var g = SeededGenerator.stream(seed: seed, UInt64(i))
                            settings.transform(image, width: w, height: h, generator: &g, into: target)
                        }
                    }
                    }
                    start += block
                    progress(start)
                }
            }
        }
        let labels = source.labels.map { l in (0..<count).map { l[$0 % n] } }
        return (out, labels)
    }

    /// Images per progress report. Fixed: results never depend on it.
    static let progressBlock = 65_536

    /// The nearest of 256 grey levels to a value clipped to [0, 1].
    @inline(__always)
    static func level(_ v: Float) -> UInt8 { UInt8((min(max(v, 0), 1) * 255).rounded()) }

    /// One augmented copy of `image` (width × height floats in [0, 1]).
    func transform(_ image: UnsafePointer<Float>, width w: Int, height h: Int, generator g: inout SeededGenerator,
                   into target: UnsafeMutablePointer<UInt8>) {
        let angle = (2 * g.nextUniformDouble() - 1) * maximumRotation * Double.pi / 180
        let span = UInt64(2 * maximumShift + 1)
        let dx = Float(Int(g.next() % span) - maximumShift), dy = Float(Int(g.next() % span) - maximumShift)
        let c = Float(cos(angle)), sn = Float(sin(angle))
        let cx = Float(w - 1) / 2, cy = Float(h - 1) / 2
        let sigma = Float(noise)
        for y in 0..<h {
            for x in 0..<w {
                // Inverse map: undo the shift, then rotate back about the centre.
                let ux = Float(x) - dx - cx, uy = Float(y) - dy - cy
                let sx = c * ux + sn * uy + cx, sy = -sn * ux + c * uy + cy
                let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                let fx = sx - Float(x0), fy = sy - Float(y0)
                @inline(__always) func at(_ xx: Int, _ yy: Int) -> Float {
                    xx >= 0 && xx < w && yy >= 0 && yy < h ? image[yy * w + xx] : 0
                }
                let top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
                let bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
                var v = top * (1 - fy) + bottom * fy
                if sigma > 0 { v += sigma * g.nextGaussian() }
                target[y * w + x] = ImageAugmentation.level(v)
            }
        }
    }
}
