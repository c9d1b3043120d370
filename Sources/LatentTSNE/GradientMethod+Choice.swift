/// The one place `.auto` decides, and the names the CLI and the metrics report.
extension GradientMethod {
    /// `.auto` runs exact t-SNE below this many points (default 1,000).
    ///
    /// Measured (`scripts/bench.sh crossover`, Fashion-MNIST PCA-50, 750 iterations, 2 threads,
    /// 2026-12-01): exact 0.37 s against Barnes-Hut 0.32 s at 1,000 points, 1.34 against 0.80 s
    /// at 2,000 and 12.2 against 1.9 s at 5,000. Below 1,000 exact costs about what Barnes-Hut
    /// does and has no approximation error, so it runs there.
    public static let exactLimit = 1_000
    /// `.auto` runs interpolation from this many points on, in 1-D or 2-D (default 10,000).
    ///
    /// Measured as above: Barnes-Hut 1.9 s against interpolation 3.2 s at 5,000 points (the
    /// grid's fixed cost, at least 50 boxes of 3 nodes, is not repaid), 4.02 against 4.12 s at
    /// 10,000 (even), 8.4 against 6.3 s at 20,000 and 24.0 against 11.1 s at 50,000. openTSNE's
    /// `auto` switches at 10,000 too.
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
