import SyncoModel
import SyncoPlan

/// The plan-over-time file (`synco-plan/2`, JSON): what `synco solve --format json` prints for
/// a v2 economy, keyed by ids.
///
/// Fields: `format`, `economy`, `economy_file`, `status`, `message`, `fulfilment`, `horizon`
/// (number of periods), `iterations`, `restarts`, `seconds`, `certificate` {`primal_residual`,
/// `dual_residual`, `gap`, `max_bound_violation`, `dual_bound`, `max_row_violation`}, `budgets` {resource: {`use`,
/// `budget`, `valuation`}}, `stock_targets` {stock: {`final`, `minimum_final`, `valuation`}},
/// `diagnosis` (infeasible), and `periods`: one object per period with `period`, `activities`,
/// `net_output`, `resource_use` {resource: {`use`, `limit`}}, `stocks` (level at the end of the
/// period), `extraction`, `inventory`, `investment`, `capital` {product: {`stock`, `use`}} and
/// `valuations` {`products`, `resources`, `stocks`, `capital`, `investment`}.
public enum MultiPeriodPlanJSON {
    public static let format = "synco-plan/2"

    public static func encode(_ p: MultiPeriodPlan, economy me: MultiPeriodEconomy, economyFile: String?) -> String {
        let e = me.economy
        func num(_ d: Double) -> String { d.isFinite ? JSONWriter.number(d) : "null" }
        func q(_ x: String) -> String { JSONWriter.quoted(x) }
        func map(_ idx: [Int], _ id: (Int) -> String, _ v: (Int) -> Double) -> String {
            "{" + idx.map { q(id($0)) + ": " + num(v($0)) }.joined(separator: ", ") + "}"
        }
        let products = Array(0..<e.productCount), resources = Array(0..<e.resourceCount), stocks = Array(me.stocks.indices)
        let storable = products.filter { me.storage[$0] != nil }, capital = products.filter { me.capital[$0] != nil }
        let pid = { (i: Int) in e.products[i].id }, rid = { (r: Int) in e.resources[r].id }, sid = { (s: Int) in me.stocks[s].id }
        var s = "{\n"
        s += "  \"format\": \(q(format)),\n  \"economy\": \(q(e.name)),\n"
        if let f = economyFile { s += "  \"economy_file\": \(q(f)),\n" }
        s += "  \"status\": \(q(p.status.rawValue)),\n  \"message\": \(q(p.message)),\n"
        s += "  \"fulfilment\": \(num(p.fulfilment)),\n  \"horizon\": \(p.periods),\n"
        s += "  \"iterations\": \(p.iterations),\n  \"restarts\": \(p.restarts),\n  \"seconds\": \(p.seconds),\n"
        let c = p.certificate
        s += "  \"certificate\": {\"primal_residual\": \(num(c.primalResidual)), \"dual_residual\": \(num(c.dualResidual)), \"gap\": \(num(c.gap)), \"max_bound_violation\": \(num(c.maxBoundViolation)), \"dual_bound\": \(num(c.dualBound)), \"max_row_violation\": \(num(c.maxRowViolation))},\n"
        s += "  \"budgets\": {" + resources.filter { me.budgets[$0] != nil }.map { r in
            "\(q(rid(r))): {\"use\": \(num(p.budgetUse[r])), \"budget\": \(num(me.budgets[r]!)), \"valuation\": \(num(p.budgetValuation[r]))}"
        }.joined(separator: ", ") + "},\n"
        s += "  \"stock_targets\": {" + stocks.map { k in
            "\(q(sid(k))): {\"final\": \(num(p.stockLevels[p.periods][k])), \"minimum_final\": \(me.stocks[k].minimumFinal.map(num) ?? "null"), \"valuation\": \(num(p.targetValuation[k]))}"
        }.joined(separator: ", ") + "},\n"
        if let d = p.diagnosis {
            func entries(_ a: [MultiPeriodDiagnosis.Entry]) -> String {
                "[" + a.map { x in
                    "{\"kind\": \(q(x.kind)), \"id\": \(q(x.id)), \"period\": \(x.period.map(String.init) ?? "null"), \"amount\": \(num(x.amount)), \"shortfall\": \(num(x.shortfall)), \"weight\": \(num(x.weight)), \"description\": \(q(x.description))}"
                }.joined(separator: ", ") + "]"
            }
            s += "  \"diagnosis\": {\"minimum_relative_shortfall\": \(num(d.minimumRelativeShortfall)), \"proof_bound\": \(num(d.proofBound)),\n"
            s += "    \"demands\": \(entries(d.demands)),\n    \"constraints\": \(entries(d.constraints))},\n"
        }
        s += "  \"periods\": [\n"
        for t in 0..<p.periods {
            var o = "    {\"period\": \(t),\n"
            o += "     \"activities\": \(map(Array(0..<e.techniqueCount), { e.techniques.ids[$0] }, { p.activities[t][$0] })),\n"
            o += "     \"net_output\": \(map(products, pid, { p.netOutput[t][$0] })),\n"
            o += "     \"resource_use\": {" + resources.map { r in
                "\(q(rid(r))): {\"use\": \(num(p.resourceUse[t][r])), \"limit\": \(me.limits[r].map { num($0[t]) } ?? "null")}"
            }.joined(separator: ", ") + "},\n"
            o += "     \"stocks\": \(map(stocks, sid, { p.stockLevels[t + 1][$0] })),\n"
            o += "     \"extraction\": \(map(stocks, sid, { p.extraction[t][$0] })),\n"
            o += "     \"inventory\": \(map(storable, pid, { p.inventory[t][$0] })),\n"
            o += "     \"investment\": \(map(capital, pid, { p.investment[t][$0] })),\n"
            o += "     \"capital\": {" + capital.map { i in
                "\(q(pid(i))): {\"stock\": \(num(p.capitalStock[t][i])), \"use\": \(num(p.capitalUse[t][i]))}"
            }.joined(separator: ", ") + "},\n"
            o += "     \"valuations\": {\"products\": \(map(products, pid, { p.productValuation[t][$0] })), "
            o += "\"resources\": \(map(resources.filter { me.limits[$0] != nil }, rid, { p.resourceValuation[t][$0] })), "
            o += "\"stocks\": \(map(stocks, sid, { p.stockValuation[t][$0] })), "
            o += "\"capital\": \(map(capital, pid, { p.capitalValuation[t][$0] })), "
            o += "\"investment\": \(map(capital, pid, { p.investmentValuation[t][$0] }))}}"
            s += o + (t + 1 < p.periods ? ",\n" : "\n")
        }
        s += "  ]\n}\n"
        return s
    }
}
