import ArgumentParser
import Foundation
import LatentMap

/// `--checkpoint`, `--checkpoint-every` and `--resume`: a long run (`train` by epochs, `tsne`
/// by iterations) saves its whole state as it goes and continues from it to the result an
/// uninterrupted run gives.
struct CheckpointOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Save the run's whole state here every --checkpoint-every epochs or iterations.", valueName: "path"))
    var checkpoint: String?

    @Option(help: "Epochs (train; default 1) or iterations (tsne; default 50) between checkpoints.") var checkpointEvery: Int?

    @Option(help: ArgumentHelp("Continue the run saved in this checkpoint (same data and options): the result is that of an uninterrupted run.",
                               valueName: "path"))
    var resume: String?

    func validate() throws {
        if let checkpointEvery {
            if checkpoint == nil { throw CLIError.needs("checkpoint-every", "checkpoint") }
            try OptionLimits.check(checkpointEvery, "checkpoint-every", atMost: OptionLimits.passes)
        }
    }

    /// `--checkpoint-every`, or `fallback`.
    func every(default fallback: Int) -> Int { checkpointEvery ?? fallback }

    /// Refuses a checkpoint that would overwrite the run's output.
    func checkDistinct(from out: String?) throws {
        if let checkpoint, let out, sameFile(checkpoint, out) { throw CLIError("--checkpoint and --out must be different files") }
    }
}
