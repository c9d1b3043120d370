import Foundation
import LatentCore

/// The arrays of an `.npz` archive, in archive order, named as numpy names them (`x` for the
/// member `x.npy`).
public struct NPZArchive: Sendable {
    /// The archive's path (for messages).
    public var path: String
    /// Member names without the `.npy` suffix, in the order they are stored.
    public var names: [String]
    /// The numeric arrays by name.
    public var arrays: [String: NPYArray]
    /// The string arrays by name (labels such as `np.array(["cat", "dog"])`).
    public var textArrays: [String: NPYTextArray] = [:]

    /// The numeric array called `name`, if any.
    public subscript(name: String) -> NPYArray? { arrays[name] }

    /// The shape of member `name` (numeric or strings; `[]` when there is none).
    public func shape(of name: String) -> [Int] { arrays[name]?.shape ?? textArrays[name]?.shape ?? [] }

    /// The members and their shapes and types, e.g. `x (100×784 <f4), y (100 <i8)`.
    public var memberSummary: String {
        names.map { name in
            let descriptor = arrays[name]?.descriptor ?? textArrays[name]?.descriptor ?? "?"
            return "\(name) (\(shape(of: name).map(String.init).joined(separator: "×")) \(descriptor))"
        }.joined(separator: ", ")
    }

    /// The labels held by `members`, concatenated in order: numbers, or strings turned into
    /// classes (see `LabelSet`).
    /// - Throws: `DataError` naming the member when it is not 1-D, mixes strings with numbers,
    ///   or holds a value that is not a class number.
    public func labels(members: [String]) throws -> LabelSet {
        if members.allSatisfy({ textArrays[$0] != nil }) {
            var words = [String]()
            for name in members {
                let array = textArrays[name]!
                try LabelSet.checkOneDimensional(array.shape, path: "\(path):\(name).npy")
                words += array.values
            }
            return try LabelSet(cells: words, path: path)
        }
        var values = [Int]()
        for name in members {
            let memberPath = "\(path):\(name).npy"
            guard let array = arrays[name] else {
                throw DataError.malformed(path: memberPath, reason: "holds strings while \(members.joined(separator: " and ")) should all be labels of one kind")
            }
            values += try NPY.labels(from: array, path: memberPath)
        }
        return LabelSet(values)
    }

    /// The members that hold the samples and the labels of `part`.
    ///
    /// The rule, on member names compared without case:
    /// - Samples are named `x`, `images`, `data`, `samples`, `features` or `inputs`; labels `y`,
    ///   `labels`, `label`, `targets`, `target` or `classes`.
    /// - A name may carry a part: `x_train`, `train_x`, `images_test`, `test_labels`, ….
    ///   For `.train` or `.test` the members of that part are used (an archive without them
    ///   has no such part); for `.all`, unsplit members if present, else the train and then
    ///   the test members, concatenated.
    /// - An archive with one member holds unlabelled samples; one with exactly two members of
    ///   other names, one 1-D, is read as samples and labels.
    /// - Anything else (no candidate, or two candidates for one role) is an error that lists
    ///   the members.
    ///
    /// - Returns: the sample member names (several to concatenate) and the label member names
    ///   (`nil` when unlabelled; otherwise one per sample member).
    public func selection(part: DatasetPart) throws -> (samples: [String], labels: [String]?) {
        let classified = names.map { (name: $0, role: NPZMemberName($0)) }
        func pick(_ role: NPZMemberName.Role, _ split: DatasetPart?) throws -> String? {
            let found = classified.filter { $0.role?.role == role && $0.role?.part == split }.map(\.name)
            if found.count > 1 {
                throw ambiguous("members \(found.joined(separator: " and ")) could both be the \(role == .samples ? "samples" : "labels")")
            }
            return found.first
        }
        func pair(_ split: DatasetPart?) throws -> (String, String?)? {
            guard let s = try pick(.samples, split) else { return nil }
            return (s, try pick(.labels, split))
        }
        var chosen = [(String, String?)]()
        switch part {
        case .train, .test:
            if let p = try pair(part) { chosen = [p] }
        case .all:
            if let p = try pair(nil) {
                chosen = [p]
            } else {
                chosen = [try pair(.train), try pair(.test)].compactMap { $0 }
            }
        }
        if chosen.isEmpty && part == .all {
            if names.count == 1 { return ([names[0]], nil) }
            if names.count == 2, classified.allSatisfy({ $0.role == nil }) {
                let oneD = names.filter { shape(of: $0).count == 1 }
                let other = names.filter { shape(of: $0).count >= 2 }
                if oneD.count == 1 && other.count == 1 { return (other, oneD) }
            }
        }
        if chosen.isEmpty {
            throw ambiguous("no member holds the \(part == .all ? "samples" : "\(part.rawValue) samples")")
        }
        let labelled = chosen.allSatisfy { $0.1 != nil }
        return (chosen.map(\.0), labelled ? chosen.map { $0.1! } : nil)
    }

    /// The samples and labels of `part` (see `selection(part:)`), train and test members
    /// concatenated, values as stored (not scaled).
    func samples(part: DatasetPart) throws -> (samples: Matrix, imageShape: TensorShape?, labels: LabelSet?, elementType: NPYElementType) {
        let (sampleNames, labelNames) = try selection(part: part)
        let sampleArrays = try sampleNames.map { name in
            guard let array = arrays[name] else {
                throw DataError.malformed(path: "\(path):\(name).npy", reason: "holds strings, which are read only as labels, not as samples")
            }
            return array
        }
        let first = sampleArrays[0]
        for (name, a) in zip(sampleNames, sampleArrays) where Array(a.shape.dropFirst()) != Array(first.shape.dropFirst()) || a.elementType != first.elementType {
            throw DataError.malformed(path: path, reason: "members \(sampleNames[0]) and \(name) differ in shape or type: \(memberSummary)")
        }
        let samples = sampleArrays.count == 1 ? first.matrix() : try Matrix.vstack(sampleArrays.map { $0.matrix() })
        var labels: LabelSet?
        if let labelNames {
            for (sampleName, labelName) in zip(sampleNames, labelNames) {
                let n = shape(of: labelName).first ?? 1
                guard n == arrays[sampleName]!.shape.first ?? 1 else {
                    throw DataError.countMismatch(images: "\(path):\(sampleName).npy", labels: "\(path):\(labelName).npy",
                                                  imageCount: arrays[sampleName]!.shape.first ?? 1, labelCount: n)
                }
            }
            labels = try self.labels(members: labelNames)
        }
        return (samples, first.imageShape, labels, first.elementType)
    }

    private func ambiguous(_ problem: String) -> DataError {
        .malformed(path: path, reason: "\(problem); members: \(memberSummary) (name them x/images/data and y/labels, optionally with _train/_test)")
    }
}

/// How a member name reads: samples or labels, and which part.
struct NPZMemberName: Equatable {
    enum Role: Equatable { case samples, labels }
    var role: Role
    var part: DatasetPart?

    static let sampleNames: Set<String> = ["x", "images", "data", "samples", "features", "inputs"]
    static let labelNames: Set<String> = ["y", "labels", "label", "targets", "target", "classes"]

    init(role: Role, part: DatasetPart?) {
        self.role = role
        self.part = part
    }

    init?(_ name: String) {
        var base = name.lowercased()
        var part: DatasetPart?
        for p in [DatasetPart.train, .test] {
            for (prefix, suffix) in [("\(p.rawValue)_", ""), ("", "_\(p.rawValue)")] {
                if base.count > prefix.count + suffix.count, base.hasPrefix(prefix), base.hasSuffix(suffix) {
                    base = String(base.dropFirst(prefix.count).dropLast(suffix.count))
                    part = p
                    break
                }
            }
            if part != nil { break }
        }
        if Self.sampleNames.contains(base) { role = .samples } else if Self.labelNames.contains(base) { role = .labels } else { return nil }
        self.part = part
    }
}

/// NumPy's `.npz` archives: zip files of `.npy` members, stored or deflated.
///
/// Members are located through the zip central directory (so the zip64 local headers numpy
/// writes are handled), inflated through zlib and checked against their CRC-32.
///
/// ```swift
/// let archive = try NPZ.read("mnist.npz")
/// let x = archive["x_train"]?.matrix()
/// ```
public enum NPZ {
    /// Reads every member of an `.npz` archive.
    /// - Throws: `DataError` naming the archive (and the member) for: not a zip file,
    ///   truncation, a member that is not `.npy`, an unsupported compression method or
    ///   encryption, a CRC mismatch, or a zip64 archive too large for this reader.
    public static func read(_ path: String) throws -> NPZArchive {
        try parse(try InputFile.rawContents(of: path), path: path)
    }

    /// Parses the bytes of an `.npz` archive.
    public static func parse(_ data: Data, path: String) throws -> NPZArchive {
        let zip = ZipReader(bytes: data.startIndex == 0 ? data : Data(data), path: path)
        var names = [String]()
        var arrays = [String: NPYArray]()
        var textArrays = [String: NPYTextArray]()
        for entry in try zip.entries() where !entry.name.hasSuffix("/") {
            guard entry.name.hasSuffix(".npy") else {
                throw DataError.malformed(path: path, reason: "member \(entry.name) is not an .npy array")
            }
            let memberPath = "\(path):\(entry.name)"
            let content = try zip.contents(of: entry)
            let name = String(entry.name.dropLast(4))
            names.append(name)
            if try NPY.holdsText(content, path: memberPath) {
                textArrays[name] = try NPY.parseText(content, path: memberPath)
            } else {
                arrays[name] = try NPY.parse(content, path: memberPath)
            }
        }
        guard !names.isEmpty else { throw DataError.malformed(path: path, reason: "archive has no .npy members") }
        return NPZArchive(path: path, names: names, arrays: arrays, textArrays: textArrays)
    }
}

/// A minimal reader of zip archives: the central directory, stored and deflated members.
struct ZipReader {
    struct Entry {
        var name: String
        var method: Int
        var flags: Int
        var crc: UInt32
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    /// The archive (indices from 0).
    let bytes: Data
    let path: String

    private func fail(_ reason: String) -> DataError { .malformed(path: path, reason: reason) }

    private func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
    private func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
    private func u64(_ o: Int) -> Int { u32(o) | u32(o + 4) << 32 }

    /// The entries listed in the central directory.
    func entries() throws -> [Entry] {
        guard bytes.count >= 4, u32(0) == 0x0403_4B50 || u32(0) == 0x0605_4B50 else {
            throw fail("not an NPZ (zip) archive: the zip signature PK\\3\\4 is missing")
        }
        // The end-of-central-directory record: 22 bytes plus a comment of up to 65,535.
        var eocd = -1
        var o = bytes.count - 22
        while o >= max(0, bytes.count - 22 - 65_535) {
            if u32(o) == 0x0605_4B50 { eocd = o; break }
            o -= 1
        }
        guard eocd >= 0 else { throw fail("archive is truncated (no zip end-of-directory record)") }
        let count = u16(eocd + 10), directorySize = u32(eocd + 12), directoryOffset = u32(eocd + 16)
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            throw fail("zip64 archives (over 4 GB or 65,535 members) are not supported; split the arrays over several files")
        }
        guard directoryOffset + directorySize <= eocd else { throw fail("archive is truncated (central directory out of range)") }
        var entries = [Entry]()
        var p = directoryOffset
        for _ in 0..<count {
            guard p + 46 <= eocd, u32(p) == 0x0201_4B50 else { throw fail("zip central directory is corrupt") }
            let nameLength = u16(p + 28), extraLength = u16(p + 30), commentLength = u16(p + 32)
            guard p + 46 + nameLength + extraLength <= eocd else { throw fail("zip central directory is corrupt") }
            var entry = Entry(name: String(decoding: bytes[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self),
                              method: u16(p + 10), flags: u16(p + 8), crc: UInt32(u32(p + 16)),
                              compressedSize: u32(p + 20), size: u32(p + 24), localHeaderOffset: u32(p + 42))
            try applyZip64(&entry, extra: (p + 46 + nameLength)..<(p + 46 + nameLength + extraLength))
            // zip64 fields are 64-bit: out-of-range values would overflow the offset arithmetic.
            guard entry.size >= 0, entry.compressedSize >= 0, entry.compressedSize <= bytes.count,
                  entry.localHeaderOffset >= 0, entry.localHeaderOffset <= bytes.count else {
                throw fail("member \(entry.name): sizes or offset in the zip directory are out of range")
            }
            entries.append(entry)
            p += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    /// Replaces 0xFFFFFFFF sizes and offsets with the values of a zip64 extra field.
    private func applyZip64(_ entry: inout Entry, extra: Range<Int>) throws {
        var q = extra.lowerBound
        while q + 4 <= extra.upperBound {
            let id = u16(q), length = u16(q + 2)
            if id == 0x0001 {
                var f = q + 4
                let end = q + 4 + length
                func next() throws -> Int {
                    guard f + 8 <= end else { throw fail("member \(entry.name): zip64 field is too short") }
                    defer { f += 8 }
                    return u64(f)
                }
                if entry.size == 0xFFFF_FFFF { entry.size = try next() }
                if entry.compressedSize == 0xFFFF_FFFF { entry.compressedSize = try next() }
                if entry.localHeaderOffset == 0xFFFF_FFFF { entry.localHeaderOffset = try next() }
            }
            q += 4 + length
        }
    }

    /// The uncompressed bytes of `entry`, checked against its CRC-32.
    func contents(of entry: Entry) throws -> Data {
        let member = "member \(entry.name)"
        guard entry.flags & 1 == 0 else { throw fail("\(member) is encrypted") }
        let h = entry.localHeaderOffset
        guard h + 30 <= bytes.count, u32(h) == 0x0403_4B50 else { throw fail("\(member): local header is missing or corrupt") }
        let start = h + 30 + u16(h + 26) + u16(h + 28)
        guard start + entry.compressedSize <= bytes.count else { throw fail("archive is truncated inside \(member)") }
        let stored = bytes[start..<(start + entry.compressedSize)]
        let content: Data
        switch entry.method {
        case 0: content = stored
        case 8: content = try Gzip.inflateRaw(stored, expectedSize: entry.size, path: "\(path):\(entry.name)")
        default:
            throw fail("\(member) uses zip compression method \(entry.method); only stored (0) and deflated (8) are supported")
        }
        guard content.count == entry.size else {
            throw fail("\(member) has \(content.count) bytes, the directory says \(entry.size)")
        }
        guard Gzip.crc32(content) == entry.crc else { throw fail("\(member) is corrupt (CRC-32 mismatch)") }
        return content
    }
}

extension NPZArchive {
    /// The value as stored (before conversion to Float32) at flat index `k` of `members`'
    /// elements stacked in order, for messages: a float64 too large for Float32 is named as such
    /// rather than as the infinity it became.
    func storedValue(members: [String]) -> (Int) -> Double {
        { k in
            var offset = k
            for name in members {
                guard let array = self[name] else { continue }
                if offset < array.count { return array.elementType.isFloatingPoint ? array.floatValue(at: offset) : .nan }
                offset -= array.count
            }
            return .nan
        }
    }
}
