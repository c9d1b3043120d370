import FuzzSupport
import Foundation
import LatentMap

/// IDX files, raw and gzip-compressed: the in-memory parser, then the path loader (format by
/// name, gunzip, header checks, pixel conversion).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let data = Data(bytes)
    Fuzz.expectingDataErrors {
        let plain = Gzip.isGzip(data) ? try Gzip.decompress(data, path: "fuzz") : data
        let array = try IDX.parse(plain, expectedDimensions: nil, path: "fuzz")
        precondition(array.bytes.count == array.dimensions.reduce(1, *), "IDX element count does not match its header")
    }
    Fuzz.expectingDataErrors {
        Fuzz.check(try Dataset.load(Fuzz.file("fuzz-images-idx3-ubyte", bytes)))
    }
    Fuzz.expectingDataErrors {
        _ = try IDX.readLabels(Fuzz.file("fuzz-labels-idx1-ubyte", bytes))
    }
    return 0
}
