import ArgumentParser
import Foundation
import LatentMap

extension LatentMapCommand {
    struct Anomalies: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rank samples by reconstruction error and show the most anomalous ones.",
            discussion: """
                Writes into the --out folder: ranking.csv (rank, index, label, error; largest \
                error first; index is the row of the data as loaded, after --classes and \
                --subsample), errors.npy (one error per sample, in data order), gallery (the --top \
                most anomalous images above their reconstructions) and histogram (the error \
                distribution, with the cut-off of the top ones).
                  latentmap anomalies ae.safetensors mnist --top 20 --out anomalies
                """)

        @Argument(help: "Model file written by `latentmap train` (.safetensors).")
        var model: String

        @OptionGroup var data: DataOptions
        @OptionGroup var runtime: RuntimeOptions
        @OptionGroup var figures: FigureFormatOptions

        @Option(help: "Number of most anomalous images in the gallery.")
        var top: Int = 20

        @Option(help: "Output folder (created if missing).")
        var out: String

        @Option(help: ArgumentHelp("Image height and width when the data does not say, e.g. 28x28.", valueName: "HxW"))
        var imageShape: String?

        @Option(help: "Seed for --subsample.")
        var seed: UInt64 = 1

        func validate() throws {
            guard top >= 1 else { throw ValidationError("--top must be at least 1, got \(top)") }
            if let imageShape { _ = try parseImageShape(imageShape) }
        }

        func run() throws {
            let autoencoder = try Autoencoder.load(from: model)
            let dataset = try data.load(seed: seed)
            let inputs = try modelInputs(dataset, for: autoencoder, path: model)
            let shape = try LatentMapCommand.Anomalies.imageShape(of: dataset, model: autoencoder, given: imageShape)
            let reconstructed = try autoencoder.reconstruct(inputs)
            let ranking = try AnomalyRanking(inputs: inputs, reconstructions: reconstructed)
            let folder = try OutputFolder(creating: out)
            defer { folder.removeIfEmpty() }
            func path(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }

            var csv = "rank,index,label,error\n"
            for (rank, i) in ranking.order.enumerated() {
                csv += "\(rank + 1),\(i),\(dataset.labels.map { String($0[i]) } ?? ""),\(ranking.errors[i])\n"
            }
            try AtomicFile.write(csv, to: path("ranking.csv"))
            try MatrixIO.write(try Matrix(rows: ranking.errors.count, columns: 1, elements: ranking.errors), to: path("errors.npy"))

            let chosen = ranking.top(top)
            try figures.write(try gallery(chosen, dataset: dataset, reconstructed: reconstructed, ranking: ranking, shape: shape),
                              named: "gallery", in: out)
            if ranking.errors.count >= 2 {
                try figures.write(histogram(ranking, cutoff: ranking.errors[chosen.last!], top: chosen.count), named: "histogram", in: out)
            }
            let mean = ranking.errors.reduce(0.0) { $0 + Double($1) } / Double(max(1, ranking.errors.count))
            if !runtime.quiet {
                ProgressBar.note(String(format: "anomalies: %d samples, mean error %.5f, largest %.5f (sample %d) → %@/",
                                        ranking.errors.count, mean, ranking.errors[chosen[0]], chosen[0], out))
            }
        }

        /// Pairs of rows, up to 10 images wide: the anomalous originals (captioned with their
        /// label or index) above their reconstructions (captioned with the error).
        func gallery(_ chosen: [Int], dataset: Dataset, reconstructed: Matrix, ranking: AnomalyRanking,
                     shape: (height: Int, width: Int)) throws -> ImageGallery {
            // Up to 10 wide, preferring a width that fills every row (24 → 8 × 3).
            let columns = chosen.count <= 10 ? chosen.count
                : (6...10).reversed().first { chosen.count % $0 == 0 } ?? 10
            var parts: [Matrix] = [], captions: [String] = [], rowNames: [String] = []
            for start in stride(from: 0, to: chosen.count, by: columns) {
                var block = Array(chosen[start..<min(chosen.count, start + columns)])
                let shown = block.count
                // Pad a short last block with blank (white, so invisible) cells so the rows stay aligned.
                while block.count < columns { block.append(-1) }
                parts.append(rowsOrBlank(dataset.samples, block))
                parts.append(rowsOrBlank(reconstructed, block))
                captions += block.enumerated().map { k, i in
                    guard k < shown else { return "" }
                    if let labels = dataset.labels { return "\(dataset.className(labels[i])) #\(i)" }
                    return "#\(i)"
                }
                captions += block.enumerated().map { k, i in k < shown ? String(format: "%.3f", ranking.errors[i]) : "" }
                rowNames += ["input", "reconstructed"]
            }
            return widenedForTitle(ImageGallery(try Matrix.vstack(parts), height: shape.height, width: shape.width, columns: columns)
                .rowCaptions(rowNames).imageCaptions(captions).cellWidth(44, spacing: 3)
                .titled("\(chosen.count) largest reconstruction errors (MSE) of \(Pipeline.grouped(ranking.errors.count)) in \(Pipeline.displayName(dataset.name))"))
        }

        /// The rows at `indices`, with a row of ones (drawn white, like the background) for each index −1.
        func rowsOrBlank(_ m: Matrix, _ indices: [Int]) -> Matrix {
            var out = Matrix(rows: indices.count, columns: m.columns, repeating: 1)
            for (r, i) in indices.enumerated() where i >= 0 { out.setRow(r, to: m.row(i)) }
            return out
        }

        /// A step-line histogram of the errors (a log scale on y shows the tail), with the
        /// cut-off of the gallery's images as a dashed line.
        func histogram(_ ranking: AnomalyRanking, cutoff: Float, top: Int) -> LinePlot {
            let errors = ranking.errors
            let lo = Double(errors.min()!), hi = Double(errors.max()!)
            let bins = max(10, min(60, Int(Double(errors.count).squareRoot())))
            let width = hi > lo ? (hi - lo) / Double(bins) : 1
            var counts = [Double](repeating: 0, count: bins)
            for e in errors { counts[min(bins - 1, Int((Double(e) - lo) / width))] += 1 }
            var xs: [Double] = [], ys: [Double] = []
            for (b, c) in counts.enumerated() {
                let y = max(c, 0.8)      // empty bins sit just under 1 on the log axis
                xs += [lo + Double(b) * width, lo + Double(b + 1) * width]
                ys += [y, y]
            }
            return LinePlot()
                .adding("samples", x: xs, y: ys)
                .adding("top \(top)", x: [Double(cutoff), Double(cutoff)], y: [0.8, counts.max()!], color: Color(hex: 0xB22222), dash: [4, 3])
                .markers(false).logarithmicY()
                .titled("Reconstruction error of \(errors.count) samples").axisLabels(x: "mean squared error", y: "samples per bin")
        }

        /// The image shape: --image-shape, the dataset's, the model's input, or square.
        static func imageShape(of dataset: Dataset?, model: Autoencoder, given: String?) throws -> (height: Int, width: Int) {
            if let given { return try parseImageShape(given) }
            if let dataset, let s = dataset.imageShape, s.channels == 1 { return (s.height, s.width) }
            let input = model.architecture.inputShape
            if !input.isVector, input.channels == 1 { return (input.height, input.width) }
            let side = Int(Double(model.inputSize).squareRoot().rounded())
            guard side * side == model.inputSize else {
                throw LatentCommandError("the model's \(model.inputSize) inputs are not a square image; give --image-shape HEIGHTxWIDTH")
            }
            return (side, side)
        }
    }
}
