import Dispatch
import Foundation
import LatentMap

/// SIGINT and SIGTERM remove any file being written and exit, so an interrupted run leaves only
/// complete files behind.
enum Signals {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    nonisolated(unsafe) private static var kept: String?
    private static let lock = NSLock()

    /// Records what an interruption now would leave behind (e.g. "the checkpoint of epoch 4 in
    /// ck.safetensors"); the interruption message names it.
    static func keep(_ description: String) {
        lock.lock(); defer { lock.unlock() }
        kept = description
    }

    nonisolated(unsafe) private static var interrupting = false

    /// True once SIGINT or SIGTERM has arrived: the handler is removing partial files and will
    /// exit with 128 + the signal.
    static var isInterrupting: Bool {
        lock.lock(); defer { lock.unlock() }
        return interrupting
    }

    /// Called on the error path: when the error is a consequence of the interruption (a write
    /// refused because cleanup has begun), wait for the handler's exit instead of exiting 1, so
    /// an interrupted run always ends with 128 + the signal.
    static func yieldToInterruption() {
        guard isInterrupting else { return }
        while true { Thread.sleep(forTimeInterval: 1) }
    }

    static func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                lock.lock(); interrupting = true; lock.unlock()
                TemporaryFiles.removeAll()
                let name = sig == SIGINT ? "SIGINT" : "SIGTERM"
                lock.lock()
                let what = kept.map { "kept \($0) and any other complete files" } ?? "files already complete were kept"
                lock.unlock()
                FileHandle.standardError.write(Data("\nlatentmap: interrupted (\(name)); \(what); partial files removed\n".utf8))
                exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }
}
