import Foundation
import LatentCore
import LatentWorkflows

/// A progress bar per stage: pass it as the `progress` closure of a multi-stage workflow and
/// each new stage gets its own bar (plain lines when stderr is not a terminal). Off a terminal,
/// every report that carries a measurement (t-SNE's KL every 50 iterations, an epoch's loss)
/// gets its own line, so no line repeats a stale value.
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
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var stageStart = Date()
    /// Whether the current stage's reports carry measurements (then only those print, off a terminal).
    private var measured = false

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
            stageStart = Date()
            measured = false
            if progress.total > 1 {
                bar = ProgressBar(title: progress.stage, total: progress.total,
                                  plainEvery: max(1, progress.total / plainLines), quiet: quiet)
            } else if !quiet {
                ProgressBar.note(progress.stage)
            }
        }
        if !isTerminal, bar != nil, measured || !progress.detail.isEmpty {
            // Only fresh measurements print, each on its own line (t-SNE reports its KL every 50 iterations).
            measured = true
            if !quiet, !progress.detail.isEmpty {
                ProgressBar.note("\(stage): \(progress.step)/\(progress.total) \(String(format: "%.1fs", Date().timeIntervalSince(stageStart))) \(progress.detail)")
            }
            return .continue
        }
        if !progress.detail.isEmpty { detail = progress.detail }
        bar?.update(progress.step, detail: detail)
        return .continue
    }

    /// Finishes the current bar, with `message` after it.
    public func finish(_ message: String = "") {
        bar?.finish(message)
        bar = nil
    }
}
