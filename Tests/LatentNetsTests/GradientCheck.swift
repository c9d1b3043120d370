import LatentCore
@testable import LatentNets
import TestSupport

/// Runs one layer on plain arrays and compares its backward pass with central differences of
/// `f(x, p) = Σ r ⊙ forward(x, p)` for a fixed random `r`.
struct LayerHarness {
    let layer: any Layer
    let batch: Int
    var linearOutput = false
    /// Training or inference mode for the passes.
    var training = true

    func forward(input: [Float], parameters: [Float]) -> [Float] {
        var output = [Float](repeating: 0, count: batch * layer.outputShape.count)
        var scratch = [Float](repeating: 0, count: max(1, layer.scratchCount(batch: batch)))
        var indices = [Int32](repeating: 0, count: max(1, layer.indexCount(batch: batch)))
        input.withUnsafeBufferPointer { x in
            parameters.withUnsafeBufferPointer { p in
                output.withUnsafeMutableBufferPointer { y in
                    scratch.withUnsafeMutableBufferPointer { s in
                        indices.withUnsafeMutableBufferPointer { i in
                            layer.forward(ForwardBuffers(input: x.baseAddress!, output: y.baseAddress!, batch: batch,
                                                         parameters: p.baseAddress ?? UnsafePointer(s.baseAddress!),
                                                         scratch: s.baseAddress!, indices: i.baseAddress!,
                                                         linearOutput: linearOutput, training: training))
                        }
                    }
                }
            }
        }
        return output
    }

    /// (∂f/∂input, ∂f/∂parameters) from the layer's backward pass.
    func backward(input: [Float], parameters: [Float], upstream: [Float]) -> (input: [Float], parameters: [Float]) {
        var output = [Float](repeating: 0, count: batch * layer.outputShape.count)
        var scratch = [Float](repeating: 0, count: max(1, layer.scratchCount(batch: batch)))
        var indices = [Int32](repeating: 0, count: max(1, layer.indexCount(batch: batch)))
        var gOut = upstream
        var gIn = [Float](repeating: .nan, count: input.count)
        var gP = [Float](repeating: .nan, count: max(1, parameters.count))
        input.withUnsafeBufferPointer { x in
            parameters.withUnsafeBufferPointer { p in
                output.withUnsafeMutableBufferPointer { y in
                    scratch.withUnsafeMutableBufferPointer { s in
                        indices.withUnsafeMutableBufferPointer { i in
                            gOut.withUnsafeMutableBufferPointer { go in
                                gIn.withUnsafeMutableBufferPointer { gi in
                                    gP.withUnsafeMutableBufferPointer { gp in
                                        let params = p.baseAddress ?? UnsafePointer(s.baseAddress!)
                                        layer.forward(ForwardBuffers(input: x.baseAddress!, output: y.baseAddress!, batch: batch,
                                                                     parameters: params, scratch: s.baseAddress!,
                                                                     indices: i.baseAddress!, linearOutput: linearOutput,
                                                                     training: training))
                                        layer.backward(BackwardBuffers(
                                            input: x.baseAddress!, output: y.baseAddress!, outputGradient: go.baseAddress!,
                                            inputGradient: gi.baseAddress!, batch: batch, parameters: params,
                                            parameterGradient: gp.baseAddress!, scratch: s.baseAddress!,
                                            indices: i.baseAddress!, linearOutput: linearOutput, training: training))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (gIn, Array(gP.prefix(parameters.count)))
    }

    /// Relative errors (whole-vector norms) of the analytic input and parameter gradients.
    func gradientErrors(seed: UInt64, step: Double = 1e-3) -> (input: Double, parameters: Double) {
        var rng = SeededGenerator(seed: seed)
        let input = (0..<(batch * layer.inputShape.count)).map { _ in rng.nextUniform() * 2 - 1 }
        var parameters = [Float](repeating: 0, count: layer.parameterCount)
        parameters.withUnsafeMutableBufferPointer { layer.initialize($0.baseAddress!, using: &rng) }
        // Non-zero biases so that the bias gradient matters for the output.
        for k in parameters.indices where parameters[k] == 0 { parameters[k] = rng.nextUniform() * 0.2 - 0.1 }
        let upstream = (0..<(batch * layer.outputShape.count)).map { _ in rng.nextUniform() * 2 - 1 }
        func f(_ x: [Float], _ p: [Float]) -> Double {
            let y = forward(input: x, parameters: p)
            var s = 0.0
            for k in y.indices { s += Double(y[k]) * Double(upstream[k]) }
            return s
        }
        let analytic = backward(input: input, parameters: parameters, upstream: upstream)
        let numericInput = Numeric.centralDifferenceGradient(at: input.map(Double.init), step: step) { x in
            f(x.map(Float.init), parameters)
        }
        var paramError = 0.0
        if !parameters.isEmpty {
            let numericParams = Numeric.centralDifferenceGradient(at: parameters.map(Double.init), step: step) { p in
                f(input, p.map(Float.init))
            }
            paramError = Numeric.relativeError(analytic.parameters, numericParams.map(Float.init))
        }
        return (Numeric.relativeError(analytic.input, numericInput.map(Float.init)), paramError)
    }
}

/// The relative error (whole-vector norm) of an objective's gradient on one batch of `rows`
/// samples at `parameters`, against central differences of its loss; the batch is loaded
/// afresh for every evaluation at gradient step `step`, so seeded noise stays fixed.
func objectiveGradientError<O: TrainingObjective>(_ stack: LayerStack, parameters: [Float], rows: Int, step: UInt64 = 1,
                                                  objective: O) -> Double {
    func lossAndGradient(_ p: [Float]) -> (Double, [Float]) {
        let ws = Workspace(stack: stack, capacity: rows, training: true)
        Array(0..<rows).withUnsafeBufferPointer { objective.loadBatch($0, into: ws, step: step) }
        let l = p.withUnsafeBufferPointer { objective.computeGradient($0.baseAddress!, ws, batch: rows, step: step) }
        ws.sumGradientParts(count: p.count)
        return (l, Array(UnsafeBufferPointer(start: ws.parameterGradient, count: p.count)))
    }
    let analytic = lossAndGradient(parameters).1
    let numeric = Numeric.centralDifferenceGradient(at: parameters.map(Double.init), step: 1e-3) { p in
        lossAndGradient(p.map(Float.init)).0
    }
    return Numeric.relativeError(analytic, numeric.map(Float.init))
}
