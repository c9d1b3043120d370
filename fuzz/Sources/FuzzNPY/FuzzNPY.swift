import FuzzSupport
import Foundation
import LatentMap

/// NPY arrays: the in-memory parser and every conversion, then the path loaders for samples
/// and for labels.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    Fuzz.expectingDataErrors {
        let array = try NPY.parse(Data(bytes), path: "fuzz")
        let m = array.matrix()
        precondition(m.count == array.count, "NPY matrix size does not match its shape")
        _ = array.imageShape
        _ = try array.integerValues(path: "fuzz")
    }
    Fuzz.expectingDataErrors { Fuzz.check(try Dataset.load(Fuzz.file("fuzz.npy", bytes))) }
    Fuzz.expectingDataErrors { _ = try MatrixIO.readLabels(Fuzz.file("fuzz-labels.npy", bytes)) }
    Fuzz.expectingDataErrors { _ = try RowSelection.load(Fuzz.file("fuzz-rows.npy", bytes)).indices(rowCount: 100, of: "fuzz") }
    return 0
}
