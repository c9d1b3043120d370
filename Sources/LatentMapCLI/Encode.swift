import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

extension LatentMapCommand {
    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encode a dataset to latent codes with a trained autoencoder.",
            discussion: """
              latentmap encode ae.safetensors fashion-mnist --part test --out codes.npy
            """)

        @OptionGroup var input: ModelInputOptions
        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Write the codes here (.npy or .csv), one row per sample; the labels go beside them (codes.labels.npy, or a label column in CSV) for the commands that read the codes.")
        var out: String

        func run() throws {
            let (autoencoder, dataset, inputs) = try input.load()
            let codes = try autoencoder.encode(inputs)
            try MatrixIO.write(codes, labels: dataset.labelSet, to: out)
            runtime.note("encode: \(codes.rows) × \(codes.columns) codes → \(out)")
        }
    }
}
