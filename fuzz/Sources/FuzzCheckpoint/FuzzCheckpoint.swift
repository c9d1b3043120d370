import FuzzSupport
import Foundation
import LatentMap

/// t-SNE checkpoint files (`--resume`): the decoder must refuse anything it did not write.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(UnsafeRawBufferPointer(start: start, count: count))
    do {
        let c = try TSNECheckpoint.decode(data, path: "fuzz")
        precondition(c.state.gains.count == c.positions.count && c.state.update.count == c.positions.count,
                     "checkpoint state does not match its positions")
        // Compared as bytes: a crafted file may hold NaN, which no `==` would match.
        let bytes = try c.encoded()
        let again = try TSNECheckpoint.decode(bytes, path: "fuzz").encoded()
        precondition(again == bytes, "checkpoint does not round-trip")
    } catch is TSNEError {
    } catch {
        fatalError("unexpected error type \(type(of: error)): \(error)")
    }
    return 0
}
