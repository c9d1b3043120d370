import Foundation
import LatentCore

/// Shared helpers for LatentMap's tests: seeded data, tolerant comparisons, numeric gradients
/// and temporary directories.
public enum TestData {
    /// `clusters` Gaussian blobs in `dimension` dimensions, `perCluster` points each, centres on a
    /// scaled simplex-like grid `separation` apart, unit spread. Labels are the blob index.
    public static func blobs(clusters: Int, perCluster: Int, dimension: Int, separation: Float = 10,
                             seed: UInt64) -> (points: Matrix, labels: [Int]) {
        var rng = SeededGenerator(seed: seed)
        var centres = Matrix.gaussian(rows: clusters, columns: dimension, using: &rng)
        // Normalise each centre to length `separation`, so blobs are well apart.
        for c in 0..<clusters {
            let norm = (0..<dimension).reduce(Float(0)) { $0 + centres[c, $1] * centres[c, $1] }.squareRoot()
            for j in 0..<dimension { centres[c, j] *= separation / max(norm, 1e-6) }
        }
        var points = Matrix(rows: clusters * perCluster, columns: dimension)
        var labels = [Int]()
        for c in 0..<clusters {
            for k in 0..<perCluster {
                let i = c * perCluster + k
                for j in 0..<dimension { points[i, j] = centres[c, j] + rng.nextGaussian() }
                labels.append(c)
            }
        }
        return (points, labels)
    }

    /// A random matrix with entries uniform in [-1, 1).
    public static func random(rows: Int, columns: Int, seed: UInt64) -> Matrix {
        var rng = SeededGenerator(seed: seed)
        return Matrix.uniform(rows: rows, columns: columns, low: -1, high: 1, using: &rng)
    }
}

public enum Numeric {
    /// ‖a − b‖ / max(‖b‖, tiny): the relative error of a whole vector, not per element.
    public static func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count, "vectors differ in length: \(a.count) vs \(b.count)")
        var num = 0.0, den = 0.0
        for k in a.indices {
            let d = Double(a[k]) - Double(b[k])
            num += d * d
            den += Double(b[k]) * Double(b[k])
        }
        return (num.squareRoot()) / max(den.squareRoot(), 1e-30)
    }

    /// Central-difference gradient of `f` at `x`, evaluated in `Double`.
    public static func centralDifferenceGradient(at x: [Double], step h: Double = 1e-5,
                                                 _ f: ([Double]) -> Double) -> [Double] {
        var g = [Double](repeating: 0, count: x.count)
        var xp = x
        for k in x.indices {
            let orig = xp[k]
            xp[k] = orig + h; let fp = f(xp)
            xp[k] = orig - h; let fm = f(xp)
            xp[k] = orig
            g[k] = (fp - fm) / (2 * h)
        }
        return g
    }

    /// Naive triple-loop product in `Double`, as an oracle for GEMM.
    public static func naiveProduct(_ a: Matrix, _ b: Matrix) -> Matrix {
        precondition(a.columns == b.rows)
        var out = Matrix(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows {
            for j in 0..<b.columns {
                var s = 0.0
                for k in 0..<a.columns { s += Double(a[i, k]) * Double(b[k, j]) }
                out[i, j] = Float(s)
            }
        }
        return out
    }
}

/// A fresh temporary directory, removed by `remove()`.
public struct TemporaryDirectory {
    public let path: String

    public init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("latentmap-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    /// `path/name`.
    public func file(_ name: String) -> String { path + "/" + name }

    /// The names of the files in the directory, sorted.
    public func contents() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `python3 -c script` and returns its exit status and standard output.
public func runPython(_ script: String) -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    do { try process.runSerially() } catch { return (-1, "") }
    let data = out.fileHandleForReading.readAllRetryingInterrupts()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
}

/// True when `python3` with numpy is installed (the interop tests are skipped otherwise).
public let numpyAvailable = runPython("import numpy").status == 0

extension FileHandle {
    /// Everything up to end of file, reading through `read(2)` and retrying when a signal
    /// interrupts it. Foundation's `readDataToEndOfFile()` traps on EINTR, and test processes
    /// that start many children get SIGCHLD (Foundation's `Process` installs a handler for it)
    /// while they read a child's output.
    ///
    /// Closes the handle at the end: the test process starts thousands of children, and pipes
    /// left to Foundation's deallocation piled up (1,900 open descriptors were seen), after which
    /// `Process.run()` itself crashed while listing them.
    public func readAllRetryingInterrupts() -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        defer { try? close() }
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
            if n > 0 {
                data.append(contentsOf: buffer[0..<n])
            } else if n == 0 || errno != EINTR {
                return data
            }
        }
    }
}

extension Process {
    private static let launchLock = NSLock()

    /// `run()`, one launch at a time across the test process. Swift Testing runs tests (and a
    /// parameterised test's cases) concurrently, and concurrent `Process.run()` calls in
    /// swift-corelibs-foundation crashed the test process here (a bad pointer in its memcpy of
    /// the launch arguments); waiting for the child is still concurrent.
    public func runSerially() throws {
        Process.launchLock.lock()
        defer { Process.launchLock.unlock() }
        try run()
    }
}
