import Foundation
import LatentCore
import LatentNets
import Testing
import TestSupport

@Suite struct SafetensorsTests {
    func convModel() throws -> Autoencoder {
        let arch = Architecture(
            inputShape: TensorShape(height: 8, width: 8, channels: 1),
            encoder: [.conv2D(filters: 3, activation: .relu), .maxPool2D(size: 2, padding: .same),
                      .flatten, .dense(units: 5, activation: .linear)],
            decoder: [.dense(units: 48, activation: .relu), .reshape(TensorShape(height: 4, width: 4, channels: 3)),
                      .upSampling2D(factor: 2), .conv2D(filters: 1, activation: .sigmoid)])
        return try Autoencoder(architecture: arch, seed: 7)
    }

    @Test func aSavedModelLoadsBackAndGivesIdenticalResults() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for model in [try convModel(), try Autoencoder.preset(.dense2d, seed: 3)] {
            let path = dir.file("model.safetensors")
            try model.save(to: path)
            let loaded = try Autoencoder.load(from: path)
            #expect(loaded.architecture == model.architecture)
            #expect(loaded.parameters == model.parameters)
            let x = TestData.random(rows: 20, columns: model.inputSize, seed: 2).map { abs($0) }
            #expect(try loaded.encode(x) == model.encode(x))
            #expect(try loaded.reconstruct(x) == model.reconstruct(x))
            let codes = try model.encode(x)
            #expect(try loaded.decode(codes) == model.decode(codes))
        }
        #expect(dir.contents() == ["model.safetensors"])   // no temporary file left behind
    }

    @Test func aModelTrainedOnDeskewedImagesSaysSoInItsFile() throws {
        var model = try Autoencoder.dense(inputSize: 6, hidden: [4], codeSize: 2, seed: 1)
        #expect(try model.safetensors().metadata["input_preprocessing"] == nil)
        #expect(try !Autoencoder(safetensors: model.safetensors(), path: "m").deskewsInputs)
        model.deskewsInputs = true
        let file = try model.safetensors()
        #expect(file.metadata["input_preprocessing"] == "deskew")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try model.save(to: dir.file("m.safetensors"))
        let back = try Autoencoder.load(from: dir.file("m.safetensors"))
        #expect(back.deskewsInputs && back.parameters == model.parameters)
        var unknown = file
        unknown.metadata["input_preprocessing"] = "whiten"
        try expectInvalid(try unknown.encoded(), mentioning: ["input preprocessing 'whiten'"])
    }

    @Test func theFileFollowsTheSafetensorsLayout() throws {
        let model = try Autoencoder.dense(inputSize: 6, hidden: [4], codeSize: 2, seed: 1)
        let data = try model.safetensors().encoded()
        var n: UInt64 = 0
        for k in 0..<8 { n |= UInt64(data[k]) << (8 * UInt64(k)) }
        #expect((8 + Int(n)) % 8 == 0)
        let header = try #require(try JSONSerialization.jsonObject(with: data[8..<(8 + Int(n))]) as? [String: Any])
        let w = try #require(header["encoder.0.weight"] as? [String: Any])
        #expect(w["dtype"] as? String == "F32")
        #expect(w["shape"] as? [Int] == [6, 4])
        let offsets = try #require(w["data_offsets"] as? [Int])
        let meta = try #require(header["__metadata__"] as? [String: String])
        #expect(meta["format"] == Autoencoder.fileFormat)
        #expect(meta["spec"] == "6-4-2")
        #expect(meta["architecture"]?.contains("dense") == true)
        // The first weight, read straight from the bytes, is the model's first parameter.
        let start = 8 + Int(n) + offsets[0]
        var bits: UInt32 = 0
        for k in 0..<4 { bits |= UInt32(data[start + k]) << (8 * UInt32(k)) }
        #expect(Float(bitPattern: bits) == model.parameters[0])
        #expect(data.count == 8 + Int(n) + model.parameterCount * 4)
    }

    @Test func tensorsAndMetadataRoundTrip() throws {
        let file = Safetensors(tensors: [("b", SafetensorsTensor(shape: [2, 2], values: [1, -2, 3.5, .infinity])),
                                         ("a", SafetensorsTensor(shape: [0], values: []))],
                               metadata: ["note": "\"quoted\" / ünïcode"])
        let back = try Safetensors.decode(try file.encoded(), path: "x")
        #expect(back.metadata == file.metadata)
        #expect(back["b"] == file["b"] && back["a"] == file["a"])
    }

    func expectInvalid(_ data: Data, mentioning words: [String]) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("bad.safetensors")
        try data.write(to: URL(fileURLWithPath: path))
        do {
            _ = try Autoencoder.load(from: path)
            Issue.record("loading a damaged file succeeded")
        } catch {
            let error = "\(error)"
            #expect(error.contains(path), "\(error)")
            for w in words { #expect(error.contains(w), "\(error) lacks '\(w)'") }
        }
    }

    @Test func damagedOrMismatchedFilesGiveAnErrorNamingTheFile() throws {
        let model = try Autoencoder.dense(inputSize: 6, hidden: [4], codeSize: 2, seed: 1)
        let good = try model.safetensors()
        let bytes = try good.encoded()
        try expectInvalid(bytes.prefix(5), mentioning: ["too short"])
        try expectInvalid(bytes.prefix(bytes.count - 4), mentioning: ["truncated"])
        var garbage = bytes
        garbage[9] = UInt8(ascii: "#")
        try expectInvalid(garbage, mentioning: ["JSON"])
        var missing = good
        missing.tensors.removeLast()
        try expectInvalid(try missing.encoded(), mentioning: ["missing"])
        var reshaped = good
        reshaped.tensors[0].tensor.shape = [4, 6]
        try expectInvalid(try reshaped.encoded(), mentioning: ["shape"])
        var extra = good
        extra.tensors.append(("decoder.9.weight", SafetensorsTensor(shape: [1], values: [0])))
        try expectInvalid(try extra.encoded(), mentioning: ["unexpected"])
        var noArchitecture = good
        noArchitecture.metadata["architecture"] = nil
        try expectInvalid(try noArchitecture.encoded(), mentioning: ["architecture"])
        #expect(throws: SafetensorsError.unreadable(path: "/no/such/model.safetensors", reason: "no such file")) {
            try Autoencoder.load(from: "/no/such/model.safetensors")
        }
    }
}
