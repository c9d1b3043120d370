import ArgumentParser
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
            var command = try parseAsRoot()
            let context = (command as? RunsInContext)?.executionContext ?? ExecutionContext()
            try context.run { try command.run() }
        } catch {
            exit(withError: error)
        }
    }
}
