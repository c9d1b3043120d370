import Foundation
import LatentCore

/// The complete state of a t-SNE optimisation between two iterations: enough to continue it
/// later to exactly the bytes an uninterrupted run would have produced.
///
/// It holds the positions, the optimiser's gains and previous update, the iteration reached,
/// the KL history, the Barnes-Hut tree's insertion order (which fixes the rounding of the
/// next tree's sums), and the settings that shape the trajectory. The affinities P are not
/// stored: they are recomputed from the same data, and a fingerprint of P (a 64-bit hash of
/// every entry) proves they are bit-for-bit the ones the run started with.
///
/// ```swift
/// let tsne = TSNE(perplexity: 30, seed: 7)
/// let saving = TSNECheckpointing(every: 100) { try $0.write(to: "run.tsne-checkpoint") }
/// _ = try tsne.fit(codes, resumingFrom: nil, checkpointing: saving)  // killed at iteration 437…
/// let saved = try TSNECheckpoint.read(from: "run.tsne-checkpoint")     // …saved at 400
/// let result = try tsne.fit(codes, resumingFrom: saved, checkpointing: saving)  // same bytes
/// ```
public struct TSNECheckpoint: Sendable, Equatable {
    /// Iterations completed when the checkpoint was taken.
    public let iteration: Int
    /// N × d positions after `iteration` iterations.
    public let positions: Matrix
    /// Per-coordinate gains and previous update of the optimiser.
    public let state: GradientDescentState
    /// The KL divergence history up to `iteration`.
    public let klHistory: [KLSample]
    /// The Barnes-Hut tree's insertion order for the next iteration (empty for exact t-SNE).
    let treeOrder: [Int32]
    /// Hash of the affinities the run optimises (see `Affinities.fingerprint`).
    public let affinityFingerprint: UInt64
    /// The settings that decide the trajectory, as they were when the run started.
    public let settings: Settings

    /// The parts of a `TSNE` configuration that shape the optimisation after its start.
    public struct Settings: Sendable, Equatable, Codable {
        public var perplexity: Double
        /// `nil` for exact t-SNE, else the Barnes-Hut θ.
        public var theta: Double?
        public var iterations: Int
        public var exaggeration: Double
        public var exaggerationIterations: Int
        /// `nil` for the automatic learning rate.
        public var learningRate: Double?
        public var initialMomentum: Double
        public var finalMomentum: Double
        public var maxGradientNorm: Double?
        public var dimensions: Int
        /// The interpolation settings when the run interpolates, else nil (absent in
        /// checkpoints of exact and Barnes-Hut runs, and in those written before it existed).
        public var interpolation: String?

        init(_ t: TSNE) {
            perplexity = t.perplexity
            if case .barnesHut(let th) = t.method { theta = th } else { theta = nil }
            iterations = t.iterations
            exaggeration = t.exaggeration
            exaggerationIterations = t.exaggerationIterations
            if case .fixed(let r) = t.learningRate { learningRate = r } else { learningRate = nil }
            initialMomentum = t.initialMomentum
            finalMomentum = t.finalMomentum
            maxGradientNorm = t.maxGradientNorm
            dimensions = t.dimensions
            if case .interpolation(let o) = t.method {
                interpolation = "nodes per box \(o.nodesPerBox), minimum boxes \(o.minimumBoxes), boxes per unit \(o.boxesPerUnit), boxes \(o.boxes.map(String.init) ?? "auto")"
            }
        }

        /// The first setting (other than the total iteration count, which may grow) in which
        /// `other` differs, as a (name, saved value, new value) triple.
        func firstDifference(from other: Settings) -> (name: String, saved: String, given: String)? {
            func s<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "auto" }
            let pairs: [(String, String, String)] = [
                ("perplexity", s(perplexity), s(other.perplexity)),
                ("theta (nil: exact)", theta.map { "\($0)" } ?? "exact", other.theta.map { "\($0)" } ?? "exact"),
                ("exaggeration", s(exaggeration), s(other.exaggeration)),
                ("exaggeration iterations", s(exaggerationIterations), s(other.exaggerationIterations)),
                ("learning rate", s(learningRate), s(other.learningRate)),
                ("initial momentum", s(initialMomentum), s(other.initialMomentum)),
                ("final momentum", s(finalMomentum), s(other.finalMomentum)),
                ("max gradient norm", maxGradientNorm.map { "\($0)" } ?? "none", other.maxGradientNorm.map { "\($0)" } ?? "none"),
                ("dimensions", s(dimensions), s(other.dimensions)),
                ("interpolation", interpolation ?? "none", other.interpolation ?? "none"),
            ]
            return pairs.first { $0.1 != $0.2 }.map { (name: $0.0, saved: $0.1, given: $0.2) }
        }
    }

    init(embedding e: Embedding, settings: Settings) {
        iteration = e.iteration
        positions = e.positions
        state = e.state
        klHistory = e.klHistory
        treeOrder = e.method.resolved(points: e.positions.rows, dimensions: e.positions.columns).usesTree ? e.workspace.tree.order : []
        affinityFingerprint = e.affinities.fingerprint
        self.settings = settings
    }

    init(iteration: Int, positions: Matrix, state: GradientDescentState, klHistory: [KLSample], treeOrder: [Int32],
         affinityFingerprint: UInt64, settings: Settings) {
        self.iteration = iteration
        self.positions = positions
        self.state = state
        self.klHistory = klHistory
        self.treeOrder = treeOrder
        self.affinityFingerprint = affinityFingerprint
        self.settings = settings
    }
}

/// When and how a t-SNE run saves checkpoints.
public struct TSNECheckpointing {
    /// Save after every this many iterations (at least 1).
    public var every: Int
    /// Stores a checkpoint (typically `checkpoint.write(to:)`); an error stops the run.
    public var save: (TSNECheckpoint) throws -> Void

    public init(every: Int, save: @escaping (TSNECheckpoint) throws -> Void) {
        self.every = every
        self.save = save
    }
}

// MARK: - File format

extension TSNECheckpoint {
    /// The first 8 bytes of a checkpoint file.
    static let magic = Array("LMTSNEC1".utf8)

    /// The JSON header of a checkpoint file.
    private struct Header: Codable {
        var format: String
        var points: Int
        var dimensions: Int
        var iteration: Int
        var klSamples: Int
        var treeOrder: Int
        var affinityFingerprint: String
        var payloadHash: String
        var settings: Settings
    }

    /// The file's bytes: the magic `LMTSNEC1`, the JSON header's length (UInt64, little-endian),
    /// the JSON header, then little-endian arrays: positions, gains, update (Float32, N·d each),
    /// KL iterations (Int64) and values (Float64 bit patterns), tree order (Int32).
    public func encoded() throws -> Data {
        var payload = Data()
        func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { payload.append(contentsOf: $0) } }
        for v in positions.elements { append(v.bitPattern) }
        for v in state.gains { append(v.bitPattern) }
        for v in state.update { append(v.bitPattern) }
        for s in klHistory { append(Int64(s.iteration)) }
        for s in klHistory { append(s.klDivergence.bitPattern) }
        for v in treeOrder { append(v) }
        let header = Header(format: "latentmap-tsne-checkpoint", points: positions.rows, dimensions: positions.columns,
                            iteration: iteration, klSamples: klHistory.count, treeOrder: treeOrder.count,
                            affinityFingerprint: String(affinityFingerprint, radix: 16),
                            payloadHash: String(Fingerprint.of(payload), radix: 16), settings: settings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(header)
        var out = Data(TSNECheckpoint.magic)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(payload)
        return out
    }

    /// Writes the checkpoint atomically (temporary file, then rename), so a run killed while
    /// saving keeps the previous checkpoint.
    public func write(to path: String) throws {
        try AtomicFile.write(try encoded(), to: path)
    }

    /// Reads a checkpoint written by `write(to:)`.
    /// - Throws: `TSNEError.invalidCheckpoint` naming the file when it is missing, truncated,
    ///   altered (the payload hash differs) or not a checkpoint.
    public static func read(from path: String) throws -> TSNECheckpoint {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read it" : "no such file"
            throw TSNEError.invalidCheckpoint(path: path, reason: reason)
        }
        return try decode(data, path: path)
    }

    /// Parses checkpoint bytes; `path` names the source in errors.
    public static func decode(_ data: Data, path: String) throws -> TSNECheckpoint {
        func bad(_ reason: String) -> TSNEError { .invalidCheckpoint(path: path, reason: reason) }
        let bytes = [UInt8](data)
        guard bytes.count >= 16, Array(bytes[0..<8]) == magic else { throw bad("not a LatentMap t-SNE checkpoint") }
        var length: UInt64 = 0
        for k in 0..<8 { length |= UInt64(bytes[8 + k]) << (8 * UInt64(k)) }
        guard length <= UInt64(bytes.count - 16) else { throw bad("the file is truncated (header)") }
        let headerEnd = 16 + Int(length)
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[16..<headerEnd])),
              header.format == "latentmap-tsne-checkpoint" else {
            throw bad("the header is not readable")
        }
        let n = header.points, d = header.dimensions, k = header.klSamples, t = header.treeOrder
        guard n >= 1, n < 1 << 40, (1...3).contains(d), k >= 0, k < 1 << 40, t == 0 || t == n,
              header.iteration >= 0 else {
            throw bad("the header describes an impossible state (\(n) points, \(d) dimensions)")
        }
        let expected = 3 * n * d * 4 + k * 16 + t * 4
        guard bytes.count - headerEnd == expected else {
            throw bad("the file has \(bytes.count - headerEnd) bytes of state, \(expected) expected: truncated or damaged")
        }
        let payload = Data(bytes[headerEnd...])
        guard String(Fingerprint.of(payload), radix: 16) == header.payloadHash else {
            throw bad("the state does not match its checksum: the file is damaged")
        }
        guard let affinityFingerprint = UInt64(header.affinityFingerprint, radix: 16) else {
            throw bad("the affinity fingerprint is not readable")
        }
        var offset = headerEnd
        func load<T: FixedWidthInteger>(_: T.Type) -> T {
            var v: T = 0
            for b in 0..<MemoryLayout<T>.size { v |= T(truncatingIfNeeded: bytes[offset + b]) << (8 * b) }
            offset += MemoryLayout<T>.size
            return v
        }
        let nd = n * d
        let positions = (0..<nd).map { _ in Float(bitPattern: load(UInt32.self)) }
        let gains = (0..<nd).map { _ in Float(bitPattern: load(UInt32.self)) }
        let update = (0..<nd).map { _ in Float(bitPattern: load(UInt32.self)) }
        let klIterations = (0..<k).map { _ in Int(load(Int64.self)) }
        let klValues = (0..<k).map { _ in Double(bitPattern: load(UInt64.self)) }
        let order = (0..<t).map { _ in load(Int32.self) }
        // The tree order indexes the positions: it must be a permutation of 0..<N.
        if t > 0 {
            var seen = [Bool](repeating: false, count: n)
            for v in order {
                guard v >= 0, Int(v) < n, !seen[Int(v)] else { throw bad("the tree order is not a permutation of the points") }
                seen[Int(v)] = true
            }
        }
        var state = GradientDescentState(count: nd)
        state.gains = gains
        state.update = update
        return TSNECheckpoint(iteration: header.iteration,
                              positions: try Matrix(rows: n, columns: d, elements: positions), state: state,
                              klHistory: zip(klIterations, klValues).map { KLSample(iteration: $0, klDivergence: $1) },
                              treeOrder: order, affinityFingerprint: affinityFingerprint, settings: header.settings)
    }
}

/// FNV-1a, 64 bits: a fast fingerprint of bytes (not cryptographic; it detects accidents).
enum Fingerprint {
    static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    static func of(_ data: Data) -> UInt64 {
        data.withUnsafeBytes { raw in combine(offsetBasis, raw) }
    }

    static func combine(_ hash: UInt64, _ raw: UnsafeRawBufferPointer) -> UInt64 {
        var h = hash
        for b in raw { h = (h ^ UInt64(b)) &* prime }
        return h
    }
}

extension Affinities {
    /// A 64-bit hash of N and every stored entry (rows, columns, value bits): equal affinities
    /// have equal fingerprints, and any changed entry almost surely changes it.
    public var fingerprint: UInt64 {
        var h = Fingerprint.offsetBasis
        withUnsafeBytes(of: UInt64(count).littleEndian) { h = Fingerprint.combine(h, $0) }
        rowStarts.withUnsafeBytes { h = Fingerprint.combine(h, $0) }
        columnIndices.withUnsafeBytes { h = Fingerprint.combine(h, $0) }
        values.withUnsafeBytes { h = Fingerprint.combine(h, $0) }
        return h
    }
}
