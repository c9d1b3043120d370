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

    static func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
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
