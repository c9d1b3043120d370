import LatentCore

/// An extra loss term on the latent code, added to the reconstruction loss during training
/// (weighted by `TrainingOptions.regularizerWeight`).
///
/// Implementations compute, for one batch of codes (`batch × codeSize`), the term's value and
/// its gradient with respect to every code. A divergence to a prior distribution (e.g.
/// `CauchySchwarzDivergence`) plugs in here; the training loop back-propagates the gradient
/// through the encoder together with the reconstruction gradient.
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

    /// The term for the `step`-th gradient step of a run (counted from 1 over the whole run;
    /// 0 for evaluation passes). A stochastic term (one that draws prior samples) derives its
    /// random numbers from `step`, so a resumed run draws what an uninterrupted one would.
    /// The default ignores `step` and calls `evaluate(codes:)`.
    func evaluate(codes: Matrix, step: UInt64) -> (value: Double, gradient: Matrix)

    /// Checks that the term fits a model with codes of `codeSize` values; the training loop
    /// calls it before the first step. The default accepts any size.
    /// - Throws: `NetsError.invalidOption` explaining the mismatch.
    func validate(codeSize: Int) throws
}

extension LatentRegularizer {
    public func evaluate(codes: Matrix, step: UInt64) -> (value: Double, gradient: Matrix) {
        evaluate(codes: codes)
    }

    public func validate(codeSize: Int) throws {}
}
