@testable import LatentCore
import Testing

@Suite struct MemoryEstimateTests {
    @Test func availableMemoryIsReadFromMeminfoInKilobytes() {
        let text = "MemTotal:       16318788 kB\nMemFree:         1234 kB\nMemAvailable:    8000000 kB\n"
        #expect(MemoryEstimate.parseAvailable(meminfo: text) == 8_000_000 * 1024)
        #expect(MemoryEstimate.parseAvailable(meminfo: "MemTotal: 5 kB\n") == nil)
    }

    @Test func sizesParseWithDecimalAndBinaryUnits() {
        #expect(MemoryEstimate.parse("500M") == 500_000_000)
        #expect(MemoryEstimate.parse("1.5GB") == 1_500_000_000)
        #expect(MemoryEstimate.parse("2 GiB") == 2 << 30)
        #expect(MemoryEstimate.parse("4096") == 4096)
        #expect(MemoryEstimate.parse("lots") == nil)
        #expect(MemoryEstimate.parse("5 parsecs") == nil)
        #expect(MemoryEstimate.parse("1e30") == nil)
    }

    @Test func sizesFormatWithThreeSignificantDigits() {
        #expect(MemoryEstimate.format(512) == "512 bytes")
        #expect(MemoryEstimate.format(1_500_000) == "1.5 MB")
        #expect(MemoryEstimate.format(117_600_000_000) == "118 GB")
    }

    @Test func arithmeticSaturatesInsteadOfTrapping() {
        #expect(MemoryEstimate.product(Int.max / 2, 3) == Int.max)
        #expect(MemoryEstimate.sum(Int.max, 1) == Int.max)
        #expect(MemoryEstimate.bytes(floats: Int.max / 2) == Int.max)
        #expect(MemoryEstimate.product(1000, 1000) == 1_000_000)
    }
}
