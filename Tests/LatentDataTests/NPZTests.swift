import Foundation
import LatentCore
@testable import LatentData
import Testing
import TestSupport

/// A member of a test zip archive.
struct ZipMember {
    var name: String
    var content: Data
    var deflated: Bool
    var method: UInt16? = nil  // overrides the compression method written to the headers
}

/// Builds zip bytes the way Python's zipfile lays them out: local headers with data, then the
/// central directory, then the end record.
func zipArchive(_ members: [ZipMember]) throws -> Data {
    func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16 & 0xFFFF) }
    var body = Data(), directory = Data()
    for m in members {
        let stored = m.deflated ? try Gzip.deflateRaw(m.content) : m.content
        let method = Int(m.method ?? (m.deflated ? 8 : 0))
        let crc = Int(Gzip.crc32(m.content))
        let name = Array(m.name.utf8)
        let offset = body.count
        body.append(contentsOf: le32(0x0403_4B50) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0x21))
        body.append(contentsOf: le32(crc) + le32(stored.count) + le32(m.content.count) + le16(name.count) + le16(0) + name)
        body.append(stored)
        directory.append(contentsOf: le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0x21))
        directory.append(contentsOf: le32(crc) + le32(stored.count) + le32(m.content.count) + le16(name.count))
        directory.append(contentsOf: le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + name)
    }
    var out = body + directory
    out.append(contentsOf: le32(0x0605_4B50) + le16(0) + le16(0) + le16(members.count) + le16(members.count))
    out.append(contentsOf: le32(directory.count) + le32(body.count) + le16(0))
    return out
}

/// `.npy` bytes of a float32 matrix with rows `0, 1, 2, …` (row i filled with i + offset).
func npyRows(_ rows: Int, _ columns: Int, offset: Float = 0) -> Data {
    NPY.encode(Matrix(rows: rows, columns: columns) { p in for k in p.indices { p[k] = Float(k / columns) + offset } })
}

@Suite struct NPZTests {
    @Test(arguments: [false, true])
    func storedAndDeflatedMembersAreRead(deflated: Bool) throws {
        let x = TestData.random(rows: 40, columns: 6, seed: 2)
        let bytes = try zipArchive([ZipMember(name: "x.npy", content: NPY.encode(x), deflated: deflated),
                                    ZipMember(name: "y.npy", content: NPY.encode(labels: (0..<40).map { $0 % 4 }), deflated: deflated)])
        let archive = try NPZ.parse(bytes, path: "a.npz")
        #expect(archive.names == ["x", "y"])
        #expect(archive["x"]?.matrix() == x)
        #expect(try archive["y"]?.integerValues(path: "") == (0..<40).map { $0 % 4 })
    }

    @Test func aCorruptMemberFailsItsChecksum() throws {
        var bytes = try zipArchive([ZipMember(name: "x.npy", content: npyRows(4, 4), deflated: false)])
        bytes[bytes.startIndex + 200] ^= 0xFF  // inside the stored element bytes
        let error = #expect(throws: DataError.self) { try NPZ.parse(bytes, path: "c.npz") }
        #expect(error?.description == "c.npz: member x.npy is corrupt (CRC-32 mismatch)")
    }

    @Test func unsupportedCompressionAndNonNpyMembersAreNamed() throws {
        let bzip = try zipArchive([ZipMember(name: "x.npy", content: npyRows(2, 2), deflated: false, method: 12)])
        let method = #expect(throws: DataError.self) { try NPZ.parse(bzip, path: "b.npz") }
        #expect(method?.description.contains("member x.npy uses zip compression method 12") == true)
        let text = try zipArchive([ZipMember(name: "notes.txt", content: Data("hi".utf8), deflated: false)])
        let member = #expect(throws: DataError.self) { try NPZ.parse(text, path: "t.npz") }
        #expect(member?.description == "t.npz: member notes.txt is not an .npy array")
    }

    @Test func notAZipTruncatedAndZip64AreNamed() throws {
        let notZip = #expect(throws: DataError.self) { try NPZ.parse(npyRows(2, 2), path: "n.npz") }
        #expect(notZip?.description.contains("n.npz: not an NPZ (zip) archive") == true)
        let full = try zipArchive([ZipMember(name: "x.npy", content: npyRows(8, 8), deflated: true)])
        let truncated = #expect(throws: DataError.self) { try NPZ.parse(full.prefix(full.count - 30), path: "t.npz") }
        #expect(truncated?.description.contains("t.npz: archive is truncated") == true)
        var zip64 = full
        let end = zip64.count - 22
        zip64.replaceSubrange((end + 8)..<(end + 12), with: [0xFF, 0xFF, 0xFF, 0xFF])
        let big = #expect(throws: DataError.self) { try NPZ.parse(zip64, path: "z.npz") }
        #expect(big?.description.contains("zip64") == true)
    }

    @Test func trainAndTestMembersAreSelectedByPart() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("split.npz")
        try zipArchive([
            ZipMember(name: "x_train.npy", content: npyRows(3, 2), deflated: true),
            ZipMember(name: "y_train.npy", content: NPY.encode(labels: [0, 1, 2]), deflated: true),
            ZipMember(name: "x_test.npy", content: npyRows(2, 2, offset: 10), deflated: false),
            ZipMember(name: "y_test.npy", content: NPY.encode(labels: [5, 6]), deflated: false),
        ]).write(to: URL(fileURLWithPath: path))
        let train = try Dataset.load(path, part: .train)
        #expect(train.count == 3 && train.labels == [0, 1, 2] && train.samples[2, 1] == 2)
        let test = try Dataset.load(path, part: .test)
        #expect(test.labels == [5, 6] && test.samples[0, 0] == 10)
        let all = try Dataset.load(path)
        #expect(all.count == 5 && all.labels == [0, 1, 2, 5, 6] && all.samples[3, 0] == 10)
    }

    @Test func ambiguousOrUnrecognisedMembersListTheMembers() throws {
        let twoSamples = try NPZ.parse(try zipArchive([
            ZipMember(name: "x.npy", content: npyRows(2, 2), deflated: false),
            ZipMember(name: "data.npy", content: npyRows(2, 2), deflated: false),
        ]), path: "amb.npz")
        let ambiguous = #expect(throws: DataError.self) { try twoSamples.selection(part: .all) }
        #expect(ambiguous?.description.contains("amb.npz: members x and data could both be the samples") == true)
        #expect(ambiguous?.description.contains("x (2×2 <f4), data (2×2 <f4)") == true)
        let unknown = try NPZ.parse(try zipArchive([
            ZipMember(name: "a.npy", content: npyRows(2, 2), deflated: false),
            ZipMember(name: "b.npy", content: npyRows(2, 2), deflated: false),
            ZipMember(name: "c.npy", content: npyRows(2, 2), deflated: false),
        ]), path: "u.npz")
        let none = #expect(throws: DataError.self) { try unknown.selection(part: .all) }
        #expect(none?.description.contains("u.npz: no member holds the samples; members: a (2×2 <f4)") == true)
    }

    @Test func oneMemberIsUnlabelledAndTwoUnnamedMembersAreSamplesAndLabels() throws {
        let single = try NPZ.parse(try zipArchive([ZipMember(name: "arr_0.npy", content: npyRows(2, 3), deflated: false)]), path: "s.npz")
        #expect(try single.selection(part: .all).samples == ["arr_0"])
        #expect(try single.selection(part: .all).labels == nil)
        let pair = try NPZ.parse(try zipArchive([
            ZipMember(name: "arr_0.npy", content: NPY.encode(labels: [1, 2]), deflated: false),
            ZipMember(name: "arr_1.npy", content: npyRows(2, 3), deflated: false),
        ]), path: "p.npz")
        let chosen = try pair.selection(part: .all)
        #expect(chosen.samples == ["arr_1"] && chosen.labels == ["arr_0"])
    }

    @Test func memberNamesAreClassifiedWithTheirPart() {
        #expect(NPZMemberName("X_train") == NPZMemberName(role: .samples, part: .train))
        #expect(NPZMemberName("test_labels") == NPZMemberName(role: .labels, part: .test))
        #expect(NPZMemberName("images") == NPZMemberName(role: .samples, part: nil))
        #expect(NPZMemberName("weights") == nil)
        #expect(NPZMemberName("train") == nil)
    }

    @Test func aPartTheArchiveDoesNotHaveIsAnError() throws {
        let plain = try NPZ.parse(try zipArchive([
            ZipMember(name: "x.npy", content: npyRows(2, 2), deflated: false),
            ZipMember(name: "y.npy", content: NPY.encode(labels: [0, 1]), deflated: false),
        ]), path: "plain.npz")
        #expect(try plain.selection(part: .all).samples == ["x"])
        let error = #expect(throws: DataError.self) { try plain.selection(part: .train) }
        #expect(error?.description.contains("plain.npz: no member holds the train samples; members: x (2×2 <f4), y (2 <i8)") == true)
    }
}
