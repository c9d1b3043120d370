import Foundation
import LatentPlot
import Testing

@Suite struct TicksTests {
    @Test(arguments: [(0.0, 1.0), (-3.7, 12.2), (0.0013, 0.0091), (1234.0, 98765.0), (-5.0, -4.2)])
    func linearTicksAreRoundStepsInsideTheRange(lower: Double, upper: Double) {
        let (values, step) = Ticks.linear(lower: lower, upper: upper)
        #expect(values.count >= 3 && values.count <= 11, "\(values)")
        #expect(values.allSatisfy { $0 >= lower - step * 1e-9 && $0 <= upper + step * 1e-9 })
        let mantissa = step / pow(10, log10(step).rounded(.down))
        #expect([1.0, 2.0, 5.0].contains { abs($0 - mantissa) < 1e-9 }, "step \(step)")
        for v in values { #expect(abs(v / step - (v / step).rounded()) < 1e-6) }
    }

    @Test func labelsUseJustEnoughDecimalsAndATrueMinus() {
        #expect(Ticks.labels(for: [-2, 0, 2, 4], step: 2) == ["\u{2212}2", "0", "2", "4"])
        #expect(Ticks.labels(for: [0.1, 0.15, 0.2], step: 0.05) == ["0.10", "0.15", "0.20"])
        #expect(Ticks.labels(for: [0, 0.125, 0.25], step: 0.125) == ["0.000", "0.125", "0.250"])
        #expect(Ticks.labels(for: [0, 2e6, 4e6], step: 2e6) == ["0", "2×10⁶", "4×10⁶"])
    }

    @Test func distinctLabelsAreExactWhenShortAndOtherwiseJustTellValuesApart() {
        #expect(Ticks.distinctLabels(for: [0, 0.25, 0.5, 0.75, 1]) == ["0.00", "0.25", "0.50", "0.75", "1.00"])
        #expect(Ticks.distinctLabels(for: [-1, 0, 1]) == ["\u{2212}1", "0", "1"])
        let fourteen = Ticks.distinctLabels(for: (0..<14).map { Double($0) / 13 })
        #expect(fourteen.first == "0.00" && fourteen[1] == "0.08" && fourteen.last == "1.00")
        #expect(Set(fourteen).count == 14)
        let close = Ticks.distinctLabels(for: [0.1, 0.1004, 0.2])
        #expect(Set(close).count == 3 && close[0] == "0.1000")
    }

    @Test func logarithmicTicksArePowersOfTenOrTheirMultiples() {
        #expect(Ticks.logarithmic(lower: 0.001, upper: 10) == [0.001, 0.01, 0.1, 1, 10].map { $0 })
        let narrow = Ticks.logarithmic(lower: 1.2, upper: 5.2)
        #expect(narrow.count >= 3 && narrow.allSatisfy { $0 >= 1.2 && $0 <= 5.2 })
        #expect(Ticks.logLabels(for: [0.01, 1, 100, 1e6]) == ["0.01", "1", "100", "10⁶"])
    }
}
