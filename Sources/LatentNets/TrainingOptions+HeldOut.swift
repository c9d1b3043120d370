extension TrainingOptions {
    /// The rows of `count` training samples that training with these options holds out for
    /// validation (`validationFraction` of them, drawn with `seed`), in the order drawn; empty
    /// without a validation fraction. The same rows `train(on:options:)` validates on when it
    /// is given no separate validation data.
    /// - Throws: `NetsError.invalidOption` when the split leaves nothing to train on.
    public func heldOutRows(of count: Int) throws -> [Int] {
        try trainingSplit(rows: count, options: self, hasValidation: false).held
    }
}
