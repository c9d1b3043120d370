import CZlib
import Foundation

/// gzip and raw-deflate decompression through zlib.
public enum Gzip {
    /// True when `data` starts with the gzip magic bytes 1f 8b.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// Decompresses a gzip stream (several members are concatenated, as gunzip does).
    /// - Parameter path: named in errors.
    public static func decompress(_ data: Data, path: String) throws -> Data {
        // ISIZE (last 4 bytes, little-endian) is the uncompressed size modulo 2^32: a good first guess.
        var hint = data.count * 4
        if data.count >= 18 {
            let e = data.endIndex
            var isize = 0
            for byte in 1...4 { isize = (isize << 8) | Int(data[e - byte]) }
            // ISIZE is only a hint: a damaged trailer must not allocate gigabytes up front.
            if isize > 0 { hint = min(isize, maximumExpansion(of: data.count)) }
        }
        return try inflate(data, windowBits: 15 + 32, sizeHint: hint, path: path, multiMember: true, limit: nil)
    }

    /// Decompresses a raw deflate stream (as stored in zip/npz members) that must inflate to
    /// exactly `expectedSize` bytes.
    /// - Throws: `DataError.malformed` when the stream is corrupt or inflates to more than
    ///   `expectedSize` bytes (it stops there: a damaged size cannot make it fill memory).
    public static func inflateRaw(_ data: Data, expectedSize: Int, path: String) throws -> Data {
        let hint = min(max(expectedSize, 1), maximumExpansion(of: data.count))
        return try inflate(data, windowBits: -15, sizeHint: hint, path: path, multiMember: false, limit: max(expectedSize, 0))
    }

    /// The most bytes `count` deflated bytes can inflate to (deflate's ratio is at most 1032:1).
    static func maximumExpansion(of count: Int) -> Int {
        count > (Int.max - 64) / 1032 ? Int.max : count * 1032 + 64
    }

    private static func inflate(_ data: Data, windowBits: Int32, sizeHint: Int, path: String, multiMember: Bool,
                                limit: Int?) throws -> Data {
        guard !data.isEmpty else { throw DataError.malformed(path: path, reason: "file is empty") }
        var out = Data(count: max(sizeHint, 64))
        var produced = 0
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError.unreadable(path: path, reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var status: Int32 = Z_OK
        try data.withUnsafeBytes { (src: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: src.bindMemory(to: Bytef.self).baseAddress!)
            stream.avail_in = uInt(src.count)
            while true {
                if let limit, produced > limit {
                    throw DataError.malformed(path: path, reason: "compressed data inflates to more than the \(limit) bytes its directory gives")
                }
                if produced == out.count { out.count = out.count * 2 }
                let room = out.count - produced
                status = out.withUnsafeMutableBytes { (dst: UnsafeMutableRawBufferPointer) -> Int32 in
                    stream.next_out = dst.bindMemory(to: Bytef.self).baseAddress! + produced
                    stream.avail_out = uInt(room)
                    let r = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced += room - Int(stream.avail_out)
                    return r
                }
                if status == Z_STREAM_END {
                    // Another gzip member may follow; trailing zero bytes (tape or block padding)
                    // end the stream, as gunzip accepts them.
                    if multiMember && stream.avail_in > 0 {
                        let rest = UnsafeBufferPointer(start: stream.next_in, count: Int(stream.avail_in))
                        if !rest.contains(where: { $0 != 0 }) { break }
                        guard inflateReset(&stream) == Z_OK else { break }
                        continue
                    }
                    break
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 {
                    throw DataError.malformed(path: path, reason: "compressed data is truncated")
                }
                guard status == Z_OK || status == Z_BUF_ERROR else {
                    let msg = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw DataError.malformed(path: path, reason: "compressed data is corrupt (\(msg))")
                }
            }
        }
        out.count = produced
        return out
    }

    /// Compresses `data` as a single gzip member (level 6).
    public static func compress(_ data: Data) throws -> Data {
        try deflate(data, level: 6, windowBits: 15 + 16)
    }

    private static func deflate(_ data: Data, level: Int32, windowBits: Int32) throws -> Data {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError.invalidArgument("zlib could not start compressing")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(data.count))) + 32
        var out = Data(count: bound)
        var produced = 0
        var status: Int32 = Z_OK
        data.withUnsafeBytes { (src: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: src.bindMemory(to: Bytef.self).baseAddress ?? UnsafePointer(bitPattern: 1)!)
            stream.avail_in = uInt(src.count)
            out.withUnsafeMutableBytes { (dst: UnsafeMutableRawBufferPointer) in
                stream.next_out = dst.bindMemory(to: Bytef.self).baseAddress!
                stream.avail_out = uInt(bound)
                status = CZlib.deflate(&stream, Z_FINISH)
                produced = bound - Int(stream.avail_out)
            }
        }
        guard status == Z_STREAM_END else { throw DataError.invalidArgument("zlib compression failed (\(status))") }
        out.count = produced
        return out
    }

    /// Compresses `data` as a raw deflate stream (no header or trailer), as zip and `.npz`
    /// members store it.
    public static func deflateRaw(_ data: Data, level: Int32 = 6) throws -> Data {
        try deflate(data, level: level, windowBits: -15)
    }

    /// The CRC-32 of `data` (the checksum zip and gzip store).
    public static func crc32(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> UInt32 in
            var crc: uLong = CZlib.crc32(0, nil, 0)
            var offset = 0
            // zlib takes a 32-bit length; feed large buffers in pieces.
            while offset < raw.count {
                let n = min(raw.count - offset, 1 << 30)
                crc = CZlib.crc32(crc, raw.baseAddress!.assumingMemoryBound(to: Bytef.self) + offset, uInt(n))
                offset += n
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }
}
