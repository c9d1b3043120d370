import Foundation
import LatentCore

// Pieces shared by the convolution paths that take a chunk of images through a whole pass on
// one worker (Winograd, tap-major): the chunk loop, and bias, activation and derivative
// applied to data already in the core's cache instead of in separate passes over the batch.

/// The chunks of `batch` images, `imagesPerChunk` each (the last may be shorter), and how
/// many run in one parallel pass (each has its own slot of scratch): fixed by the sizes.
func imageChunks(batch: Int, imagesPerChunk: Int) -> (chunks: Int, slots: Int) {
    let chunks = (batch + imagesPerChunk - 1) / imagesPerChunk
    return (chunks, min(chunks, 32))
}

/// Runs `body(images, buffer, slot)` for every chunk of `batch` images (`images` = the
/// chunk's range), each pass of `slots` chunks in parallel; chunk k of a pass owns the
/// `slotCount` floats from `slots + k·slotCount` (for its partial sums), and `buffer` is the
/// start of the slot of the worker running it (for the large intermediate arrays, which then
/// stay in that core's cache from one chunk to the next). Results do not depend on which
/// worker runs a chunk. After each pass, `afterPass(chunks)` runs on the calling thread with
/// the pass's chunks (whose slots start at the first), so that their partial sums can be added
/// in chunk order.
func forEachImageChunk(batch: Int, imagesPerChunk per: Int, slots: UnsafeMutablePointer<Float>, slotCount: Int,
                       _ body: @Sendable (_ images: Range<Int>, _ buffer: UnsafeMutablePointer<Float>,
                                          _ slot: UnsafeMutablePointer<Float>) -> Void,
                       afterPass: (Range<Int>) -> Void = { _ in }) {
    let (chunks, inFlight) = imageChunks(batch: batch, imagesPerChunk: per)
    let base = UnsafeSendable(slots)
    var first = 0
    while first < chunks {
        let pass = first..<min(chunks, first + inFlight)
        let workers = max(1, min(ExecutionContext.current.threads, pass.count))
        Parallel.forEachChunk(count: pass.count, chunks: workers) { worker, range in
            for k in range {
                let chunk = pass.lowerBound + k
                body((chunk * per)..<min(batch, chunk * per + per), base.value + worker * slotCount,
                     base.value + k * slotCount)
            }
        }
        afterPass(pass)
        first = pass.upperBound
    }
}

/// Adds the `count` floats of each chunk's part (`count` floats at `parts + k·stride` for the
/// k-th chunk of `pass`) into `total`, in chunk order; chunk 0 overwrites it.
func addChunkParts(_ parts: UnsafePointer<Float>, stride: Int, count: Int, pass: Range<Int>,
                   into total: UnsafeMutablePointer<Float>) {
    for chunk in pass {
        let part = parts + (chunk - pass.lowerBound) * stride
        if chunk == 0 {
            total.update(from: part, count: count)
        } else {
            for i in 0..<count { total[i] += part[i] }
        }
    }
}

typealias Lanes = SIMD4<Float>

@inline(__always) func load(_ p: UnsafeMutablePointer<Float>) -> Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
}

@inline(__always) func load(_ p: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
}

@inline(__always) func store(_ x: Lanes, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: x, as: Lanes.self)
}

/// `f(z)` for four pre-activations.
@inline(__always) func activated(_ z: Lanes, _ activation: Activation) -> Lanes {
    switch activation {
    case .linear: return z
    case .relu: return z.replacing(with: 0, where: .!(z .> 0))
    case .leakyReLU(let slope): return z.replacing(with: slope * z, where: .!(z .> 0))
    case .tanh: return Lanes(Foundation.tanh(z[0]), Foundation.tanh(z[1]), Foundation.tanh(z[2]), Foundation.tanh(z[3]))
    case .sigmoid: return Lanes(sigmoid(z[0]), sigmoid(z[1]), sigmoid(z[2]), sigmoid(z[3]))
    }
}

/// `g·f'(z)` for four values, from the outputs `y = f(z)`.
@inline(__always) func derivative(_ g: Lanes, _ y: Lanes, _ activation: Activation) -> Lanes {
    switch activation {
    case .linear: return g
    case .relu: return g.replacing(with: 0, where: .!(y .> 0))
    case .leakyReLU(let slope): return g.replacing(with: slope * g, where: .!(y .> 0))
    case .tanh: return g * (1 - y * y)
    case .sigmoid: return g * (y * (1 - y))
    }
}

/// `x[r, ·] = f(x[r, ·] + bias)` over `rows` rows of `columns` (a multiple of 4) values, on
/// the calling thread.
func activateRows(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>,
                  activation: Activation) {
    assert(columns % 4 == 0)
    for r in 0..<rows {
        let row = x + r * columns
        var j = 0
        while j < columns {
            store(activated(load(row + j) + load(bias + j), activation), row + j)
            j += 4
        }
    }
}

/// `g[r, ·] *= f'(z[r, ·])` (from the outputs `y`) over `rows` rows of `columns` (a multiple
/// of 4) values, and `sums[·] = Σ_r g[r, ·]`, on the calling thread.
func applyDerivative(_ g: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, rows: Int, columns: Int,
                     activation: Activation, columnSums sums: UnsafeMutablePointer<Float>) {
    assert(columns % 4 == 0)
    sums.initialize(repeating: 0, count: columns)
    for r in 0..<rows {
        let row = g + r * columns, yr = y + r * columns
        var j = 0
        while j < columns {
            let v = derivative(load(row + j), load(yr + j), activation)
            store(v, row + j)
            store(load(sums + j) + v, sums + j)
            j += 4
        }
    }
}
