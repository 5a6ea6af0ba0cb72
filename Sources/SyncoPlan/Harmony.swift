import SyncoModel

/// Placeholder until harmony mode lands; see issue notes.
enum Harmony {
    static func solve(_ e: Economy, options: PlannerOptions, warmStart: Plan?) -> Plan {
        var o = options
        o.mode = .fulfilment
        return Planner.solve(e, options: o, warmStart: warmStart)
    }
}
