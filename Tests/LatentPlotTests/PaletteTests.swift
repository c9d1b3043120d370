import LatentPlot
import Testing

@Suite struct PaletteTests {
    /// Smallest Euclidean RGB distance (0…255 units) between any two colours.
    func closestPair(_ colors: [Color]) -> Double {
        var best = Double.infinity
        for i in colors.indices {
            for j in colors.indices where j > i {
                let a = colors[i], b = colors[j]
                let d = ((a.red - b.red) * (a.red - b.red) + (a.green - b.green) * (a.green - b.green)
                         + (a.blue - b.blue) * (a.blue - b.blue)).squareRoot() * 255
                best = min(best, d)
            }
        }
        return best
    }

    @Test func tenClassesGetTheTab10Colours() {
        let c = Palette.tab10.colors(count: 10)
        #expect(c.count == 10 && c[0] == Color(hex: 0x1F77B4) && c[3] == Color(hex: 0xD62728))
        #expect(Palette.colorBlindSafe.colors(count: 10).count == 10)
    }

    @Test(arguments: [Palette.tab10, .colorBlindSafe])
    func manyClassesStillGetDistinctVisibleColours(palette: Palette) {
        let colors = palette.colors(count: 40)
        #expect(colors.count == 40)
        #expect(Set(colors).count == 40)
        #expect(Array(colors.prefix(10)) == palette.baseColors)
        #expect(closestPair(colors) > 30, "closest pair \(closestPair(colors))")
        // None so pale it vanishes on white.
        #expect(colors.allSatisfy { $0.luminance < 0.8 })
        #expect(palette.colors(count: 40) == colors)
    }

    @Test func colourMapInterpolatesBetweenItsStops() {
        let map = ColorMap([.black, .white])
        #expect(map.color(at: 0.5) == Color(red: 0.5, green: 0.5, blue: 0.5))
        #expect(map.color(at: -1) == .black && map.color(at: 2) == .white)
        #expect(ColorMap.viridisLike.color(at: 0).luminance < ColorMap.viridisLike.color(at: 1).luminance)
    }
}
