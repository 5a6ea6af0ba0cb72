import Foundation
import Hummingbird
import NIOCore
import SyncoData
import SyncoDemocracy
import SyncoFeedback
import SyncoModel
import SyncoStore

extension SyncoHTTP {
    /// Execution reports, alerts, series with forecasts and charts.
    static func addFeedbackRoutes(_ api: RouterGroup<BasicRequestContext>, _ service: FederationService, _ limits: ServerLimits) {
        api.post("councils/:council/reports") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            let council = try param(ctx, "council")
            let bytes = try await rawBody(req, limit: limits.maxBody)
            let isCSV = req.headers[.contentType]?.hasPrefix("text/csv") ?? false
            let reports = try isCSV ? parseCSVReports(bytes, unit: council) : parseJSONReports(bytes, unit: council)
            let s = try await service.report(reports, council: council, by: c)
            return json(.ok, .object([
                ("accepted", .number(Double(s.accepted))), ("duplicates", .number(Double(s.duplicates))),
                ("late", .number(Double(s.late))), ("corrections", .number(Double(s.corrections))),
                ("rejected", .number(Double(s.rejected))), ("alerts", .array(s.alerts.map(alertValue))),
            ]))
        }
        api.get("councils/:council/series") { req, ctx in
            let council = try param(ctx, "council")
            // Potentiality of `output:TECHNIQUE` indicators: the technique's capacity in the assembled economy.
            var capacity: [String: Double] = [:]
            if let doc = try? await service.assemble().document {
                for t in doc.techniques { if let c = t.capacity { capacity["output:" + t.id] = c } }
            }
            var out: [JSONValue] = []
            for s in await service.cyber.series(unit: council) {
                let band = await service.cyber.band(unit: council, indicator: s.indicator)
                var o: [(key: String, value: JSONValue)] = [
                    ("indicator", .string(s.indicator)), ("first_period", .number(Double(s.first))),
                    ("values", .array(s.values.map { $0.map(JSONValue.number) ?? .null })),
                    ("plan", band.map { .object([("target", .number($0.target)), ("tolerance", .number($0.tolerance))]) } ?? .null)]
                // Beer's indices: actuality = latest value, capability = the plan's target,
                // potentiality = the technique's capacity (or capability when none is known).
                if let b = band, let a = s.values.last(where: { $0 != nil }) ?? nil {
                    let i = BeerIndices(actuality: a, capability: b.target, potentiality: capacity[s.indicator] ?? b.target)
                    func opt(_ x: Double?) -> JSONValue { x.map(JSONValue.number) ?? .null }
                    o.append(("indices", .object([("actuality", .number(i.actuality)), ("capability", .number(i.capability)),
                                                  ("potentiality", .number(i.potentiality)), ("productivity", opt(i.productivity)),
                                                  ("latency", opt(i.latency)), ("performance", opt(i.performance))])))
                }
                out.append(.object(o))
            }
            return json(.ok, .array(out))
        }
        api.get("councils/:council/series/:indicator") { req, ctx in
            let (first, values, a) = try await analysis(service, try param(ctx, "council"), try param(ctx, "indicator"), req)
            return json(.ok, .object([
                ("first_period", .number(Double(first))), ("values", .array(values.map { $0.map(JSONValue.number) ?? .null })),
                ("forecasts", .array(a.forecasts.map { f in let (lo, hi) = f.interval(0.9)
                    return .object([("step", .number(Double(f.step))), ("mean", .number(f.mean)), ("lower_90", .number(lo)), ("upper_90", .number(hi))]) })),
                ("change_points", .array(a.changePoints.map { .object([("period", .number(Double(first + $0.index))), ("kind", .string($0.kind.rawValue)), ("probability", .number($0.probability))]) })),
                ("outliers", .array(a.outliers.map { .object([("period", .number(Double(first + $0.index))), ("probability", .number($0.probability))]) })),
            ]))
        }
        api.get("councils/:council/series/:indicator/chart.svg") { req, ctx in
            let council = try param(ctx, "council"), indicator = try param(ctx, "indicator")
            let lang = req.uri.queryParameters.get("lang")
            guard let words = Charts.Words.forLanguage(lang) else {
                throw APIError(.badRequest, field: "lang", "expected en or de, got '\(lang ?? "")'")
            }
            let (first, values, a) = try await analysis(service, council, indicator, req)
            let band = await service.cyber.band(unit: council, indicator: indicator)
            let svg = Charts.series(title: "\(council) · \(indicator)", first: first, values: values, analysis: a, band: band,
                                    words: words)
            return Response(status: .ok, headers: [.contentType: "image/svg+xml"], body: .init(byteBuffer: ByteBuffer(string: svg)))
        }
        api.get("proposals") { _, _ in json(.ok, .array(try await service.proposals())) }
        api.get("proposals/:proposal") { _, ctx in json(.ok, try await service.proposal(try param(ctx, "proposal"))) }
        api.post("proposals/:proposal/accept") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            let (id, plan) = try await service.accept(proposal: try param(ctx, "proposal"), by: c)
            _ = id
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: plan)))
        }
        api.get("alerts") { req, ctx in
            let council = req.uri.queryParameters.get("council")
            let list = await service.cyber.alerts().filter { council == nil || $0.council == council }
            return json(.ok, .array(list.map(escalatedValue)))
        }
        api.post("alerts/:alert/acknowledge") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            let id = try param(ctx, "alert")
            try await service.act(onAlert: id, resolve: false, note: "", by: c)
            guard let a = await service.cyber.alert(id) else { throw APIError(.notFound, field: "alert", "no alert '\(id)'") }
            return json(.ok, escalatedValue(a))
        }
        api.post("alerts/:alert/resolve") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            let id = try param(ctx, "alert")
            let bytes = try await rawBody(req, limit: limits.maxBody)
            var note = ""
            if !bytes.isEmpty {
                let f = try JSONFields.parse(bytes)
                try f.only(["note"])
                note = try f.optionalString("note") ?? ""
            }
            try await service.act(onAlert: id, resolve: true, note: note, by: c)
            guard let a = await service.cyber.alert(id) else { throw APIError(.notFound, field: "alert", "no alert '\(id)'") }
            return json(.ok, escalatedValue(a))
        }
    }

    static func analysis(_ service: FederationService, _ council: String, _ indicator: String, _ req: Request) async throws
        -> (Int, [Double?], ForecastAnalysis) {
        guard let (first, values) = await service.cyber.values(unit: council, indicator: indicator) else {
            throw APIError(.notFound, field: "indicator", "no reports for '\(indicator)' of '\(council)'")
        }
        let horizon = min(max(Int(req.uri.queryParameters.get("horizon") ?? "") ?? 6, 1), 60)
        let period = min(max(Int(req.uri.queryParameters.get("period") ?? "") ?? 1, 1), 52)
        let spec = ForecastAnalysis.defaultSpec(period: period)
        let a = ForecastAnalysis.run(values, spec: spec, horizon: horizon, minTrain: ForecastAnalysis.defaultMinTrain(period: period), rule: ChangePointRule())
        return (first, values, a)
    }

    static func parseJSONReports(_ bytes: [UInt8], unit: String) throws -> [ExecutionReport] {
        guard !bytes.isEmpty else { throw APIError(.badRequest, field: "$", "expected {\"reports\":[…]} or a text/csv body") }
        let f = try JSONFields.parse(bytes)
        try f.only(["reports"])
        var out: [ExecutionReport] = []
        for (i, v) in try f.array("reports", max: 10_000).enumerated() {
            let r = try JSONFields(v, path: "reports[\(i)]")
            try r.only(["indicator", "period", "value", "id"])
            out.append(ExecutionReport(unit: unit, indicator: try r.id("indicator"), period: try r.integer("period"), value: try r.number("value"), reportedAt: 0, id: try r.id("id")))
        }
        guard !out.isEmpty else { throw APIError(.badRequest, field: "reports", "expected at least one report") }
        return out
    }

    /// CSV with a header `indicator,period,value,id` (any column order).
    static func parseCSVReports(_ bytes: [UInt8], unit: String) throws -> [ExecutionReport] {
        let rows: [[String]]
        do { rows = try CSV.parse(bytes, file: "request body") } catch { throw APIError(.badRequest, field: "$", error.description) }
        guard let header = rows.first else { throw APIError(.badRequest, field: "$", "empty CSV; expected a header indicator,period,value,id") }
        func col(_ n: String) throws -> Int {
            guard let i = header.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == n }) else {
                throw APIError(.badRequest, field: "header", "missing column '\(n)'; expected indicator,period,value,id")
            }
            return i
        }
        let ci = try col("indicator"), cp = try col("period"), cv = try col("value"), cid = try col("id")
        guard rows.count <= 10_001 else { throw APIError(.badRequest, field: "$", "at most 10000 reports per upload") }
        var out: [ExecutionReport] = []
        for (k, row) in rows.dropFirst().enumerated() where !(row.count == 1 && row[0].isEmpty) {
            let line = k + 2
            guard row.count == header.count else { throw APIError(.badRequest, field: "row \(line)", "expected \(header.count) fields, got \(row.count)") }
            guard let p = Int(row[cp].trimmingCharacters(in: .whitespaces)) else { throw APIError(.badRequest, field: "row \(line), column period", "expected a whole number, got '\(row[cp])'") }
            guard let v = Double(row[cv].trimmingCharacters(in: .whitespaces)), v.isFinite else { throw APIError(.badRequest, field: "row \(line), column value", "expected a number, got '\(row[cv])'") }
            let ind = row[ci].trimmingCharacters(in: .whitespaces), id = row[cid].trimmingCharacters(in: .whitespaces)
            guard !ind.isEmpty, ind.utf8.count <= 128 else { throw APIError(.badRequest, field: "row \(line), column indicator", "expected an indicator name") }
            guard !id.isEmpty, id.utf8.count <= 128 else { throw APIError(.badRequest, field: "row \(line), column id", "expected a report id") }
            out.append(ExecutionReport(unit: unit, indicator: ind, period: p, value: v, reportedAt: 0, id: id))
        }
        guard !out.isEmpty else { throw APIError(.badRequest, field: "$", "no reports in the CSV") }
        return out
    }

    static func alertValue(_ a: Alert) -> JSONValue {
        var o: [(key: String, value: JSONValue)] = [
            ("id", .string(a.id)), ("unit", .string(a.unit)), ("indicator", .string(a.indicator)), ("period", .number(Double(a.period))),
            ("kind", .string(a.kind.rawValue)), ("probability", .number(a.probability)), ("message", .string(a.message)),
            ("detected_at", .number(Double(a.detectedAt)))]
        if let k = a.changeKind { o.append(("change_kind", .string(k.rawValue))) }
        if let f = a.forecastMean, let b = a.plan {
            o += [("forecast", .number(f)), ("plan_target", .number(b.target)), ("plan_tolerance", .number(b.tolerance))]
        }
        return .object(o)
    }

    static func escalatedValue(_ e: EscalatedAlert) -> JSONValue {
        func event(_ ev: EscalationEvent) -> JSONValue {
            var o: [(key: String, value: JSONValue)] = [("at", .number(ev.at))]
            switch ev.kind {
            case .raised(let c): o += [("event", .string("raised")), ("council", .string(c))]
            case .escalated(let f, let t, let r): o += [("event", .string("escalated")), ("from", .string(f)), ("to", .string(t)), ("reason", .string(r.rawValue))]
            case .acknowledged(let by, let c): o += [("event", .string("acknowledged")), ("by", .string(by)), ("council", .string(c))]
            case .resolved(let by, let c, let n): o += [("event", .string("resolved")), ("by", .string(by)), ("council", .string(c)), ("note", .string(n))]
            case .unresolvedAtTop(let c, let r): o += [("event", .string("unresolved_at_top")), ("council", .string(c)), ("reason", .string(r.rawValue))]
            case .closed: o += [("event", .string("closed"))]
            }
            return .object(o)
        }
        return .object([("alert", alertValue(e.alert)), ("council", .string(e.council)), ("level", .number(Double(e.level))),
                        ("chain", .array(e.chain.map { .string($0) })), ("status", .string(e.status.rawValue)),
                        ("unresolved_at_top", .bool(e.unresolvedAtTop)), ("history", .array(e.history.map(event)))])
    }
}
