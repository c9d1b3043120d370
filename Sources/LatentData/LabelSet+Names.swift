import Foundation
import LatentCore

extension LabelSet {
    /// Class names from a command-line argument: `digits` (or `mnist`), `fashion-mnist`, a
    /// file with one name per line (see `readClassNames`), or the names inline, separated by
    /// commas (`cat,dog,bird`: class 0 is `cat`).
    ///
    /// An argument that names no file is read inline unless it looks like a path (it has a
    /// `/` or ends in `.txt`/`.csv` and has no comma), which is then a missing file.
    /// - Throws: `DataError` for a missing or unreadable file, or an empty name.
    public static func parseClassNames(_ argument: String) throws -> [String] {
        switch argument.lowercased() {
        case "digits", "mnist": return Dataset.digitClassNames
        case "fashion-mnist", "fashion": return Dataset.fashionClassNames
        default: break
        }
        if FileManager.default.fileExists(atPath: argument) { return try readClassNames(argument) }
        let lower = argument.lowercased()
        if !argument.contains(","), argument.contains("/") || lower.hasSuffix(".txt") || lower.hasSuffix(".csv") {
            throw DataError.fileNotFound(path: argument)
        }
        let names = argument.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if let k = names.firstIndex(where: \.isEmpty) {
            throw DataError.invalidValue(path: "--class-names", reason: "name \(k + 1) of '\(argument)' is empty")
        }
        return names
    }

    /// A one-line warning when `names` does not name every class of `labels` (class `c` is
    /// named by `names[c]`), else nil: the unnamed classes are shown by their numbers.
    public static func namingShortfall(_ names: [String], labels: [Int]) -> String? {
        guard let top = labels.max(), top >= names.count else { return nil }
        let unnamed = Set(labels.filter { $0 >= names.count }).sorted()
        let list = unnamed.count <= 6 ? unnamed.map(String.init).joined(separator: ", ")
                                      : unnamed.prefix(5).map(String.init).joined(separator: ", ") + ", … \(unnamed.last!)"
        return "\(names.count) class name\(names.count == 1 ? "" : "s") for labels up to \(top): class\(unnamed.count == 1 ? "" : "es") \(list) keep\(unnamed.count == 1 ? "s" : "") \(unnamed.count == 1 ? "its number" : "their numbers")"
    }
}

extension Dataset {
    /// The labels that `tokens` name: class names (compared without case, from `classNames`)
    /// or class numbers.
    /// - Parameter option: the option named in errors (default `--classes`).
    /// - Throws: `DataError.invalidArgument` for a token that is neither, or none at all.
    public func classLabels(_ tokens: [String], option: String = "--classes") throws -> Set<Int> {
        var out = Set<Int>()
        for token in tokens.map({ $0.trimmingCharacters(in: .whitespaces) }) where !token.isEmpty {
            if let names = classNames, let c = names.firstIndex(where: { $0.lowercased() == token.lowercased() }) {
                out.insert(c)
            } else if let v = Int(token), v >= 0 {
                out.insert(v)
            } else {
                let known = classNames.map { names in
                    " (its classes: \(names.prefix(12).joined(separator: ", "))\(names.count > 12 ? ", …" : ""))"
                } ?? " (class numbers 0, 1, 2, …)"
                throw DataError.invalidArgument("\(option): '\(token)' is not a class of \(name)\(known)")
            }
        }
        guard !out.isEmpty else { throw DataError.invalidArgument("\(option): no class given") }
        return out
    }
}
