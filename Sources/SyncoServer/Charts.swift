import SyncoFeedback

/// Server-side SVG charts for the opsroom (no JavaScript charting library needed).
enum Charts {
    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func num(_ x: Double) -> String { String(Double(Int((x * 10).rounded())) / 10) }

    /// Actuals, the forecast mean with its 90 % band, change points (vertical lines), outliers
    /// (circles) and the plan band (shaded) when there is one.
    /// The chart's few words in the opsroom's two languages.
    struct Words: Sendable {
        let period: String, plan: String, levelChange: String, slopeChange: String, outlier: String
        static let en = Words(period: "period", plan: "plan", levelChange: "level change at period",
                              slopeChange: "slope change at period", outlier: "outlier at period")
        static let de = Words(period: "Periode", plan: "Plan", levelChange: "Niveauänderung in Periode",
                              slopeChange: "Steigungsänderung in Periode", outlier: "Ausreißer in Periode")
        /// `lang` from the query: en (default) or de.
        static func forLanguage(_ lang: String?) -> Words? {
            switch lang ?? "en" { case "en": return .en; case "de": return .de; default: return nil }
        }
    }

    static func series(title: String, first: Int, values: [Double?], analysis a: ForecastAnalysis, band: PlanBand?,
                       words: Words = .en) -> String {
        let w = 640.0, h = 280.0, left = 56.0, right = 16.0, top = 28.0, bottom = 32.0
        let fc = a.forecasts.map { f -> (Double, Double, Double) in let (lo, hi) = f.interval(0.9); return (f.mean, lo, hi) }
        var ys = values.compactMap { $0 } + fc.flatMap { [$0.1, $0.2] }
        if let b = band { ys += [b.lower, b.upper] }
        let lo = ys.min() ?? 0, hi = ys.max() ?? 1
        let pad = max((hi - lo) * 0.08, 1e-9)
        let y0 = lo - pad, y1 = hi + pad
        let n = values.count + fc.count
        func x(_ i: Int) -> Double { left + (w - left - right) * (n <= 1 ? 0.5 : Double(i) / Double(n - 1)) }
        func y(_ v: Double) -> Double { top + (h - top - bottom) * (1 - (v - y0) / (y1 - y0)) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"\(esc(title))\">"
        s += "<title>\(esc(title))</title><rect width=\"100%\" height=\"100%\" fill=\"#18202a\"/>"
        s += "<text x=\"\(left)\" y=\"18\" fill=\"#e8eef2\" font-size=\"13\" font-family=\"sans-serif\">\(esc(title))</text>"
        for k in 0...4 {
            let v = y0 + (y1 - y0) * Double(k) / 4
            s += "<line x1=\"\(left)\" x2=\"\(w - right)\" y1=\"\(num(y(v)))\" y2=\"\(num(y(v)))\" stroke=\"#2c3a48\"/>"
            s += "<text x=\"\(left - 6)\" y=\"\(num(y(v) + 4))\" fill=\"#9aa8b4\" font-size=\"10\" text-anchor=\"end\" font-family=\"sans-serif\">\(String(format3(v)))</text>"
        }
        if let b = band {
            s += "<rect class=\"plan-band\" x=\"\(left)\" width=\"\(w - left - right)\" y=\"\(num(y(b.upper)))\" height=\"\(num(max(0.5, y(b.lower) - y(b.upper))))\" fill=\"#2f6f4f\" opacity=\"0.35\"><title>\(words.plan) \(num(b.target)) ± \(num(b.tolerance))</title></rect>"
        }
        if !fc.isEmpty {
            let base = values.count
            var upper = "", lower = ""
            for (k, f) in fc.enumerated() { upper += "\(num(x(base + k))),\(num(y(f.2))) "; lower = "\(num(x(base + k))),\(num(y(f.1))) " + lower }
            s += "<polygon class=\"forecast-band\" points=\"\(upper)\(lower)\" fill=\"#8fd3ff\" opacity=\"0.25\"/>"
            let meanPts = fc.enumerated().map { "\(num(x(base + $0.offset))),\(num(y($0.element.0)))" }.joined(separator: " ")
            s += "<polyline class=\"forecast\" points=\"\(meanPts)\" fill=\"none\" stroke=\"#8fd3ff\" stroke-dasharray=\"4 3\" stroke-width=\"2\"/>"
        }
        var path = "", pen = false
        for (i, v) in values.enumerated() {
            guard let v else { pen = false; continue }
            path += (pen ? "L" : "M") + "\(num(x(i))),\(num(y(v))) "
            pen = true
        }
        s += "<path class=\"actual\" d=\"\(path)\" fill=\"none\" stroke=\"#f2c14e\" stroke-width=\"2\"/>"
        for c in a.changePoints {
            s += "<line class=\"change-point\" x1=\"\(num(x(c.index)))\" x2=\"\(num(x(c.index)))\" y1=\"\(top)\" y2=\"\(h - bottom)\" stroke=\"#ff6b6b\" stroke-width=\"2\"><title>\(c.kind == .level ? words.levelChange : words.slopeChange) \(first + c.index), p = \(num(c.probability * 100) )%</title></line>"
        }
        for o in a.outliers {
            if o.index < values.count, let v = values[o.index] {
                s += "<circle class=\"outlier\" cx=\"\(num(x(o.index)))\" cy=\"\(num(y(v)))\" r=\"5\" fill=\"none\" stroke=\"#ff6b6b\" stroke-width=\"2\"><title>\(words.outlier) \(first + o.index)</title></circle>"
            }
        }
        s += "<text x=\"\(left)\" y=\"\(h - 10)\" fill=\"#9aa8b4\" font-size=\"10\" font-family=\"sans-serif\">\(words.period) \(first)</text>"
        s += "<text x=\"\(w - right)\" y=\"\(h - 10)\" fill=\"#9aa8b4\" font-size=\"10\" text-anchor=\"end\" font-family=\"sans-serif\">\(words.period) \(first + n - 1)</text>"
        return s + "</svg>"
    }

    static func format3(_ x: Double) -> String {
        let a = abs(x)
        if a >= 1000 { return String(Int(x.rounded())) }
        if a >= 10 { return num(x) }
        return String(Double(Int((x * 1000).rounded())) / 1000)
    }
}
