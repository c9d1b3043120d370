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
        BLAS.gemm(.none, .none, m: b.batch, n: units, k: inputs, a: b.input, lda: inputs,
                  b: b.parameters, ldb: units, beta: 0, c: b.output, ldc: units)
        addBiasAndActivate(b.output, rows: b.batch, columns: units, bias: b.parameters + inputs * units,
                           activation: b.linearOutput ? .linear : activation)
    }

    func backward(_ b: BackwardBuffers) {
        let gz = b.outputGradient
        // gz ← gz·f'(z) and ∂b = column sums of gz in one pass; ∂W = xᵀ·gz, ∂x = gz·Wᵀ.
        derivativeAndColumnSums(gz, output: b.output, rows: b.batch, columns: units,
                                activation: b.linearOutput ? .linear : activation,
                                into: b.parameterGradient + inputs * units, partials: b.scratch)
        BLAS.gemm(.transposed, .none, m: inputs, n: units, k: b.batch, a: b.input, lda: inputs,
                  b: gz, ldb: units, beta: 0, c: b.parameterGradient, ldc: units)
        if let gx = b.inputGradient {
            BLAS.gemm(.none, .transposed, m: b.batch, n: inputs, k: units, a: gz, lda: units,
                      b: b.parameters, ldb: units, beta: 0, c: gx, ldc: inputs)
        }
    }
}
