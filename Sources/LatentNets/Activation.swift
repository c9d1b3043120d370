import Foundation
import LatentCore

/// The element-wise non-linearity applied after a dense or convolutional layer.
///
/// Every derivative here can be computed from the activation's *output*, so layers keep only
/// their outputs for the backward pass (leaky ReLU needs a positive slope for this).
public enum Activation: Sendable, Equatable, Hashable, Codable {
    /// The identity: `f(z) = z`.
    case linear
    /// `max(z, 0)`.
    case relu
    /// `z` for `z > 0`, `slope · z` otherwise; `slope` in (0, 1) (Keras uses 0.3, PyTorch 0.01).
    case leakyReLU(slope: Float)
    /// The hyperbolic tangent.
    case tanh
    /// The logistic function `1 / (1 + e^(−z))`, with outputs in (0, 1).
    case sigmoid

    /// The name used in spec strings and on the command line (`leaky-relu:0.2` for a slope).
    public var name: String {
        switch self {
        case .linear: return "linear"
        case .relu: return "relu"
        case .leakyReLU(let s): return s == 0.01 ? "leaky-relu" : "leaky-relu:\(s)"
        case .tanh: return "tanh"
        case .sigmoid: return "sigmoid"
        }
    }

    /// Parses `linear`, `relu`, `leaky-relu` (slope 0.01), `leaky-relu:0.2`, `tanh`, `sigmoid`.
    public init?(name: String) {
        let lower = name.lowercased()
        switch lower {
        case "linear", "none", "identity": self = .linear
        case "relu": self = .relu
        case "leaky-relu", "leakyrelu", "leaky_relu": self = .leakyReLU(slope: 0.01)
        case "tanh": self = .tanh
        case "sigmoid": self = .sigmoid
        default:
            let parts = lower.split(separator: ":")
            guard parts.count == 2, ["leaky-relu", "leakyrelu", "leaky_relu"].contains(String(parts[0])),
                  let s = Float(parts[1]), s > 0, s < 1 else { return nil }
            self = .leakyReLU(slope: s)
        }
    }

    /// A pre-activation `z` with `f(z) ≈ y`, for setting a bias so that a layer starts at a
    /// known mean output. `y` is first clamped into the activation's range, kept 1e-3 away
    /// from the asymptotes of sigmoid and tanh so the result stays finite and the unit is not
    /// saturated; for ReLU negative means give 0 (the unit stays alive at its kink).
    func preimage(of y: Float) -> Float {
        switch self {
        case .linear: return y
        case .relu: return max(y, 0)
        case .leakyReLU(let slope): return y > 0 ? y : y / slope
        case .tanh:
            let t = min(max(y, -0.999), 0.999)
            return 0.5 * Foundation.log((1 + t) / (1 - t))
        case .sigmoid:
            let p = min(max(y, 0.001), 0.999)
            return Foundation.log(p / (1 - p))
        }
    }

    /// The gain He/Xavier initialisation should use: He for the ReLU family, Xavier otherwise.
    var prefersHeInitialization: Bool {
        switch self {
        case .relu, .leakyReLU: return true
        default: return false
        }
    }
}

// MARK: - Kernels

/// Below this many elements an element-wise pass runs on one thread.
let parallelElementThreshold = 65_536

/// Chunk count for an element-wise pass over `count` elements (depends on the size only).
@inline(__always)
func elementChunks(_ count: Int) -> Int {
    count < parallelElementThreshold ? 1 : min(16, count / 16_384)
}

/// `x[r, c] = f(x[r, c] + bias[c])` for an `rows × columns` row-major block, in place.
func addBiasAndActivate(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                        bias: UnsafePointer<Float>, activation: Activation) {
    let px = UnsafeSendable(x), pb = UnsafeSendable(bias)
    let chunks = elementChunks(rows * columns)
    Parallel.forEachChunk(count: rows, chunks: chunks) { _, range in
        let x = px.value, b = pb.value
        for r in range { activateRow(x + r * columns, columns: columns, bias: b, activation: activation) }
    }
}

/// `row[c] = f(row[c] + bias[c])` for one row of `columns` values, in place (the loop of
/// `addBiasAndActivate`, shared with the fused output pass so both give the same values).
@inline(__always)
func activateRow(_ row: UnsafeMutablePointer<Float>, columns: Int, bias b: UnsafePointer<Float>, activation: Activation) {
    switch activation {
    case .linear:
        for c in 0..<columns { row[c] += b[c] }
    case .relu:
        for c in 0..<columns { row[c] = max(row[c] + b[c], 0) }
    case .leakyReLU(let slope):
        for c in 0..<columns { let z = row[c] + b[c]; row[c] = z > 0 ? z : slope * z }
    case .tanh:
        for c in 0..<columns { row[c] = Foundation.tanh(row[c] + b[c]) }
    case .sigmoid:
        for c in 0..<columns { row[c] = sigmoid(row[c] + b[c]) }
    }
}

/// `g[k] *= f'(z_k)`, with the derivative computed from the output `y[k] = f(z_k)`, in place.
func multiplyByDerivative(_ g: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, count: Int,
                          activation: Activation) {
    if activation == .linear { return }
    let pg = UnsafeSendable(g), py = UnsafeSendable(y)
    Parallel.forEachChunk(count: count, chunks: elementChunks(count)) { _, range in
        let g = pg.value, y = py.value
        switch activation {
        case .linear: break
        case .relu:
            for k in range { g[k] = y[k] > 0 ? g[k] : 0 }
        case .leakyReLU(let slope):
            for k in range { g[k] = y[k] > 0 ? g[k] : slope * g[k] }
        case .tanh:
            for k in range { g[k] *= 1 - y[k] * y[k] }
        case .sigmoid:
            for k in range { g[k] *= y[k] * (1 - y[k]) }
        }
    }
}

/// The logistic function `1 / (1 + e^(−z))`. It cannot overflow: for very negative z the
/// exponential saturates at its clamp and the result underflows towards 0, as it should.
@inline(__always)
func sigmoid(_ z: Float) -> Float {
    1 / (1 + fastExp(-z))
}

/// `e^x` for Float, branch-free so loops over it vectorise (Cephes `expf`: range reduction to
/// `x = n·ln 2 + r`, |r| ≤ ½ ln 2, and a degree-6 polynomial; relative error below 2e-7).
/// Inputs are clamped to [−87.3, 88.7], the range where the result is a normal Float.
@inline(__always)
func fastExp(_ x: Float) -> Float {
    let x = min(max(x, -87.3), 88.7)
    // Adding 1.5·2²³ rounds x·log₂e to the nearest integer n, which lands in the low mantissa
    // bits of t (wrapping integer arithmetic only, so the loop stays vectorisable).
    let t = x * 1.442_695_04 + 12_582_912
    let n = t - 12_582_912
    let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p: Float = 1.987_569_15e-4
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_91e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let e = p * r * r + r + 1
    return e * Float(bitPattern: (t.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
}

/// Chunks of rows for `derivativeAndColumnSums` over a `rows × columns` block (fixed by the
/// sizes); the caller's partials buffer needs `chunks × columns` floats when there is more than one.
func columnSumChunks(rows: Int, columns: Int) -> Int {
    rows * columns < parallelElementThreshold ? 1 : min(16, max(1, rows / 64))
}

/// `g[r, c] *= f'(z[r, c])` (from the outputs `y`, as in `multiplyByDerivative`) and
/// `out[c] = Σ_r g[r, c]` over an `rows × columns` block in one pass: a layer's
/// ∂pre-activation and its bias gradient. Chunked partial sums go to `partials`
/// (`columnSumChunks × columns` floats) and are reduced in chunk order, so the sums do not
/// depend on the thread count.
func derivativeAndColumnSums(_ g: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, rows: Int, columns: Int,
                             activation: Activation, into out: UnsafeMutablePointer<Float>,
                             partials: UnsafeMutablePointer<Float>) {
    let chunks = columnSumChunks(rows: rows, columns: columns)
    let pg = UnsafeSendable(g), py = UnsafeSendable(y)
    let pp = UnsafeSendable(chunks == 1 ? out : partials)
    Parallel.forEachChunk(count: rows, chunks: chunks) { chunk, range in
        let acc = pp.value + chunk * columns
        if columns % 4 == 0 {
            // Four columns at a time (the sums live apart from the rows, so no aliasing).
            let first = range.lowerBound * columns
            applyDerivative(pg.value + first, output: py.value + first, rows: range.count, columns: columns,
                            activation: activation, columnSums: acc)
            return
        }
        acc.initialize(repeating: 0, count: columns)
        for r in range {
            let row = pg.value + r * columns, yr = py.value + r * columns
            switch activation {
            case .linear:
                for c in 0..<columns { acc[c] += row[c] }
            case .relu:
                for c in 0..<columns { let v = yr[c] > 0 ? row[c] : 0; row[c] = v; acc[c] += v }
            case .leakyReLU(let slope):
                for c in 0..<columns { let v = yr[c] > 0 ? row[c] : slope * row[c]; row[c] = v; acc[c] += v }
            case .tanh:
                for c in 0..<columns { let v = row[c] * (1 - yr[c] * yr[c]); row[c] = v; acc[c] += v }
            case .sigmoid:
                for c in 0..<columns { let v = row[c] * (yr[c] * (1 - yr[c])); row[c] = v; acc[c] += v }
            }
        }
    }
    guard chunks > 1 else { return }
    out.update(from: partials, count: columns)
    for k in 1..<chunks {
        let part = partials + k * columns
        for c in 0..<columns { out[c] += part[c] }
    }
}
