import ArgumentParser
import LatentMap

// The library's choice types that the command line takes by their raw names, all in one place.

extension DatasetPart: ExpressibleByArgument {}
extension DistanceMetric: ExpressibleByArgument {}
extension Preset: ExpressibleByArgument {}
extension EmbeddingComparison.Method: ExpressibleByArgument {}
extension LatentSampling.Covariance: ExpressibleByArgument {}
extension GaussianMixture.Covariance: ExpressibleByArgument {}
