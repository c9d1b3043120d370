import Foundation
import LatentCore
@testable import LatentData
import Testing
import TestSupport

@Suite struct DataMemoryTests {
    @Test func aMatrixAboveTheLimitIsRefusedWithTheEstimateAndTheFile() {
        #expect { try IDX.checkMemory(floats: 1_000_000, path: "big-images-idx3-ubyte", limit: 1_000_000) } throws: { error in
            guard let e = error as? DataError, case .tooLarge("big-images-idx3-ubyte", 4_000_000, 1_000_000) = e else { return false }
            return e.description == "big-images-idx3-ubyte: loading it needs about 4.0 MB but only 1.0 MB is available: use a smaller part or raise the memory limit"
        }
        #expect(throws: Never.self) { try IDX.checkMemory(floats: 1000, path: "small", limit: 1_000_000) }
    }
}
