import ArgumentParser
import Foundation
import LatentMap

extension LatentMapCommand {
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe a dataset: shape, element type, value range and label counts.",
            discussion: "DATASET is `mnist` (bundled), `fashion-mnist`, or a file path.")

        @Argument(help: "Dataset name or file path.")
        var dataset: String

        @Option(help: "Part of a dataset with a train/test split: train, test or all.")
        var part: DatasetPart = .all

        func run() throws {
            let data = try Dataset.load(dataset, part: part)
            print(Info.describe(data))
        }

        static func describe(_ data: Dataset) -> String {
            var lines = ["dataset:  \(data.name)",
                         "samples:  \(data.count) × \(data.dimension) (Float32)"]
            if let shape = data.imageShape { lines.append("images:   \(shape)") }
            if let r = data.samples.range() {
                lines.append(String(format: "range:    %.4g … %.4g", r.min, r.max))
            }
            let hist = data.labelHistogram()
            if hist.isEmpty {
                lines.append("labels:   none")
            } else {
                lines.append("labels:   \(hist.count) classes")
                for (label, n) in hist.enumerated() {
                    lines.append("  \(label)\t\(n)\t\(data.className(label))")
                }
            }
            return lines.joined(separator: "\n")
        }
    }
}
