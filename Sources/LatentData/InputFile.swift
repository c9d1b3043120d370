import Foundation
import LatentCore

/// Reading an input file's bytes, the same way for every format.
enum InputFile {
    /// The bytes of `path`, gunzipped when they start with the gzip magic.
    /// - Throws: `DataError` when the file is missing, unreadable, empty, or a corrupt gzip stream.
    static func contents(of path: String) throws -> Data {
        let data = try rawContents(of: path)
        return Gzip.isGzip(data) ? try Gzip.decompress(data, path: path) : data
    }

    /// The bytes of `path` as stored (memory-mapped).
    static func rawContents(of path: String) throws -> Data {
        let data: Data
        do { data = try FileContents.read(path) } catch let failure as FileContents.Failure {
            throw failure.isMissing ? DataError.fileNotFound(path: path) : DataError.unreadable(path: path, reason: failure.reason)
        }
        guard !data.isEmpty else { throw DataError.malformed(path: path, reason: "file is empty") }
        return data
    }
}
