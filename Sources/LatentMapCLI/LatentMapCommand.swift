import ArgumentParser
import Foundation
import LatentMap

@main
struct LatentMapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latentmap",
        abstract: "Autoencoders, t-SNE and publication figures for image data.",
        version: "0.1.0",
        subcommands: [Info.self, Train.self, Encode.self, Decode.self, Reconstruct.self, TSNECommand.self, Place.self, Neighbors.self, Augment.self, Plot.self, Pipeline.self, Compare.self,
                      Classify.self, Sweep.self, PCACommand.self, Anomalies.self, Interpolate.self, Walk.self, Sample.self, SGEMMPeak.self])

    static func main() {
        Signals.install()
        do {
            let arguments = joiningNegativeValues(Array(CommandLine.arguments.dropFirst()))
            var command = try parseAsRoot(try CommandLineAliases.rewrite(arguments, root: self))
            let context = (command as? RunsInContext)?.executionContext ?? ExecutionContext()
            try context.run { try command.run() }
        } catch {
            Signals.yieldToInterruption()
            exit(reporting: error)
        }
    }
}

/// `arguments` with each negative number that follows a long option joined to it
/// (`--lr -1` → `--lr=-1`), so the option's own check says the value must be positive instead
/// of the parser taking `-1` for a flag and reporting a missing value.
func joiningNegativeValues(_ arguments: [String]) -> [String] {
    var out: [String] = []
    for argument in arguments {
        if let previous = out.last, previous.hasPrefix("--"), previous.count > 2, !previous.contains("="),
           looksNegative(argument) {
            out[out.count - 1] = previous + "=" + argument
        } else {
            out.append(argument)
        }
    }
    return out
}

/// True for `-1`, `-0.5`, `-.5`, `-1e3`, `-inf`, `-nan`: a value, not a short flag.
private func looksNegative(_ argument: String) -> Bool {
    guard argument.hasPrefix("-"), argument.count > 1 else { return false }
    let rest = argument.dropFirst()
    if let first = rest.first, first.isNumber || (first == "." && rest.count > 1) { return true }
    return ["inf", "infinity", "nan"].contains(rest.lowercased())
}
