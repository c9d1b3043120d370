import LatentCore

/// `y = f(x·W + b)`: W is `inputs × units` (Keras layout), b has `units` values.
struct DenseLayer: Layer {
    let inputShape: TensorShape
    let outputShape: TensorShape
    let activation: Activation

    var inputs: Int { inputShape.count }
    var units: Int { outputShape.count }
    var parameterShapes: [(name: String, shape: [Int])] { [("weight", [inputs, units]), ("bias", [units])] }
    var multiplyAdds: Int { inputs * units }
    /// The bias gradient's chunked partial sums.
    func scratchCount(batch: Int) -> Int { columnSumChunks(rows: batch, columns: units) * units }

    func initialize(_ p: UnsafeMutablePointer<Float>, using generator: inout SeededGenerator) {
        initializeWeights(p, count: inputs * units, fanIn: inputs, fanOut: units, activation: activation, using: &generator)
        (p + inputs * units).initialize(repeating: 0, count: units)
    }

    func forward(_ b: ForwardBuffers) {
        forwardProduct(b.input, weights: b.parameters, output: b.output, rows: b.batch)
        addBiasAndActivate(b.output, rows: b.batch, columns: units, bias: b.parameters + inputs * units,
                           activation: b.linearOutput ? .linear : activation)
    }

    /// `z = x·W` over `rows` samples: the forward pass without bias and activation.
    func forwardProduct(_ x: UnsafePointer<Float>, weights: UnsafePointer<Float>, output z: UnsafeMutablePointer<Float>, rows: Int) {
        BLAS.gemm(.none, .none, m: rows, n: units, k: inputs, a: x, lda: inputs, b: weights, ldb: units, beta: 0, c: z, ldc: units)
    }

    func backward(_ b: BackwardBuffers) {
        let gz = b.outputGradient
        // gz ← gz·f'(z) and ∂b = column sums of gz in one pass; ∂W = xᵀ·gz, ∂x = gz·Wᵀ.
        if !b.outputGradientIsPreActivation {
            derivativeAndColumnSums(gz, output: b.output, rows: b.batch, columns: units,
                                    activation: b.linearOutput ? .linear : activation,
                                    into: b.parameterGradient + inputs * units, partials: b.scratch)
        }
        BLAS.gemm(.transposed, .none, m: inputs, n: units, k: b.batch, a: b.input, lda: inputs,
                  b: gz, ldb: units, beta: 0, c: b.parameterGradient, ldc: units)
        if let gx = b.inputGradient {
            BLAS.gemm(.none, .transposed, m: b.batch, n: inputs, k: units, a: gz, lda: units,
                      b: b.parameters, ldb: units, beta: 0, c: gx, ldc: inputs)
        }
    }
}
