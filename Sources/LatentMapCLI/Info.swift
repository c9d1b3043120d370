import ArgumentParser
import Foundation
import LatentMap

extension LatentMapCommand {
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe a dataset: shape, element type, value range and label counts.",
            discussion: """
                DATA is `mnist` (bundled), `fashion-mnist`, or a file: IDX (…-idx3-ubyte[.gz]), .npy, \
                .npz or .csv. Pixel data (uint8, or whole numbers 0–255) is scaled to [0, 1].
                """)

        @OptionGroup var data: InputOptions
        @OptionGroup var seed: SeedOptions
        @OptionGroup var runtime: RuntimeOptions

        @Flag(help: "Print the time taken to load the data on stderr.")
        var timing = false

        func run() throws {
            let start = DispatchTime.now()
            let dataset = try data.load(seed)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            if timing { ProgressBar.note(String(format: "load time: %.3f s", seconds)) }
            print(Info.describe(dataset))
        }

        static func describe(_ data: Dataset) -> String {
            var lines = ["dataset:  \(data.name)",
                         "samples:  \(data.count) × \(data.dimension) (Float32)"]
            if let source = data.source { lines.append("source:   \(source)") }
            if let shape = data.imageShape { lines.append("images:   \(shape.imageDescription)") }
            if let r = data.samples.valueSummary().range {
                lines.append(String(format: "range:    %.4g … %.4g", r.min, r.max))
            }
            let counts = data.labelCounts()
            if counts.isEmpty {
                lines.append("labels:   none")
            } else {
                lines.append("labels:   \(counts.count) classes")
                for (label, n) in counts {
                    lines.append("  \(label)\t\(n)\t\(data.className(label))")
                }
            }
            return lines.joined(separator: "\n")
        }
    }
}

