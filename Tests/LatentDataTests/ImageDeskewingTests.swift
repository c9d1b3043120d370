import Foundation
import LatentCore
@testable import LatentData
import Testing
import TestSupport

@Suite struct ImageDeskewingTests {
    static let side = 28

    /// A stroke two pixels wide from row 4 to row 23, its column moving by `slant` per row
    /// about `centreColumn` (anti-aliased: each row's mass split between neighbouring columns).
    static func stroke(slant: Double, centreColumn: Double = 13.5, rowShift: Int = 0) -> [Float] {
        var image = [Float](repeating: 0, count: side * side)
        for r in 4...23 {
            let c = centreColumn + slant * (Double(r) - 13.5) - 0.5
            let c0 = Int(c.rounded(.down)), f = Float(c - Double(c0))
            for (cc, v) in [(c0, 1 - f), (c0 + 1, Float(1)), (c0 + 2, f)] where cc >= 0 && cc < side {
                image[(r + rowShift) * side + cc] += v
            }
        }
        return image
    }

    static func moments(_ image: [Float]) -> (shear: Double, row: Double, column: Double) {
        image.withUnsafeBufferPointer { ImageDeskewing.moments($0.baseAddress!, height: side, width: side) }
    }

    static func deskew(_ image: [Float]) -> [Float] {
        var out = [Float](repeating: -1, count: image.count)
        image.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { ImageDeskewing.deskew(src.baseAddress!, height: side, width: side, into: $0.baseAddress!) }
        }
        return out
    }

    @Test(arguments: [0.3, -0.25, 0.5])
    func aSlantedStrokeComesOutUprightAndCentred(slant: Double) {
        let image = Self.stroke(slant: slant, centreColumn: 11)
        let before = Self.moments(image)
        #expect(abs(before.shear - slant) < 0.02, "the stroke's measured slant \(before.shear), drawn \(slant)")
        let after = Self.moments(Self.deskew(image))
        #expect(abs(after.shear) < 0.03, "slant left after deskewing: \(after.shear)")
        #expect(abs(after.row - 13.5) < 0.05 && abs(after.column - 13.5) < 0.05, "centre of mass \(after.row), \(after.column)")
    }

    @Test func anUprightCentredImageIsLeftExactlyAsItIs() {
        let image = Self.stroke(slant: 0)
        let m = Self.moments(image)
        #expect(m.shear == 0 && m.row == 13.5 && m.column == 13.5)
        #expect(Self.deskew(image) == image)
    }

    @Test func aWholePixelShiftDoesNotChangeTheResult() {
        let a = Self.deskew(Self.stroke(slant: 0.3, centreColumn: 12))
        let b = Self.deskew(Self.stroke(slant: 0.3, centreColumn: 15, rowShift: 2))
        #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 }, "largest difference \(zip(a, b).map { abs($0 - $1) }.max()!)")
    }

    @Test func blankAndSingleRowImagesAreNotSheared() {
        let blank = [Float](repeating: 0, count: Self.side * Self.side)
        #expect(Self.deskew(blank) == blank)
        var line = blank
        for c in 5..<20 { line[3 * Self.side + c] = 0.75 }
        #expect(Self.moments(line).shear == 0)
        let out = Self.deskew(line)
        // Recentred only: the same mass, on one row, with its centre moved to the image centre.
        #expect(abs(out.reduce(0, +) - line.reduce(0, +)) < 1e-4)
        let m = Self.moments(out)
        #expect(abs(m.row - 13.5) < 1e-6 && abs(m.column - 13.5) < 1e-6 && m.shear == 0)
        #expect(out.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func theBundledDigitsLoseTheirSlantAndKeepTheirLabels() throws {
        let digits = try Dataset.mnist().prefix(300)
        let upright = try digits.deskewed()
        #expect(upright.isDeskewed && !digits.isDeskewed)
        #expect(upright.labels == digits.labels && upright.imageShape == digits.imageShape && upright.count == 300)
        func meanSlant(_ d: Dataset) -> Double {
            d.samples.withUnsafeBufferPointer { p in
                (0..<d.count).map { abs(ImageDeskewing.moments(p.baseAddress! + $0 * 784, height: 28, width: 28).shear) }.reduce(0, +) / Double(d.count)
            }
        }
        let before = meanSlant(digits), after = meanSlant(upright)
        #expect(before > 0.1, "mean |slant| of the raw digits \(before)")
        #expect(after < before / 5, "mean |slant| after deskewing \(after), before \(before)")
        #expect(upright.subset([3, 1]).isDeskewed)
    }

    @Test func theResultDoesNotDependOnTheThreadCount() throws {
        let digits = try Dataset.mnist().prefix(700)
        let one = try ExecutionContext(threads: 1).run { try digits.deskewed() }
        let three = try ExecutionContext(threads: 3).run { try digits.deskewed() }
        #expect(one.samples == three.samples)
    }

    @Test func samplesThatAreNotImagesAreRefusedNamingTheData() throws {
        let flat = Dataset(name: "codes.npy", samples: Matrix(rows: 4, columns: 20, repeating: 0.5))
        let error = #expect(throws: DataError.self) { try flat.deskewed() }
        #expect(error?.description.contains("codes.npy") == true)
        #expect(error?.description.contains("deskewing needs single-channel images") == true)
    }
}
