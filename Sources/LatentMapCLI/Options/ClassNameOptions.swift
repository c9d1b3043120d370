import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

/// `--class-names`: the names of the classes a figure shows in its legend and captions.
struct ClassNameOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Class names: digits, fashion-mnist, a file with one name per line, or the names inline (cat,dog,bird: class 0 is cat).", valueName: "names"))
    var classNames: String?

    /// The names `--class-names` gives, else `fallback` (e.g. the dataset's own). When the
    /// given names are too few for `labels`, one warning line says which classes keep their
    /// numbers.
    func names(default fallback: [String]? = nil, for labels: [Int]? = nil) throws -> [String]? {
        guard let given = try resolveClassNames(classNames) else { return fallback }
        if let labels, let shortfall = LabelSet.namingShortfall(given, labels: labels) {
            ProgressBar.note("warning: --class-names: \(shortfall)")
        }
        return given
    }
}

/// `--class-names`: `digits`, `fashion-mnist`, a file with one name per line, or names inline.
func resolveClassNames(_ spec: String?) throws -> [String]? {
    try spec.map(LabelSet.parseClassNames)
}
