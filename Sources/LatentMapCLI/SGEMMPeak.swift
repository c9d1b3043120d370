import ArgumentParser
import Foundation
import LatentMap

extension LatentMapCommand {
    /// Measures the SGEMM rate this machine reaches through LatentMap's own row-blocked GEMM
    /// (`BLAS.gemm`, single-threaded OpenBLAS calls on `--threads` workers): the limit that
    /// `scripts/bench.sh` compares each model's achieved GFLOP/s with.
    struct SGEMMPeak: ParsableCommand, RunsInContext {
        static let configuration = CommandConfiguration(
            commandName: "sgemm-peak",
            abstract: "Measure the SGEMM GFLOP/s of BLAS.gemm on square matrices (for bench.sh).",
            shouldDisplay: false)

        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Side of the square matrices.")
        var size: Int = 2048

        @Option(help: "Timed products (the best one is reported, after one warm-up).")
        var repeats: Int = 5

        func validate() throws {
            try OptionLimits.check(size, "size", atMost: 8192)
            try OptionLimits.check(repeats, "repeats", atMost: 1000)
        }

        /// The `--json` line (always printed): keys as `scripts/bench.sh` reads them.
        struct Peak: Encodable {
            var kind = "sgemm_peak", tool = "latentmap"
            var size: Int, threads: Int, best_s: Double, gflops: Double, repeats: Int

            init(size: Int, threads: Int, best_s: Double, gflops: Double, repeats: Int) {
                (self.size, self.threads, self.best_s, self.gflops, self.repeats) = (size, threads, best_s, gflops, repeats)
            }
        }

        func run() throws {
            var rng = SeededGenerator(seed: 1)
            let a = (0..<(size * size)).map { _ in rng.nextUniform() - 0.5 }
            let b = (0..<(size * size)).map { _ in rng.nextUniform() - 0.5 }
            var c = [Float](repeating: 0, count: size * size)
            var best = Double.infinity
            for trial in 0...repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        c.withUnsafeMutableBufferPointer { pc in
                            BLAS.gemm(.none, .none, m: size, n: size, k: size, a: pa.baseAddress!, lda: size,
                                      b: pb.baseAddress!, ldb: size, c: pc.baseAddress!, ldc: size)
                        }
                    }
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                if trial > 0 { best = min(best, seconds) }
            }
            let gflops = 2 * Double(size) * Double(size) * Double(size) / best / 1e9
            try Report.print(Peak(size: size, threads: ExecutionContext.current.threads, best_s: best, gflops: gflops,
                                  repeats: repeats))
        }
    }
}
