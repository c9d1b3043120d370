import FuzzSupport
import Foundation
import LatentMap

/// safetensors model files: the container parser, then building an autoencoder from it (the
/// architecture in the metadata against the tensors).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(UnsafeRawBufferPointer(start: start, count: count))
    Fuzz.expectingDataErrors {
        let file = try Safetensors.decode(data, path: "fuzz")
        for (_, t) in file.tensors {
            precondition(t.values.count == t.shape.reduce(1, *), "tensor size does not match its shape")
        }
        _ = try Autoencoder(safetensors: file, path: "fuzz")
    }
    return 0
}
