import Foundation
import LatentCore
import LatentWorkflows

/// A progress bar per stage: pass it as the `progress` closure of a multi-stage workflow and
/// each new stage gets its own bar (plain lines when stderr is not a terminal).
///
/// ```swift
/// let bars = StageProgressBars()
/// let outcomes = try EmbeddingComparison().run(on: data, progress: bars.report)
/// bars.finish()
/// ```
public final class StageProgressBars: @unchecked Sendable {
    private var bar: ProgressBar?
    private var stage = ""
    private var detail = ""
    private let quiet: Bool
    private let plainLines: Int

    /// - Parameters:
    ///   - plainLines: about how many plain lines each stage prints when not on a terminal.
    ///   - quiet: print nothing.
    public init(plainLines: Int = 10, quiet: Bool = false) {
        self.plainLines = max(1, plainLines)
        self.quiet = quiet
    }

    /// Updates the bar of `progress.stage` (finishing the previous stage's bar first).
    public func report(_ progress: StageProgress) -> ProgressDecision {
        if progress.stage != stage {
            finish()
            stage = progress.stage
            detail = ""
            if progress.total > 1 {
                bar = ProgressBar(title: progress.stage, total: progress.total,
                                  plainEvery: max(1, progress.total / plainLines), quiet: quiet)
            } else if !quiet {
                ProgressBar.note(progress.stage)
            }
        }
        if !progress.detail.isEmpty { detail = progress.detail }   // t-SNE reports its KL every 50 iterations
        bar?.update(progress.step, detail: detail)
        return .continue
    }

    /// Finishes the current bar, with `message` after it.
    public func finish(_ message: String = "") {
        bar?.finish(message)
        bar = nil
    }
}
