import ArgumentParser
import Foundation
import LatentMap

/// `--class-names`: the names of the classes a figure shows in its legend and captions.
struct ClassNameOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Class names: digits, fashion-mnist, or a file with one name per line.", valueName: "names"))
    var classNames: String?

    /// The names `--class-names` gives, else `fallback` (e.g. the dataset's own).
    func names(default fallback: [String]? = nil) throws -> [String]? {
        try resolveClassNames(classNames) ?? fallback
    }
}

/// `--class-names`: `digits`, `fashion-mnist`, or a file with one name per line.
func resolveClassNames(_ spec: String?) throws -> [String]? {
    guard let spec else { return nil }
    switch spec.lowercased() {
    case "digits", "mnist": return ClassNames.digits
    case "fashion-mnist", "fashion": return Dataset.fashionClassNames
    default: return try ClassNames.read(from: spec)
    }
}
