import LatentCore

/// Pointers one layer reads and writes in a forward pass over a batch.
struct ForwardBuffers {
    /// `batch × inputShape.count` values.
    var input: UnsafePointer<Float>
    /// `batch × outputShape.count` values, written by the layer.
    var output: UnsafeMutablePointer<Float>
    var batch: Int
    /// The layer's slice of the flat parameter vector.
    var parameters: UnsafePointer<Float>
    /// Shared scratch space of `scratchCount(batch:)` floats (e.g. im2col columns).
    var scratch: UnsafeMutablePointer<Float>
    /// The layer's own index buffer of `indexCount(batch:)` (kept for its backward pass).
    var indices: UnsafeMutablePointer<Int32>
    /// Skip the activation (the loss applies it, e.g. sigmoid fused into cross-entropy).
    var linearOutput: Bool
    /// Training mode (dropout masks, batch statistics) or inference (identity, running statistics).
    var training = true
}

/// Pointers one layer reads and writes in a backward pass over a batch.
struct BackwardBuffers {
    var input: UnsafePointer<Float>
    var output: UnsafePointer<Float>
    /// ∂loss/∂output; the layer may overwrite it.
    var outputGradient: UnsafeMutablePointer<Float>
    /// ∂loss/∂input, written by the layer; `nil` when nobody needs it (the first layer).
    var inputGradient: UnsafeMutablePointer<Float>?
    var batch: Int
    var parameters: UnsafePointer<Float>
    /// ∂loss/∂parameters, overwritten by the layer.
    var parameterGradient: UnsafeMutablePointer<Float>
    var scratch: UnsafeMutablePointer<Float>
    var indices: UnsafeMutablePointer<Int32>
    var linearOutput: Bool
    var training = true
    /// `outputGradient` is already ∂loss/∂pre-activation and the bias gradient is written (a
    /// dense output layer whose fused pass did both, `DenseLayer.squaredErrorPass`).
    var outputGradientIsPreActivation = false
}

/// A layer with resolved shapes: forward and backward over a batch of NHWC samples.
protocol Layer: Sendable {
    var inputShape: TensorShape { get }
    var outputShape: TensorShape { get }
    /// Named parameter tensors with their shapes, in storage order.
    var parameterShapes: [(name: String, shape: [Int])] { get }
    func scratchCount(batch: Int) -> Int
    /// Index values the layer keeps per batch of `batch` samples in training.
    func indexCount(batch: Int) -> Int
    /// Whether the index buffer serves only training passes (dropout masks), so inference
    /// workspaces need not allocate it (default false).
    var needsIndicesOnlyInTraining: Bool { get }
    /// Multiply-adds of one sample's forward product (the GEMM or direct convolution; 0 for
    /// layers without one). The backward pass costs the same again for ∂weights and, when the
    /// input gradient is wanted, once more for ∂input.
    var multiplyAdds: Int { get }
    /// Fills the layer's parameters (He or Xavier uniform weights, zero biases).
    func initialize(_ parameters: UnsafeMutablePointer<Float>, using generator: inout SeededGenerator)
    func forward(_ b: ForwardBuffers)
    func backward(_ b: BackwardBuffers)
}

extension Layer {
    var parameterCount: Int { parameterShapes.reduce(0) { $0 + $1.shape.reduce(1, *) } }
    func scratchCount(batch: Int) -> Int { 0 }
    func indexCount(batch: Int) -> Int { 0 }
    var needsIndicesOnlyInTraining: Bool { false }
    var multiplyAdds: Int { 0 }

    /// Index values a workspace for `batch` samples in this mode must hold.
    func indexCount(batch: Int, training: Bool) -> Int {
        training || !needsIndicesOnlyInTraining ? indexCount(batch: batch) : 0
    }
    func initialize(_ parameters: UnsafeMutablePointer<Float>, using generator: inout SeededGenerator) {}
}

/// Uniform weights in ±limit with He (`√(6/fanIn)`) or Xavier/Glorot (`√(6/(fanIn+fanOut))`)
/// limits, chosen by the activation; biases start at zero.
func initializeWeights(_ w: UnsafeMutablePointer<Float>, count: Int, fanIn: Int, fanOut: Int,
                       activation: Activation, using generator: inout SeededGenerator) {
    let limit = activation.prefersHeInitialization
        ? (6 / Float(fanIn)).squareRoot()
        : (6 / Float(fanIn + fanOut)).squareRoot()
    for k in 0..<count { w[k] = (2 * generator.nextUniform() - 1) * limit }
}

/// Builds the layer for `spec` given its input shape.
func makeLayer(_ spec: LayerSpec, input: TensorShape, output: TensorShape) -> any Layer {
    switch spec {
    case .dense(_, let a):
        return DenseLayer(inputShape: input, outputShape: output, activation: a)
    case .conv2D(_, let kh, let kw, let stride, let padding, let a):
        return Conv2DLayer(inputShape: input, outputShape: output, kernelHeight: kh, kernelWidth: kw,
                           stride: stride, padding: padding, activation: a)
    case .maxPool2D(let size, _):
        return MaxPool2DLayer(inputShape: input, outputShape: output, size: size)
    case .upSampling2D(let factor):
        return UpSampling2DLayer(inputShape: input, outputShape: output, factor: factor)
    case .reshape, .flatten:
        return ReshapeLayer(inputShape: input, outputShape: output)
    }
}

/// Reinterprets the sample with a new shape (a copy; the values are unchanged).
struct ReshapeLayer: Layer {
    let inputShape: TensorShape
    let outputShape: TensorShape
    var parameterShapes: [(name: String, shape: [Int])] { [] }

    func forward(_ b: ForwardBuffers) {
        b.output.update(from: b.input, count: b.batch * inputShape.count)
    }

    func backward(_ b: BackwardBuffers) {
        b.inputGradient?.update(from: b.outputGradient, count: b.batch * inputShape.count)
    }
}
