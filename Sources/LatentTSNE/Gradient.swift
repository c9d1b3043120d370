import Foundation
import LatentCore

/// How the repulsive forces (and the normalisation Z) are computed.
public enum GradientMethod: Sendable, Equatable {
    /// Every pair, O(N²) per iteration: exact, for up to a few thousand points.
    case exact
    /// The Barnes-Hut approximation over a quadtree (octree in 3-D), O(N log N) per iteration
    /// (van der Maaten 2014). `theta` trades accuracy for speed: 0 is exact, 0.5 is usual.
    case barnesHut(theta: Double = 0.5)
    /// FFT-accelerated interpolation onto a regular grid (FIt-SNE; Linderman et al. 2019), O(N)
    /// per iteration plus the grid's FFTs: the fastest for large N. 1-D and 2-D output only; 3-D
    /// output runs Barnes-Hut instead (`resolved(points:dimensions:)` says which runs).
    case interpolation(InterpolationOptions = InterpolationOptions())
    /// Chosen by the number of points: exact, Barnes-Hut or interpolation (see
    /// `resolved(points:dimensions:)` for the crossovers).
    case auto
}

/// Buffers for one gradient evaluation, allocated once per embedding and reused every iteration.
///
/// The gradient is computed in openTSNE's scale, a quarter of ∂KL/∂y:
/// g_i = α Σⱼ p_ij q_ij (y_i − y_j) − (1/Z) Σⱼ q_ij² (y_i − y_j), with α the exaggeration,
/// q_ij = 1 / (1 + ‖y_i − y_j‖²) and Z = Σ_{i≠j} q_ij. Two parallel passes over the points compute
/// each point's attraction (in index order, streaming P) and its repulsion and partial Z (in the
/// tree's spatial order for Barnes-Hut). Each point writes only its own rows and each chunk its
/// own partial sums, reduced in chunk order, so the result is the same for any thread count.
struct GradientWorkspace {
    let count: Int
    let dimensions: Int
    let chunks: Int
    var tree = QuadTree()
    var interpolation = InterpolationWorkspace()
    var attraction: [Float]
    var repulsion: [Float]
    var gradient: [Float]
    var partialZ: [Double]
    var partialLogQ: [Double]
    /// The positions as columns (all x, then all y, then all z), for the exact kernel.
    var columns: [Float]
    /// P as a dense N × N matrix, for the exact kernel (built on its first use).
    var denseP: [Float] = []

    init(count n: Int, dimensions d: Int) {
        count = n
        dimensions = d
        chunks = Parallel.defaultChunks(for: n, minimumPerChunk: 32)
        attraction = [Float](repeating: 0, count: n * d)
        repulsion = [Float](repeating: 0, count: n * d)
        gradient = [Float](repeating: 0, count: n * d)
        partialZ = [Double](repeating: 0, count: chunks)
        partialLogQ = [Double](repeating: 0, count: chunks)
        columns = [Float](repeating: 0, count: n * d)
    }

    /// Fills `gradient` for `positions` and returns KL(P‖Q) when `withKL` (else nil).
    mutating func evaluate(positions: Matrix, affinities p: Affinities, method: GradientMethod,
                           exaggeration: Float, withKL: Bool) -> Double? {
        switch dimensions {
        case 3: evaluate(SolidSpace.self, positions: positions, affinities: p, method: method, exaggeration: exaggeration, withKL: withKL)
        case 1: evaluate(LineSpace.self, positions: positions, affinities: p, method: method, exaggeration: exaggeration, withKL: withKL)
        default: evaluate(PlaneSpace.self, positions: positions, affinities: p, method: method, exaggeration: exaggeration, withKL: withKL)
        }
    }

    private mutating func evaluate<S: EmbeddingSpace>(_ space: S.Type, positions: Matrix, affinities p: Affinities,
                                                      method: GradientMethod, exaggeration: Float, withKL: Bool) -> Double? {
        let n = count, d = dimensions, chunks = chunks
        var theta2: Float = 0
        var exact = true, interpolated = false
        switch method.resolved(points: n, dimensions: d) {
        case .barnesHut(let theta):
            exact = false
            theta2 = Float(theta * theta)
            positions.withUnsafeBufferPointer { tree.rebuild(positions: $0.baseAddress!, count: n, dimensions: d) }
        case .interpolation(let options):
            exact = false
            interpolated = true
            let z = positions.withUnsafeBufferPointer { yb in
                repulsion.withUnsafeMutableBufferPointer { rb in
                    Repulsion.interpolation(&interpolation, positions: yb.baseAddress!, count: n, dimensions: d,
                                            options: options, into: rb.baseAddress!)
                }
            }
            for c in 0..<chunks { partialZ[c] = c == 0 ? z : 0 }
        case .exact, .auto:
            break
        }
        let useExact = exact, useTree = !exact && !interpolated, thetaSquared = theta2
        if exact {
            if denseP.count != n * n {
                denseP = [Float](repeating: 0, count: n * n)
                for i in 0..<n {
                    for e in p.rowStarts[i]..<p.rowStarts[i + 1] { denseP[i * n + Int(p.columnIndices[e])] = p.values[e] }
                }
            }
            positions.withUnsafeBufferPointer { yb in
                columns.withUnsafeMutableBufferPointer { cb in
                    for i in 0..<n { for c in 0..<d { cb[c * n + i] = yb[i * d + c] } }
                }
            }
        }
        positions.withUnsafeBufferPointer { yb in
        p.rowStarts.withUnsafeBufferPointer { sb in
        p.columnIndices.withUnsafeBufferPointer { cb in
        p.values.withUnsafeBufferPointer { vb in
        tree.walkStorage.withUnsafeBufferPointer { nb in
        tree.order.withUnsafeBufferPointer { ob in
        attraction.withUnsafeMutableBufferPointer { ab in
        repulsion.withUnsafeMutableBufferPointer { rb in
        partialZ.withUnsafeMutableBufferPointer { zb in
        partialLogQ.withUnsafeMutableBufferPointer { lb in
        columns.withUnsafeBufferPointer { colb in
        denseP.withUnsafeBufferPointer { db in
            let y = UnsafeSendable(yb.baseAddress!), starts = UnsafeSendable(sb.baseAddress!)
            let cols = UnsafeSendable(cb.baseAddress!), vals = UnsafeSendable(vb.baseAddress!)
            let nodes = UnsafeSendable(nb.baseAddress), attr = UnsafeSendable(ab.baseAddress!)
            let rep = UnsafeSendable(rb.baseAddress!), zs = UnsafeSendable(zb.baseAddress!)
            let logs = UnsafeSendable(lb.baseAddress!), walkCount = tree.walkCount
            // Barnes-Hut visits the points in the tree's spatial order; exact in index order.
            let order = UnsafeSendable(ob.baseAddress), ycols = UnsafeSendable(colb.baseAddress!)
            let pDense = UnsafeSendable(db.baseAddress)
            // Attraction in index order: the rows of P stream through memory in sequence. (The
            // exact kernel computes it alongside the repulsion; this pass then only sums the KL.)
            if !useExact || withKL {
                Parallel.forEachChunk(count: n, chunks: chunks) { chunk, range in
                    var logSum = 0.0
                    for i in range {
                        if !useExact {
                            let a = Attraction.row(S.self, i, y: y.value, starts: starts.value, columns: cols.value, values: vals.value)
                            let o = i * d
                            attr.value[o] = a.x
                            if d >= 2 { attr.value[o + 1] = a.y }
                            if d == 3 { attr.value[o + 2] = a.z }
                        }
                        if withKL {
                            logSum += Attraction.logKernelSum(S.self, i, y: y.value, starts: starts.value,
                                                              columns: cols.value, values: vals.value)
                        }
                    }
                    logs.value[chunk] = logSum
                }
            } else {
                for c in 0..<chunks { logs.value[c] = 0 }
            }
            // Repulsion: Barnes-Hut visits the points in the tree's spatial order, exact in index
            // order (interpolation has filled it already).
            if useExact || useTree { Parallel.forEachChunk(count: n, chunks: chunks) { chunk, range in
                var zSum = 0.0
                for r in range {
                    let i = useExact ? r : Int(order.value![r])
                    let o = i * d
                    let f: (x: Float, y: Float, z: Float, sumQ: Float)
                    if useExact {
                        let e = Repulsion.exactRow(S.self, i, columns: ycols.value, count: n,
                                                   affinityRow: pDense.value! + i * n)
                        f = (e.x, e.y, e.z, e.sumQ)
                        attr.value[o] = e.attraction.x
                        if d >= 2 { attr.value[o + 1] = e.attraction.y }
                        if d == 3 { attr.value[o + 2] = e.attraction.z }
                    } else {
                        f = Repulsion.barnesHutRow(S.self, i, y: y.value, walk: nodes.value!, walkCount: walkCount,
                                                   thetaSquared: thetaSquared)
                    }
                    rep.value[o] = f.x
                    if d >= 2 { rep.value[o + 1] = f.y }
                    if d == 3 { rep.value[o + 2] = f.z }
                    zSum += Double(f.sumQ)
                }
                zs.value[chunk] = zSum
            } }
        }}}}}}}}}}}}
        var z = 0.0, logQ = 0.0
        for c in 0..<chunks { z += partialZ[c]; logQ += partialLogQ[c] }
        let invZ = Float(1 / max(z, Double.leastNormalMagnitude))
        let alpha = exaggeration
        attraction.withUnsafeBufferPointer { a in
            repulsion.withUnsafeBufferPointer { r in
                gradient.withUnsafeMutableBufferPointer { g in
                    for k in 0..<(n * d) { g[k] = alpha * a[k] - invZ * r[k] }
                }
            }
        }
        // KL = Σ p log p − Σ p log q_unnormalised + log Z   (Σ p = 1).
        return withKL ? p.negativeEntropy - logQ + log(z) : nil
    }
}
