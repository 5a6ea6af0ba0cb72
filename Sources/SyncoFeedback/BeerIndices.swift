/// Stafford Beer's three levels of achievement and the indices built from them (*Brain of the
/// Firm*, 1972, the chapter on the Cyberstride measures; also *Platform for Change*):
///
/// * **actuality** A — what is achieved now, with existing resources under existing constraints;
/// * **capability** C — what could be achieved now, with existing resources under existing
///   constraints, if one really worked at it (in Synco: the plan's target or a stated capacity);
/// * **potentiality** P — what could be achieved by developing resources and removing constraints.
///
/// productivity = A / C, latency = C / P, performance = A / P = productivity × latency.
///
/// **Zeros and odd inputs.** Each ratio is nil when its denominator is 0 (including 0/0: nothing
/// achievable is not "fully achieved"), or when an input is negative or not finite. Performance is
/// computed directly as A / P, so it exists when C = 0 < P (then productivity is nil and
/// performance = 0 if A = 0). Ratios above 1 are not clamped: A > C means the capability was
/// understated (Beer's levels are ordered A ≤ C ≤ P by definition); `isOrdered` tells.
public struct BeerIndices: Sendable, Hashable {
    public let actuality: Double
    public let capability: Double
    public let potentiality: Double

    public init(actuality: Double, capability: Double, potentiality: Double) {
        self.actuality = actuality
        self.capability = capability
        self.potentiality = potentiality
    }

    static func ratio(_ a: Double, _ b: Double) -> Double? {
        guard a.isFinite, b.isFinite, a >= 0, b > 0 else { return nil }
        return a / b
    }

    /// A / C.
    public var productivity: Double? { Self.ratio(actuality, capability) }
    /// C / P.
    public var latency: Double? { Self.ratio(capability, potentiality) }
    /// A / P (= productivity × latency when both exist).
    public var performance: Double? { Self.ratio(actuality, potentiality) }

    /// True when 0 ≤ A ≤ C ≤ P, Beer's ordering of the three levels.
    public var isOrdered: Bool {
        actuality >= 0 && actuality <= capability && capability <= potentiality && potentiality.isFinite
    }
}
