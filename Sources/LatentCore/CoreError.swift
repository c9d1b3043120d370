import Foundation

/// Errors from matrix construction and shape checks.
public enum MatrixError: Error, CustomStringConvertible, Equatable {
    case shapeMismatch(String)
    case lapack(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let s): return "shape mismatch: \(s)"
        case .lapack(let s): return "LAPACK: \(s)"
        }
    }
}

/// Errors from writing files.
public enum OutputError: Error, CustomStringConvertible, Equatable {
    case cannotWrite(path: String, reason: String)
    case unsupportedExtension(path: String, allowed: [String])

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): return "\(path): cannot write: \(reason)"
        case .unsupportedExtension(let path, let allowed):
            return "\(path): unsupported file extension (use one of: \(allowed.joined(separator: ", ")))"
        }
    }
}

/// What a failed file-system call means, in words a user can act on (for one error line that
/// names the user's path, never a temporary file or a Foundation error domain).
public enum FileSystemError {
    /// The reason for a POSIX `errno` value, e.g. "the disk is full".
    public static func reason(errno code: Int32) -> String {
        switch code {
        case ENOSPC: return "the disk is full"
        case EDQUOT: return "the disk quota is exceeded"
        case EROFS: return "the file system is read-only"
        case EACCES, EPERM: return "permission denied"
        case EISDIR: return "it is a directory"
        case ENOTDIR: return "a part of the path is not a directory"
        case ENOENT: return "no such file or directory"
        case EEXIST: return "a file of that name exists"
        case EIO: return "input/output error"
        case EFBIG: return "the file is too large for the file system"
        case ENAMETOOLONG: return "the name is too long"
        case EMFILE, ENFILE: return "too many open files"
        default: return String(cString: strerror(code))
        }
    }

    /// The reason for an error thrown by Foundation's file APIs (`Data.write`,
    /// `FileManager.createDirectory`, `Data(contentsOf:)`): its POSIX cause when it carries
    /// one, else the meaning of its Cocoa code (640 disk full, 642 read-only, 516 exists, …).
    public static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return reason(errno: Int32(ns.code)) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return reason(errno: Int32(underlying.code))
        }
        guard ns.domain == NSCocoaErrorDomain else { return ns.localizedDescription }
        switch ns.code {
        case NSFileWriteOutOfSpaceError: return reason(errno: ENOSPC)
        case NSFileWriteVolumeReadOnlyError: return reason(errno: EROFS)
        case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: return reason(errno: EACCES)
        case NSFileWriteFileExistsError: return "a file of that name exists (not a directory)"
        case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return reason(errno: ENOENT)
        case NSFileReadTooLargeError: return "the file is too large to read"
        case NSFileReadUnknownError: return "it cannot be read (not a regular file?)"
        case NSFileWriteInvalidFileNameError, NSFileReadInvalidFileNameError: return "the name is not valid"
        default: return "file error \(ns.code)"
        }
    }
}
