import LatentCore

/// How faithfully a low-dimensional embedding keeps the neighbourhoods of the original data.
///
/// Both measures follow Venna & Kaski (2001) and scikit-learn's `trustworthiness`:
/// - *trustworthiness* penalises points that are among a point's k nearest in the embedding but
///   not in the original space (false neighbours), by how far down the original ranking they are;
/// - *continuity* penalises original neighbours that the embedding pushed away.
/// Both are 1 for a perfect embedding and about 0.5 for a random one.
///
/// Ranks need every original distance, O(N²); above `maximumPoints` a seeded random subsample of
/// that many points is scored instead (the same subsample for both spaces).
public enum EmbeddingQuality {
    /// Trustworthiness of `embedding` (N × d) with respect to `original` (N × D).
    ///
    /// - Parameters:
    ///   - k: neighbourhood size (default 10); must be below N / 2.
    ///   - maximumPoints: score a seeded subsample of this many points when N is larger
    ///     (default 5,000; `nil` scores all).
    ///   - seed: the subsample's seed.
    /// - Returns: a value in [0, 1]; higher is better.
    /// - Throws: `AnalysisError` for mismatched sizes, non-finite values or an impossible `k`.
    /// - Complexity: O(n²·(D + k)) for n scored points.
    public static func trustworthiness(original: Matrix, embedding: Matrix, k: Int = 10,
                                       maximumPoints: Int? = 5000, seed: UInt64 = 0) throws -> Double {
        try score(ranksIn: original, neighboursIn: embedding, k: k, maximumPoints: maximumPoints, seed: seed)
    }

    /// Continuity of `embedding` with respect to `original`: trustworthiness with the roles of
    /// the two spaces swapped. Parameters as for `trustworthiness`.
    public static func continuity(original: Matrix, embedding: Matrix, k: Int = 10,
                                  maximumPoints: Int? = 5000, seed: UInt64 = 0) throws -> Double {
        try score(ranksIn: embedding, neighboursIn: original, k: k, maximumPoints: maximumPoints, seed: seed)
    }

    /// 1 − 2 / (n k (2n − 3k − 1)) Σᵢ Σ_{j ∈ kNN_B(i) \ kNN_A(i)} (rank_A(i, j) − k).
    static func score(ranksIn rawA: Matrix, neighboursIn rawB: Matrix, k: Int, maximumPoints: Int?,
                      seed: UInt64) throws -> Double {
        guard rawA.rows == rawB.rows else {
            throw AnalysisError.sizeMismatch("the original data has \(rawA.rows) points, the embedding \(rawB.rows)")
        }
        var a = rawA, b = rawB
        if let maximumPoints, maximumPoints < rawA.rows {
            guard maximumPoints >= 4 else { throw AnalysisError.invalidArgument("maximumPoints must be at least 4, got \(maximumPoints)") }
            var rng = SeededGenerator(seed: seed)
            var idx = Array(0..<rawA.rows)
            idx.shuffle(using: &rng)
            let chosen = Array(idx.prefix(maximumPoints)).sorted()
            a = rawA.rows(at: chosen)
            b = rawB.rows(at: chosen)
        }
        let n = a.rows
        guard k >= 1, 2 * n - 3 * k - 1 > 0, k < n else {
            throw AnalysisError.invalidNeighborCount(k: k, allowed: "1...\(max(1, (2 * n - 2) / 3 - 1)) for \(n) points")
        }
        try NearestNeighbors.checkFinite(a)
        let neighbours = try NearestNeighbors(of: b, k: k)
        var total = 0.0
        neighbours.indices.withUnsafeBufferPointer { nb in
            let nbp = UnsafeSendable(nb.baseAddress!)
            PairwiseDistances.forEachBlock(queries: a, reference: a, metric: .euclidean) { start, rows, block in
                let blk = UnsafeSendable(block)
                total += Parallel.sum(count: rows, chunks: Parallel.defaultChunks(for: rows, minimumPerChunk: 4)) { range in
                    var s = 0.0
                    for local in range {
                        let i = start + local
                        let row = blk.value + local * n
                        for h in 0..<k {
                            let j = Int(nbp.value[i * k + h])
                            let dj = row[j]
                            // rank_A(i, j): 1 + points (other than i) strictly before j in (distance, index) order.
                            var before = 0
                            for l in 0..<n where l != i {
                                let dl = row[l]
                                if dl < dj || (dl == dj && l < j) { before += 1 }
                            }
                            let rank = before + 1
                            if rank > k { s += Double(rank - k) }
                        }
                    }
                    return s
                }
            }
        }
        let nd = Double(n), kd = Double(k)
        return 1 - 2 / (nd * kd * (2 * nd - 3 * kd - 1)) * total
    }
}
