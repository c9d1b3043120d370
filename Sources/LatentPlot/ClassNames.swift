import Foundation
import LatentCore

/// Ready-made class names for legends, and a reader for names kept in a file.
public enum ClassNames {
    /// "0" … "9".
    public static let digits = (0...9).map(String.init)

    /// Reads one class name per line (blank lines at the end ignored; surrounding spaces
    /// trimmed): line 1 names label 0, line 2 label 1, and so on.
    /// - Throws: `PlotError.cannotRead` when the file cannot be read or holds no names.
    public static func read(from path: String) throws -> [String] {
        let text: String
        do { text = try FileContents.text(path) } catch let failure as FileContents.Failure {
            throw PlotError.cannotRead(path: path, reason: failure.isMissing ? "no such file" : failure.reason)
        }
        var names = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        while names.last?.isEmpty == true { names.removeLast() }
        guard !names.isEmpty else { throw PlotError.cannotRead(path: path, reason: "the file holds no class names") }
        return names
    }
}
