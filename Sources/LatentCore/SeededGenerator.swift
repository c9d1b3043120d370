import Foundation

/// A small, fast, seedable random number generator (xoshiro256**, seeded through SplitMix64).
///
/// Every random choice in LatentMap draws from one of these, so a seed fixes the result on every
/// platform and for every thread count.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// A generator whose whole sequence is fixed by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    @inlinable static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = SeededGenerator.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = SeededGenerator.rotl(s3, 45)
        return result
    }

    /// A uniform `Float` in [0, 1).
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / Float(1 << 24))
    }

    /// A uniform `Double` in [0, 1).
    public mutating func nextUniformDouble() -> Double {
        Double(next() >> 11) * (1.0 / Double(UInt64(1) << 53))
    }

    /// A standard normal sample (Box–Muller in `Double`).
    public mutating func nextGaussian() -> Float {
        var u1 = nextUniformDouble()
        while u1 <= .leastNonzeroMagnitude { u1 = nextUniformDouble() }
        let u2 = nextUniformDouble()
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// A generator for an independent stream, derived from this seed and `stream`.
    public static func stream(seed: UInt64, _ stream: UInt64) -> SeededGenerator {
        SeededGenerator(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03) &+ stream)
    }
}


extension Matrix {
    /// A matrix of independent N(0, `standardDeviation`²) samples.
    public static func gaussian(rows: Int, columns: Int, standardDeviation: Float = 1,
                                using generator: inout SeededGenerator) -> Matrix {
        var m = Matrix(rows: rows, columns: columns)
        m.withUnsafeMutableBufferPointer { p in
            for k in p.indices { p[k] = generator.nextGaussian() * standardDeviation }
        }
        return m
    }

    /// A matrix of independent uniform samples in [`low`, `high`).
    public static func uniform(rows: Int, columns: Int, low: Float, high: Float,
                               using generator: inout SeededGenerator) -> Matrix {
        var m = Matrix(rows: rows, columns: columns)
        m.withUnsafeMutableBufferPointer { p in
            for k in p.indices { p[k] = low + (high - low) * generator.nextUniform() }
        }
        return m
    }
}
