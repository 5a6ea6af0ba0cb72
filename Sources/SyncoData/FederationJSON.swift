import SyncoPlan

/// The JSON of a decentral planning run, as `synco federate --format json` prints it and
/// `POST /api/v1/federation` answers: mode, status, decentral and central fulfilment, rounds,
/// linking residual, seconds, gap (null when not certified), the councils and the per-round
/// feedback view (the largest imbalances and the councils involved).
public enum FederationJSON {
    public static func value(_ r: Decomposition.Result, central: Plan, councils: [Decomposition.Council],
                             historyLimit: Int? = nil) -> JSONValue {
        let relative = abs(r.fulfilment - central.fulfilment) / max(1e-12, abs(central.fulfilment))
        let history = historyLimit.map { Array(r.history.suffix($0)) } ?? r.history
        return .object([
            ("mode", .string(r.mode.rawValue)), ("status", .string(r.converged ? "converged" : "stopped")),
            ("fulfilment", .number(r.fulfilment)), ("central_fulfilment", .number(central.fulfilment)),
            ("central_status", .string(central.status.rawValue)), ("relative_difference", .number(relative)),
            ("coordinator_lambda", .number(r.coordinatorLambda)),
            ("gap", r.gap.isFinite ? .number(r.gap) : .null),
            ("rounds", .number(Double(r.rounds))), ("linking_residual", .number(r.linkingResidual)), ("seconds", .number(r.seconds)),
            ("councils", .array(councils.map { .object([("id", .string($0.id)), ("techniques", .number(Double($0.techniques.count)))]) })),
            ("history", .array(history.map { h in
                .object([("round", .number(Double(h.round))), ("lambda", .number(h.lambda)), ("linking_residual", .number(h.linkingResidual)),
                         ("largest_imbalances", .array(h.largest.map { .object([("row", .string($0.row)), ("excess", .number($0.excess)),
                                                                                ("councils", .array($0.councils.map { .string($0) }))]) }))])
            })),
        ])
    }
}
