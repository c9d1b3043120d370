import Foundation
import LatentCore
import Testing
import TestSupport

/// Atomic writes that check their bytes reached the disk, stale temporaries, output folders,
/// file-system reasons, and the eigen-solver workspace for wide matrices.
@Suite struct ReliabilityCoreTests {
    @Test func staleTemporaryOfADeadProcessIsRemovedALiveOnesIsKept() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // A PID that is not alive: a child that has exited and been reaped.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.runSerially()
        child.waitUntilExit()
        let dead = child.processIdentifier
        let live = getppid()
        try "partial".write(toFile: dir.file(".out.txt.tmp-\(dead)"), atomically: false, encoding: .utf8)
        try "in use".write(toFile: dir.file(".out.txt.tmp-\(live)"), atomically: false, encoding: .utf8)
        try "other".write(toFile: dir.file(".other.txt.tmp-\(dead)"), atomically: false, encoding: .utf8)
        try AtomicFile.write("new", to: dir.file("out.txt"))
        #expect(dir.contents() == [".other.txt.tmp-\(dead)", ".out.txt.tmp-\(live)", "out.txt"])
    }

    @Test func aProducerWhoseFileIsNotRegularFailsAndKeepsTheOldFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("out.txt")
        try AtomicFile.write("kept", to: path)
        let error = #expect(throws: OutputError.self) {
            try AtomicFile.write(to: path) { tmp in
                try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: false)
            }
        }
        #expect(error?.description.hasPrefix(path) == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "kept")
        #expect(dir.contents() == ["out.txt"])
    }

    @Test func fileSystemReasonsAreWords() {
        #expect(FileSystemError.reason(errno: ENOSPC) == "the disk is full")
        #expect(FileSystemError.reason(errno: EROFS) == "the file system is read-only")
        #expect(FileSystemError.reason(CocoaError(.fileWriteOutOfSpace)) == "the disk is full")
        #expect(FileSystemError.reason(CocoaError(.fileWriteVolumeReadOnly)) == "the file system is read-only")
        #expect(!FileSystemError.reason(CocoaError(.fileWriteFileExists)).contains("Domain"))
    }

    @Test func fileContentsNamesDirectoriesAndMissingFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let folder = #expect(throws: FileContents.Failure.self) { try FileContents.read(dir.path) }
        #expect(folder?.reason == "it is a directory")
        let missing = #expect(throws: FileContents.Failure.self) { try FileContents.read(dir.file("none")) }
        #expect(missing?.isMissing == true)
    }

    @Test func outputFolderIsRemovedWhenNothingWasWrittenAndKeptOtherwise() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let empty = try OutputFolder(creating: dir.file("a/b"))
        empty.removeIfEmpty()
        #expect(dir.contents().isEmpty)
        let used = try OutputFolder(creating: dir.file("c"))
        try AtomicFile.write("x", to: dir.file("c/x.txt"))
        used.removeIfEmpty()
        #expect(dir.contents() == ["c"])
        try "f".write(toFile: dir.file("file"), atomically: true, encoding: .utf8)
        let error = #expect(throws: OutputError.self) { try OutputFolder(creating: dir.file("file")) }
        #expect(error?.description.contains("not a folder") == true)
    }

    /// ssyevd's workspace is 1 + 6n + 2n² floats; read back through a Float, LAPACKE rounded it
    /// down from n ≈ 2,900 on and LAPACK refused (info −9). A diagonal matrix keeps this cheap.
    @Test func symmetricEigenOfA2900MatrixWorks() throws {
        let n = 2_900
        var a = Matrix(rows: n, columns: n)
        for i in 0..<n { a[i, i] = Float(i % 97) + Float(i) / Float(n) }
        let (values, vectors) = try LinearAlgebra.symmetricEigen(a)
        let expected = (0..<n).map { Float($0 % 97) + Float($0) / Float(n) }.sorted(by: >)
        #expect(zip(values, expected).allSatisfy { abs($0 - $1) < 1e-3 })
        // Each eigenvector is a unit basis vector.
        for c in stride(from: 0, to: n, by: 290) {
            let column = (0..<n).map { abs(vectors[$0, c]) }
            #expect(abs(column.max()! - 1) < 1e-4)
        }
    }

    @Test func valuesFarFromTheMeanAreFound() throws {
        var m = Matrix(rows: 3, columns: 2)
        m[2, 1] = 1e25
        #expect(m.firstFarFromColumnMean()?.column == 1)
        m[2, 1] = 1e10
        #expect(m.firstFarFromColumnMean() == nil)
    }
}
