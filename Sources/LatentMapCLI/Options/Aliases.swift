import ArgumentParser
import Foundation

/// An old or foreign spelling of an option, kept working without showing in `--help`: the
/// command line is rewritten before parsing (`--lr 0.01` → `--learning-rate 0.01`,
/// `--knn=5` → `--neighbors=5`, `--no-legend` → `--legend none`).
struct OptionAlias: Equatable, Sendable {
    /// The alias, with its dashes (`--lr`).
    var from: String
    /// What it stands for: one option (`--learning-rate`), or an option and its value.
    var to: [String]

    /// `from` and `to` without dashes are long option names.
    init(from: String, to: [String]) {
        self.from = from.hasPrefix("-") ? from : "--" + from
        self.to = to
    }

    /// Each of `names` as an alias of the long option `target` (names without dashes).
    static func renaming(_ names: [String], to target: String) -> [OptionAlias] {
        names.map { OptionAlias(from: $0, to: ["--" + target]) }
    }

    /// `argument` rewritten if it is this alias (`--lr` or `--lr=0.1`), else nil.
    func rewrite(_ argument: String) -> [String]? {
        if argument == from { return to }
        guard to.count == 1, argument.hasPrefix(from + "=") else { return nil }
        return [to[0] + argument.dropFirst(from.count)]
    }
}

/// A command or option group with hidden spellings of its options. A command gets the aliases
/// of its own type and of every option group it holds.
protocol DeclaresAliases {
    static var aliases: [OptionAlias] { get }
}

/// Lets the alias collector see which groups a command holds without reading their values.
private protocol AliasCarrier {
    var carriedAliases: [OptionAlias] { get }
}

extension OptionGroup: AliasCarrier {
    fileprivate var carriedAliases: [OptionAlias] { CommandLineAliases.aliases(of: Value.self) }
}

/// A spelling from another tool (Keras, scikit-learn, matplotlib) that means something different
/// here, with the one line that says what to type instead.
struct OptionSuggestion: Sendable {
    var option: String
    var message: String

    static let all: [OptionSuggestion] = [
        OptionSuggestion(option: "--figsize", message: "--figsize (matplotlib's, in inches) is --width and --height here, in points: e.g. --width 252 --height 180 for 3.5 × 2.5 in"),
        OptionSuggestion(option: "--n-components", message: "--n-components is --dimensions for tsne (output dimensions) and --components for pca"),
        OptionSuggestion(option: "--random-state", message: "--random-state (scikit-learn's) is --seed here"),
        OptionSuggestion(option: "--n-neighbors", message: "--n-neighbors (scikit-learn's) is --neighbors here"),
        OptionSuggestion(option: "--n-jobs", message: "--n-jobs (scikit-learn's) is --threads here"),
    ]
}

enum CommandLineAliases {
    /// Every alias `command` takes: its own and those of its option groups (and theirs).
    static func aliases(of command: ParsableArguments.Type) -> [OptionAlias] {
        var out = (command as? DeclaresAliases.Type)?.aliases ?? []
        for child in Mirror(reflecting: command.init()).children {
            if let carrier = child.value as? AliasCarrier { out += carrier.carriedAliases }
        }
        return out
    }

    /// The subcommand `arguments` name (`["plot", "scatter", …]` → `Plot.Scatter`) and how many
    /// leading arguments name it.
    static func command(for arguments: [String], root: ParsableCommand.Type) -> (ParsableCommand.Type, Int) {
        var command = root, used = 0
        while used < arguments.count,
              let sub = command.configuration.subcommands.first(where: { $0._commandName == arguments[used] }) {
            command = sub
            used += 1
        }
        return (command, used)
    }

    /// `arguments` with the aliases of the command they name rewritten (up to a `--`).
    /// - Throws: `CLIError` with a suggestion for a foreign spelling the command does not take.
    static func rewrite(_ arguments: [String], root: ParsableCommand.Type) throws -> [String] {
        let (command, used) = command(for: arguments, root: root)
        let aliases = aliases(of: command)
        var out = Array(arguments.prefix(used))
        var rest = arguments.dropFirst(used)[...]
        while let argument = rest.popFirst() {
            if argument == "--" { out.append(argument); out += rest; break }
            if let rewritten = aliases.lazy.compactMap({ $0.rewrite(argument) }).first {
                out += rewritten
                continue
            }
            let name = String(argument.prefix { $0 != "=" })
            if let suggestion = OptionSuggestion.all.first(where: { $0.option == name }) { throw CLIError(suggestion.message) }
            out.append(argument)
        }
        return out
    }
}
