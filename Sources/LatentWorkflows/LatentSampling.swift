import Foundation
import LatentAnalysis
import LatentCore
import LatentData
import LatentNets
import LatentPlot

/// Random codes decoded into images: from the prior N(0, I) for a variational autoencoder,
/// else from a diagonal Gaussian fitted to a dataset's codes (`latentmap sample`).
///
/// ```swift
/// let samples = try LatentSampling(count: 64, seed: 3).run(autoencoder: model, dataset: mnist)
/// try samples.gallery().write(to: "samples.png")
/// ```
public struct LatentSampling: Sendable {
    /// Number of samples (default 64).
    public var count = 64
    /// Images per row of the gallery (default nil: about √count).
    public var columns: Int?
    /// Seeds the samples (default 1).
    public var seed: UInt64 = 1

    public init(count: Int = 64, columns: Int? = nil, seed: UInt64 = 1) {
        self.count = count
        self.columns = columns
        self.seed = seed
    }

    /// The sampled codes, their images and a title.
    public struct Result: Sendable {
        public var codes: Matrix
        public var images: Matrix
        public var title: String
        public var imageSize: (height: Int, width: Int)
        public var columns: Int

        /// The decoded samples, `columns` to a row.
        public func gallery() -> ImageGallery {
            ImageGallery(images, height: imageSize.height, width: imageSize.width, columns: columns).titled(title).widenedForTitle()
        }
    }

    /// Samples and decodes. `dataset` is needed unless the model is variational.
    /// - Throws: `WorkflowError` without data for a plain autoencoder, or data that does not fit it.
    public func run(autoencoder: Autoencoder, dataset: Dataset?, imageSize: (height: Int, width: Int)? = nil,
                    context: ExecutionContext = .current) throws -> Result {
        let perRow = columns ?? max(1, Int(Double(count).squareRoot().rounded(.up)))
        return try context.run {
            if autoencoder.isVariational {
                let (codes, images) = try autoencoder.samplesFromPrior(count: count, seed: seed)
                return Result(codes: codes, images: images, title: "\(count) samples from the prior N(0, I) (\(autoencoder.codeSize)-D)",
                              imageSize: try imageSize ?? Recipes.imageSize(of: nil, model: autoencoder), columns: perRow)
            }
            guard let dataset else { throw WorkflowError("a plain autoencoder samples from its codes of a dataset: give one") }
            let codes = try autoencoder.encode(try Recipes.modelInputs(dataset, for: autoencoder))
            let sampled = try DiagonalGaussian(fitting: codes).sample(count: count, seed: seed)
            return Result(codes: sampled, images: try autoencoder.decode(sampled),
                          title: "\(count) samples from a diagonal Gaussian fitted to \(dataset.count) codes (\(codes.columns)-D)",
                          imageSize: try imageSize ?? Recipes.imageSize(of: dataset, model: autoencoder), columns: perRow)
        }
    }
}
