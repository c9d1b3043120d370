import Foundation
import LatentCore

/// Exactly k communities of a graph by modularity: the Louvain method (Blondel et al. 2008) at a
/// resolution found by bisection, then, if no resolution gives k, the over-clustered partition
/// merged pair by pair by the largest modularity gain (Clauset, Newman & Moore 2004).
///
/// Modularity with resolution γ (Reichardt & Bornholdt 2006) is
/// Q = Σ_c [ w_in(c) / 2m − γ (d(c) / 2m)² ], where w_in(c) is twice the weight inside community
/// c, d(c) its summed degree and m the graph's total weight. Louvain moves each vertex, in index
/// order, to the neighbouring community with the largest gain until no move helps, joins each
/// community into one vertex, and repeats. Larger γ gives more, smaller communities.
///
/// Where a Gaussian mixture draws ellipses over a t-SNE map, communities follow the map's
/// neighbour graph: they cut where islands touch through a narrow neck, and (on the graph of the
/// codes) they keep together a class that the map tore into two islands.
///
/// Everything is sequential and in index order, with ties to the smaller community, so the
/// result is fixed for a graph and the same for any thread count.
///
/// ```swift
/// let graph = NeighborGraph(try NearestNeighbors(of: codes, k: 15, metric: .cosine))
/// let fit = try ModularityClustering(communities: 10).fit(graph)
/// fit.assignments       // community of each point, 0..<10
/// ```
public struct ModularityClustering: Sendable {
    /// The number of communities k to return.
    public var communities: Int
    /// Resolutions tried by the bisection at most (default 40).
    public var searchSteps: Int

    public init(communities: Int, searchSteps: Int = 40) {
        self.communities = communities
        self.searchSteps = searchSteps
    }

    /// A partition into exactly `communities` groups.
    public struct Result: Sendable, Equatable {
        /// The community of each point, in 0..<k, numbered by each community's first point.
        public var assignments: [Int]
        /// The resolution γ whose Louvain partition was used.
        public var resolution: Double
        /// The communities Louvain found at that resolution (≥ k; the surplus was merged).
        public var louvainCommunities: Int
        /// The modularity (at γ = 1) of the returned partition.
        public var modularity: Double
    }

    /// Partitions `graph` into `communities` groups.
    /// - Throws: `AnalysisError.invalidArgument` when k is not in 1...N, or the graph has fewer
    ///   than k connected pieces' worth of edges to cut (no edges at all).
    public func fit(_ graph: NeighborGraph) throws -> Result {
        let n = graph.count, k = communities
        guard k >= 1, k <= n else {
            throw AnalysisError.invalidArgument("modularity clustering: communities must be in 1...\(n), got \(k)")
        }
        guard graph.storedEdges > 0 else { throw AnalysisError.invalidArgument("modularity clustering: the graph has no edges") }
        // Bisection on log γ: the count of communities grows with γ (not strictly, hence the
        // fallback). Keep the smallest over-count seen, to be merged down.
        var low = 1e-4, high = 1e4
        var best: (assignments: [Int], count: Int, resolution: Double)?
        for _ in 0..<max(1, searchSteps) {
            let gamma = (low * high).squareRoot()
            let partition = ModularityClustering.louvain(graph, resolution: gamma)
            let count = (partition.max() ?? -1) + 1
            if count >= k, best == nil || count < best!.count || (count == best!.count && gamma < best!.resolution) {
                best = (partition, count, gamma)
            }
            if count == k { break }
            if count > k { high = gamma } else { low = gamma }
            if high / low < 1 + 1e-9 { break }
        }
        if best == nil {
            // Even the largest γ tried gives fewer than k: every point alone, then merged.
            best = (Array(0..<n), n, high)
        }
        var assignments = best!.assignments
        if best!.count > k { assignments = ModularityClustering.merged(assignments, groups: best!.count, to: k, in: graph) }
        assignments = ModularityClustering.renumbered(assignments)
        return Result(assignments: assignments, resolution: best!.resolution, louvainCommunities: best!.count,
                      modularity: ModularityClustering.modularity(of: assignments, in: graph, resolution: 1))
    }

    /// Q of a partition at resolution γ.
    public static func modularity(of assignments: [Int], in graph: NeighborGraph, resolution: Double = 1) -> Double {
        let groups = (assignments.max() ?? -1) + 1
        var inside = [Double](repeating: 0, count: groups), degree = [Double](repeating: 0, count: groups)
        var total = 0.0
        for i in 0..<graph.count {
            for e in graph.rowStarts[i]..<graph.rowStarts[i + 1] {
                let w = graph.weights[e]
                degree[assignments[i]] += w
                total += w
                if assignments[Int(graph.columns[e])] == assignments[i] { inside[assignments[i]] += w }
            }
        }
        guard total > 0 else { return 0 }
        var q = 0.0
        for c in 0..<groups { q += inside[c] / total - resolution * (degree[c] / total) * (degree[c] / total) }
        return q
    }

    // MARK: - Louvain

    /// The Louvain partition of `graph` at resolution γ (community ids 0..<count, unnumbered).
    static func louvain(_ graph: NeighborGraph, resolution gamma: Double) -> [Int] {
        var membership = Array(0..<graph.count)
        var level = graph
        var selfWeight = [Double](repeating: 0, count: graph.count)
        while true {
            let (local, moved) = localMoving(level, selfWeight: selfWeight, resolution: gamma)
            let groups = (local.max() ?? -1) + 1
            for i in membership.indices { membership[i] = local[membership[i]] }
            if !moved || groups == level.count { break }
            let (next, inside) = level.aggregated(by: local, groups: groups)
            var carried = [Double](repeating: 0, count: groups)
            for v in 0..<level.count { carried[local[v]] += selfWeight[v] }
            for c in 0..<groups { carried[c] += inside[c] }
            level = next
            selfWeight = carried
        }
        return membership
    }

    /// One level of local moving: each vertex, in index order, joins the neighbouring community
    /// with the largest modularity gain, until a sweep moves none. `selfWeight[v]` is the weight
    /// inside vertex v (an aggregated community; counted in its degree). Returns communities
    /// renumbered 0..<count by first vertex, and whether any vertex moved.
    static func localMoving(_ graph: NeighborGraph, selfWeight: [Double], resolution gamma: Double) -> ([Int], Bool) {
        let n = graph.count
        var community = Array(0..<n)
        var degree = [Double](repeating: 0, count: n)
        var twiceTotal = 0.0
        for v in 0..<n { degree[v] = graph.degree(of: v) + selfWeight[v]; twiceTotal += degree[v] }
        guard twiceTotal > 0 else { return (community, false) }
        var communityDegree = degree
        var linkWeight = [Double](repeating: 0, count: n)     // scratch: weight from v to each community
        var touched = [Int]()
        var movedAny = false
        graph.rowStarts.withUnsafeBufferPointer { starts in
            graph.columns.withUnsafeBufferPointer { cols in
                graph.weights.withUnsafeBufferPointer { ws in
                    var moved = true, sweeps = 0
                    while moved && sweeps < 1000 {
                        moved = false
                        sweeps += 1
                        for v in 0..<n {
                            let own = community[v], kv = degree[v]
                            touched.removeAll(keepingCapacity: true)
                            for e in starts[v]..<starts[v + 1] {
                                let c = community[Int(cols[e])]
                                if linkWeight[c] == 0 { touched.append(c) }
                                linkWeight[c] += ws[e]
                            }
                            communityDegree[own] -= kv
                            // Gain of joining c (up to terms that do not depend on c):
                            // w(v, c) − γ · d(c) · k_v / 2m.
                            var bestCommunity = own
                            var bestGain = linkWeight[own] - gamma * communityDegree[own] * kv / twiceTotal
                            for c in touched where c != own {
                                let gain = linkWeight[c] - gamma * communityDegree[c] * kv / twiceTotal
                                if gain > bestGain + 1e-12 * twiceTotal {
                                    bestGain = gain; bestCommunity = c
                                }
                            }
                            communityDegree[bestCommunity] += kv
                            for c in touched { linkWeight[c] = 0 }
                            if bestCommunity != own { community[v] = bestCommunity; moved = true; movedAny = true }
                        }
                    }
                }
            }
        }
        return (renumbered(community), movedAny)
    }

    // MARK: - Merging down to k

    /// Merges the `groups` communities of `assignments` pairwise, each time the pair whose union
    /// raises modularity (γ = 1) the most, until `k` remain. Pairs without an edge between them
    /// are merged only when no joined pair is left, smallest degrees first.
    static func merged(_ assignments: [Int], groups: Int, to k: Int, in graph: NeighborGraph) -> [Int] {
        var between = [[Double]](repeating: [Double](repeating: 0, count: groups), count: groups)
        var degree = [Double](repeating: 0, count: groups)
        var total = 0.0
        for i in 0..<graph.count {
            let a = assignments[i]
            for e in graph.rowStarts[i]..<graph.rowStarts[i + 1] {
                let w = graph.weights[e], b = assignments[Int(graph.columns[e])]
                degree[a] += w
                total += w
                if a != b { between[a][b] += w }
            }
        }
        var alive = [Bool](repeating: true, count: groups)
        var root = Array(0..<groups)
        for _ in 0..<(groups - k) {
            // Joined pairs first (as Clauset, Newman & Moore merge only those): on long chains
            // the gain of joining two large neighbours is below that of two small strangers.
            var best: (a: Int, b: Int, joined: Bool, gain: Double)?
            for a in 0..<groups where alive[a] {
                for b in (a + 1)..<groups where alive[b] {
                    // ΔQ = 2 [ w(a, b) / 2m − d(a) d(b) / (2m)² ], w(a, b) counted one way and
                    // 2m = `total`; the factor 2 does not change the order.
                    let gain = between[a][b] / total - degree[a] * degree[b] / (total * total)
                    let joined = between[a][b] > 0
                    if best == nil || (joined && !best!.joined) || (joined == best!.joined && gain > best!.gain) {
                        best = (a, b, joined, gain)
                    }
                }
            }
            let (a, b, _, _) = best!
            for c in 0..<groups where alive[c] {
                between[a][c] += between[b][c]; between[c][a] += between[c][b]
            }
            between[a][a] = 0
            degree[a] += degree[b]
            alive[b] = false
            for g in 0..<groups where root[g] == b { root[g] = a }
        }
        return assignments.map { root[$0] }
    }

    /// Moves single points between the `k` groups of `assignments` while modularity (γ = 1)
    /// rises: each point, in index order, joins the group among its neighbours' (or stays in its
    /// own) with the largest gain w(v, c) − d(c) k_v / 2m, for up to `sweeps` sweeps or until
    /// one moves none. A group can empty out; callers renumber the result.
    static func refined(_ assignments: [Int], groups k: Int, in graph: NeighborGraph, sweeps: Int) -> [Int] {
        let n = graph.count
        var community = assignments
        var degree = [Double](repeating: 0, count: n), groupDegree = [Double](repeating: 0, count: k)
        var twiceTotal = 0.0
        for v in 0..<n { degree[v] = graph.degree(of: v); groupDegree[community[v]] += degree[v]; twiceTotal += degree[v] }
        guard twiceTotal > 0 else { return community }
        var linkWeight = [Double](repeating: 0, count: k), touched = [Int]()
        for _ in 0..<max(0, sweeps) {
            var moved = 0
            for v in 0..<n {
                let own = community[v], kv = degree[v]
                touched.removeAll(keepingCapacity: true)
                for e in graph.rowStarts[v]..<graph.rowStarts[v + 1] {
                    let c = community[Int(graph.columns[e])]
                    if linkWeight[c] == 0 { touched.append(c) }
                    linkWeight[c] += graph.weights[e]
                }
                groupDegree[own] -= kv
                var best = own, bestGain = linkWeight[own] - groupDegree[own] * kv / twiceTotal
                for c in touched where c != own {
                    let gain = linkWeight[c] - groupDegree[c] * kv / twiceTotal
                    if gain > bestGain + 1e-15 { best = c; bestGain = gain }
                }
                groupDegree[best] += kv
                for c in touched { linkWeight[c] = 0 }
                if best != own { community[v] = best; moved += 1 }
            }
            if moved == 0 { break }
        }
        return community
    }

    /// Ids 0..<count in order of first appearance.
    static func renumbered(_ ids: [Int]) -> [Int] {
        var map = [Int: Int]()
        return ids.map { id in
            if let m = map[id] { return m }
            map[id] = map.count
            return map.count - 1
        }
    }
}
