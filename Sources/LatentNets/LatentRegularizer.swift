import LatentCore

/// An extra loss term on the latent code, added to the reconstruction loss during training
/// (weighted by `TrainingOptions.regularizerWeight`).
///
/// Implementations compute, for one batch of codes (`batch × codeSize`), the term's value and
/// its gradient with respect to every code. A divergence to a prior distribution (e.g.
/// Cauchy–Schwarz) plugs in here; the training loop back-propagates the gradient through the
/// encoder together with the reconstruction gradient.
///
/// ```swift
/// struct ShrinkCodes: LatentRegularizer {       // ½·mean‖z‖²
///     func evaluate(codes: Matrix) -> (value: Double, gradient: Matrix) {
///         var g = codes; g.scale(by: 1 / Float(codes.rows))
///         return (codes.rowSquaredNorms().reduce(0) { $0 + Double($1) } / Double(2 * codes.rows), g)
///     }
/// }
/// ```
public protocol LatentRegularizer: Sendable {
    /// The term's value for this batch and its gradient (same shape as `codes`).
    func evaluate(codes: Matrix) -> (value: Double, gradient: Matrix)
}
