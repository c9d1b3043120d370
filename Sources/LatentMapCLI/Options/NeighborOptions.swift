import ArgumentParser
import Foundation
import LatentMap

/// `--neighbors`: k of a k-nearest-neighbour search or classifier. Its default depends on the
/// command (10 for accuracies, 90 for `neighbors`), so the value is optional here and each command
/// resolves it with `count(default:)`. `--knn`, `--k` and `--neighbours` are hidden aliases.
struct NeighborOptions: ParsableArguments, DeclaresAliases {
    static let aliases = OptionAlias.renaming(["knn", "k", "neighbours"], to: "neighbors")

    @Option(help: ArgumentHelp("k of the k-nearest-neighbour search or classifier (default: see the command).", valueName: "k"))
    var neighbors: Int?

    func validate() throws {
        if let neighbors { try OptionLimits.check(neighbors, "neighbors", atMost: OptionLimits.neighbors) }
    }

    /// `--neighbors`, or `fallback` when it is not given.
    func count(default fallback: Int) -> Int { neighbors ?? fallback }
}
