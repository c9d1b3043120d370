import ArgumentParser
import Foundation
import LatentMap

/// The autoencoder and the t-SNE of its codes, as `pipeline` and `compare` take them: `--latent`,
/// `--epochs`, `--method`, `--perplexity` and `--metric`. Hidden alias: `--code-metric`
/// (`compare`'s former spelling).
struct CodeMapOptions: ParsableArguments, DeclaresAliases {
    static let aliases = OptionAlias.renaming(["code-metric"], to: "metric")

    @Option(help: "Latent size: 64 (784-512-256-64, Adam, masking noise 0.2, early stopping) or 20 (784-100-20-100-784, RMSprop).")
    var latent: Int = 64

    @Option(help: "Training epochs of the autoencoders (at most, with the 64-D recipe's early stopping).")
    var epochs: Int = 50

    @Option(help: "t-SNE gradient: barnes-hut or exact.")
    var method: TSNEMethodChoice = .barnesHut

    @Option(help: "t-SNE perplexity (default: 15 for autoencoder codes, 30 for PCA-50).")
    var perplexity: Double?

    @Option(help: "Distance between the autoencoder codes for t-SNE: cosine or euclidean.")
    var metric: DistanceMetric = .cosine

    func validate() throws {
        guard latent == 20 || latent == 64 else { throw CLIError.option("latent", "must be 20 or 64, got \(latent)") }
        try OptionLimits.check(epochs, "epochs", atMost: OptionLimits.passes)
        if let perplexity, !(perplexity > 0 && perplexity.isFinite) {
            throw CLIError.option("perplexity", "must be positive, got \(perplexity)")
        }
    }

    /// The t-SNE gradient `--method` names.
    var gradient: GradientMethod { method == .exact ? .exact : .barnesHut(theta: 0.5) }

    /// `tsne` (a map of codes) with `--method`, `--metric` and `--perplexity` applied.
    func applied(to tsne: TSNE) -> TSNE {
        var t = tsne
        t.method = gradient
        t.metric = metric
        if let perplexity { t.perplexity = perplexity }
        return t
    }
}
