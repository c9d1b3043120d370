import FuzzSupport
import Foundation
import LatentMap

/// NPZ archives (zip, stored or deflated, zip64): the in-memory parser, then loading each part.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPZ(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    Fuzz.expectingDataErrors {
        let archive = try NPZ.parse(Data(bytes), path: "fuzz")
        _ = archive.memberSummary
        for name in archive.names { _ = archive[name]?.matrix() }
    }
    let path = Fuzz.file("fuzz.npz", bytes)
    for part in DatasetPart.allCases {
        Fuzz.expectingDataErrors { Fuzz.check(try Dataset.load(path, part: part)) }
    }
    return 0
}
