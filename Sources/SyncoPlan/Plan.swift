import SyncoModel

/// The result of planning: status, fulfilment, activities, valuations and the certificate the
/// planner checked itself.
public struct Plan: Sendable {
    public enum Status: String, Sendable { case optimal, infeasible, unbounded, stopped }

    public var status: Status
    /// Human-readable reason (why it stopped, what is infeasible).
    public var message: String
    /// λ: the common proportion in which non-guaranteed needs are met.
    public var fulfilment: Double
    /// Activity per technique.
    public var activities: [Double]
    /// Net output per product (outputs − inputs).
    public var netOutput: [Double]
    /// Use per resource.
    public var resourceUse: [Double]
    /// Dual value of each product's balance: fulfilment lost per extra unit of need.
    public var productValuation: [Double]
    /// Dual value of each resource limit: fulfilment gained per extra unit of the limit
    /// (zero for unlimited resources).
    public var resourceValuation: [Double]
    /// The resource in whose units valuations are expressed (labour where it binds).
    public var numeraire: Int?
    public var certificate: PlanCertificate
    public var iterations: Int
    public var restarts: Int
    public var seconds: Double
    /// Present when guaranteed needs cannot be met.
    public var diagnosis: InfeasibilityDiagnosis?
    /// Present for harmony mode.
    public var harmony: HarmonySummary?
    /// The Leontief system and solutions the planner built, kept so that a re-plan of the same
    /// techniques (`Planner.solve(_:warmStart:)`) neither rebuilds the system nor starts its
    /// solves from zero. In-process only; not part of any file format.
    var structure: LeontiefStructure? = nil
    /// The optimal basis policy iteration or pivots certified, kept so that a re-plan of the same
    /// techniques re-solves it first (`BasisPolish.Vertex`). In-process only.
    var vertex: BasisPolish.Vertex? = nil
    /// The technique choices the decomposition over resource prices mixed, kept so that a
    /// re-plan of the same techniques starts from them (`BasisPolish.PriceState`). In-process only.
    var prices: BasisPolish.PriceState? = nil
    /// The technique blocks the plan's fingerprint was taken of, with the fingerprint: a re-plan
    /// whose blocks share their storage with these has the same techniques, and the hash of a
    /// million techniques is not taken again. In-process only.
    var techniqueKey: TechniqueKey? = nil
    /// A harmony plan's last program by the structure path, kept so that a re-plan of the same
    /// techniques starts its rounds from it (`Harmony.WarmState`). In-process only.
    var harmonyState: Harmony.WarmState? = nil
    /// A harmony plan's basis by the sparse simplex, for a re-plan's start
    /// (`Harmony.SimplexBasis`). In-process only.
    var harmonyBasis: Harmony.SimplexBasis? = nil
    /// How a harmony plan decided whether every target can be met, for the next re-plan's
    /// decision (`Harmony.TargetsCheck`). In-process only.
    var targetsCheck: Harmony.TargetsCheck? = nil

    /// A plan holding only what a warm start needs (activities, λ and valuations).
    public static func warmStart(activities: [Double], fulfilment: Double, productValuation: [Double], resourceValuation: [Double],
                                 status: Status = .stopped) -> Plan {
        Plan(status: status, message: "warm start", fulfilment: fulfilment, activities: activities, netOutput: [],
             resourceUse: [], productValuation: productValuation, resourceValuation: resourceValuation, numeraire: nil,
             certificate: PlanCertificate(primalResidual: 0, dualResidual: 0, gap: 0, maxBoundViolation: 0, dualBound: 0),
             iterations: 0, restarts: 0, seconds: 0, diagnosis: nil, harmony: nil)
    }

    /// Product valuations in units of the numeraire resource (e.g. labour hours).
    public var productValuationInNumeraire: [Double]? {
        guard let k = numeraire, resourceValuation[k] > 0 else { return nil }
        return productValuation.map { $0 / resourceValuation[k] }
    }

    public var resourceValuationInNumeraire: [Double]? {
        guard let k = numeraire, resourceValuation[k] > 0 else { return nil }
        return resourceValuation.map { $0 / resourceValuation[k] }
    }
}

/// Why guaranteed needs cannot all be met: a small conflicting set read off the Farkas
/// certificate (the duals of the minimum-shortfall problem), reduced to its support.
public struct InfeasibilityDiagnosis: Sendable {
    public struct NeedEntry: Sendable { public var product: Int; public var guaranteed: Double; public var shortfall: Double; public var weight: Double }
    public struct LimitEntry: Sendable { public var resource: Int; public var limit: Double; public var use: Double; public var weight: Double }
    public struct CapacityEntry: Sendable { public var technique: Int; public var capacity: Double; public var weight: Double }
    /// Σ shortfall_i / g_i at the minimum: how far from feasible (0 = feasible).
    public var minimumRelativeShortfall: Double
    /// A lower bound on it from the dual: > 0 proves infeasibility.
    public var proofBound: Double
    public var needs: [NeedEntry]
    public var limits: [LimitEntry]
    public var capacities: [CapacityEntry]
}

/// Summary of a harmony-mode plan (Cockshott): targets met and missed.
public struct HarmonySummary: Sendable {
    public var harmony: Double
    public var targets: Int
    public var missed: Int
    /// Fulfilment ratio net/target per product with a target (NaN for others).
    public var ratios: [Double]
    /// With targets first (`PlannerOptions.harmonyTargetsFirst`), why every target could be met
    /// (every need was then guaranteed and harmony maximised over the surplus); nil when the
    /// harmony function alone decided.
    public var targetsFirst: String? = nil
}

/// What a Leontief-structured solve leaves for the next one: the square system, a fingerprint of
/// the technique table it came from, the gross outputs for the other needs and the embodied
/// amounts of the binding resource per unit of each product.
struct LeontiefStructure: Sendable {
    var fingerprint: UInt64
    var system: LeontiefSystem
    var grossOther: [Double]?
    /// The demand `grossOther` was solved for (nil when it had negative entries).
    var demandOther: [Double]? = nil
    /// The same for the guaranteed needs (the plan that meets them alone, step 2 of a solve).
    var grossGuaranteed: [Double]? = nil
    var demandGuaranteed: [Double]? = nil
    var embodied: [Double]?
    var bindingResource: Int?

    /// The fingerprint of `t` with the blocks it was taken of: `kept` itself when `t` holds the
    /// very arrays `kept` was taken of, else a new hash.
    static func fingerprint(_ t: TechniqueTable, kept: TechniqueKey?) -> TechniqueKey {
        if let kept, kept.sharesStorage(with: t) { return kept }
        return TechniqueKey(fingerprint: fingerprint(t), blocks: [t.outputs, t.inputs, t.resources])
    }

    /// A hash of the techniques' outputs, inputs and resource uses (what the system is built
    /// from; capacities, ids and needs may change without invalidating it).
    static func fingerprint(_ t: TechniqueTable) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ v: UInt64) { h = (h ^ v) &* 0x0000_0100_0000_01b3; h ^= h >> 29 }
        for block in [t.outputs, t.inputs, t.resources] {
            mix(UInt64(block.start.count))
            block.start.withUnsafeBufferPointer { for v in $0 { mix(UInt64(bitPattern: Int64(v))) } }
            block.index.withUnsafeBufferPointer { for v in $0 { mix(UInt64(UInt32(bitPattern: v))) } }
            block.amount.withUnsafeBufferPointer { for v in $0 { mix(v.bitPattern) } }
        }
        return h
    }
}

/// A technique table's fingerprint and the blocks it was taken of (`LeontiefStructure.fingerprint`).
struct TechniqueKey: Sendable {
    var fingerprint: UInt64
    var blocks: [EntryBlock]

    /// True when `t`'s outputs, inputs and resource uses are the very arrays fingerprinted (one
    /// copy-on-write storage each): then they hold the same values, without reading them.
    func sharesStorage(with t: TechniqueTable) -> Bool {
        func same<T>(_ a: [T], _ b: [T]) -> Bool {
            a.count == b.count && a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in pa.baseAddress == pb.baseAddress } }
        }
        return zip(blocks, [t.outputs, t.inputs, t.resources]).allSatisfy { k, b in
            same(k.start, b.start) && same(k.index, b.index) && same(k.amount, b.amount)
        }
    }
}
