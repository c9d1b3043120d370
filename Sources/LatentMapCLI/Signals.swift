import Dispatch
import Foundation
import LatentMap

/// SIGINT and SIGTERM remove any file being written and exit, so an interrupted run leaves only
/// complete files behind.
enum Signals {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                TemporaryFiles.removeAll()
                let name = sig == SIGINT ? "SIGINT" : "SIGTERM"
                FileHandle.standardError.write(Data("\nlatentmap: interrupted (\(name)); files already complete were kept, partial files removed\n".utf8))
                exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }
}
