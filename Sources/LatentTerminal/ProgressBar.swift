import Foundation

/// Shows the progress of a long run on standard error.
///
/// On a terminal it redraws one line: a bar, the count, the elapsed time and an ETA. Elsewhere
/// (a log file, CI) it prints one plain line every `plainEvery` steps and at the end. The
/// library modules never print: this module is for the command line and the examples only.
public final class ProgressBar: @unchecked Sendable {
    private let title: String
    private let total: Int
    private let plainEvery: Int
    private let start = Date()
    private let isTerminal: Bool
    private var lastDraw = Date.distantPast
    private var finished = false
    private let quiet: Bool

    /// - Parameters:
    ///   - title: the stage, e.g. "t-SNE" or "train".
    ///   - total: the number of steps.
    ///   - plainEvery: off a terminal, print every this many steps.
    ///   - quiet: print nothing at all.
    public init(title: String, total: Int, plainEvery: Int = 1, quiet: Bool = false) {
        self.title = title
        self.total = max(1, total)
        self.plainEvery = max(1, plainEvery)
        self.isTerminal = isatty(STDERR_FILENO) == 1
        self.quiet = quiet
    }

    /// Reports that `completed` of `total` steps are done, with an optional detail ("KL 1.72").
    public func update(_ completed: Int, detail: String = "") {
        guard !quiet, !finished else { return }
        let elapsed = Date().timeIntervalSince(start)
        if isTerminal {
            let now = Date()
            guard completed >= total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = now
            let width = 28
            let frac = min(1, Double(completed) / Double(total))
            let filled = Int(frac * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let eta = completed > 0 ? elapsed / Double(completed) * Double(total - completed) : 0
            let line = "\r\(title) \(bar) \(completed)/\(total) \(ProgressBar.format(elapsed)) ETA \(ProgressBar.format(eta)) \(detail)"
            FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
        } else if completed % plainEvery == 0 || completed >= total {
            let line = "\(title): \(completed)/\(total) \(ProgressBar.format(elapsed)) \(detail)\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Ends the bar with a final message.
    public func finish(_ message: String = "") {
        guard !quiet, !finished else { return }
        finished = true
        let elapsed = ProgressBar.format(Date().timeIntervalSince(start))
        let text = "\(title): done in \(elapsed)" + (message.isEmpty ? "" : ", \(message)")
        FileHandle.standardError.write(Data(((isTerminal ? "\r" : "") + text + (isTerminal ? "\u{1B}[K\n" : "\n")).utf8))
    }

    /// Prints one plain status line on standard error.
    public static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static func format(_ seconds: TimeInterval) -> String {
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let s = Int(seconds)
        return s < 3600 ? String(format: "%dm%02ds", s / 60, s % 60) : String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }
}
