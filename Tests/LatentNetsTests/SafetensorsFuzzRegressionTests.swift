import Foundation
import LatentCore
@testable import LatentNets
import Testing

/// Model files that crashed (or could have crashed) the safetensors reader.
@Suite struct SafetensorsFuzzRegressionTests {
    static func file(header: String, body: Data = Data()) -> Data {
        var json = Array(header.utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: json)
        out.append(body)
        return out
    }

    /// `shape.reduce(1, *) * 4` overflowed for a shape whose product does not fit in `Int`.
    @Test func tensorShapeWhoseByteCountOverflowsIsRefused() {
        let data = SafetensorsFuzzRegressionTests.file(
            header: #"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}"#)
        #expect { try Safetensors.decode(data, path: "m.safetensors") } throws: { error in
            guard case .invalid("m.safetensors", let reason) = error as? SafetensorsError else { return false }
            return reason.contains("too large")
        }
    }
}
