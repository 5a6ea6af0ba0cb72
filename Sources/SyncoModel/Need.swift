/// A need for a product: an amount to be available as net output.
///
/// Guaranteed needs must be met in full; the other needs are met in a common proportion λ
/// (the plan ray). A negative amount is a net supply from outside the planned economy (net
/// imports in an input–output table); it may not be guaranteed.
public struct Need: Sendable, Hashable {
    /// Index of the product in `Economy.products`.
    public var product: Int32
    public var amount: Double
    public var guaranteed: Bool

    public init(product: Int32, amount: Double, guaranteed: Bool = false) {
        self.product = product
        self.amount = amount
        self.guaranteed = guaranteed
    }
}
