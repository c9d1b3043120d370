/// The one place `.auto` decides, and the names the CLI and the metrics report.
extension GradientMethod {
    /// `.auto` runs exact t-SNE below this many points (default 2,000).
    ///
    /// Provisional, from reasoning rather than timing on this machine: exact costs O(N²) time
    /// and 24·N² bytes of affinities, about 0.1 GB and a few seconds at 2,000 points (scikit-learn's
    /// exact t-SNE of the first 2,000 MNIST digits took 2.9 s here), where Barnes-Hut's error is
    /// still measurable in the KL. `scripts/bench.sh crossover` times the three methods at
    /// 1,000–50,000 points so that this can be set by measurement.
    public static let exactLimit = 2_000
    /// `.auto` runs interpolation from this many points on, in 1-D or 2-D (default 10,000).
    ///
    /// Provisional: openTSNE's `auto` switches from Barnes-Hut to FFT at 10,000 points. Below it,
    /// the fixed cost of the grid (at least 50 boxes of 3 nodes: nine 300 × 300 FFTs per
    /// iteration in 2-D) is not repaid; above it, Barnes-Hut's O(N log N) walk costs more than
    /// interpolation's O(N) spreading. To be measured with `scripts/bench.sh crossover`.
    public static let interpolationThreshold = 10_000

    /// The method that runs for `points` points in `dimensions` output dimensions: `.auto`
    /// becomes exact below `exactLimit`, interpolation from `interpolationThreshold` (1-D and
    /// 2-D) and Barnes-Hut in between (and above, in 3-D); `.interpolation` in 3-D becomes
    /// Barnes-Hut with θ = 0.5, since the grid would need (6·boxes)³ cells. In 1-D, where there
    /// is no Barnes-Hut tree, `.auto` from `exactLimit` on and `.barnesHut` become interpolation
    /// (a 1-D grid costs next to nothing). Other methods are returned unchanged.
    public func resolved(points n: Int, dimensions d: Int) -> GradientMethod {
        switch self {
        case .auto:
            if n < GradientMethod.exactLimit { return .exact }
            if d == 1 { return .interpolation() }
            return n >= GradientMethod.interpolationThreshold && d == 2 ? .interpolation() : .barnesHut()
        case .interpolation where d > 2:
            return .barnesHut()
        case .barnesHut where d == 1:
            return .interpolation()
        default:
            return self
        }
    }

    /// The method's name as the CLI spells it: `exact`, `barnes-hut`, `interpolation` or `auto`.
    public var name: String {
        switch self {
        case .exact: "exact"
        case .barnesHut: "barnes-hut"
        case .interpolation: "interpolation"
        case .auto: "auto"
        }
    }

    /// True when the method keeps a Barnes-Hut tree (whose insertion order a checkpoint saves).
    var usesTree: Bool {
        if case .barnesHut = self { return true }
        return false
    }
}
