extension Economy {
    /// Structural and numeric validation; reports all problems at once.
    ///
    /// Checks duplicate ids, indices out of range, negative or non-finite coefficients,
    /// capacities and limits, techniques without a positive output, needs for products that
    /// no technique produces, and (as warnings) inputs that nobody produces. Productivity
    /// (Hawkins–Simon) needs the sparse kernels and is checked by `SyncoPlan.Leontief`.
    ///
    /// - Complexity: O(products + resources + techniques + coefficients).
    public func validate(checkIds: Bool = true) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if checkIds {
            issues += duplicateIssues(duplicateProducts, { products[$0].id }, section: "products", noun: "product")
            issues += duplicateIssues(duplicateResources, { resources[$0].id }, section: "resources", noun: "resource")
        }
        issues += duplicateIssues(duplicateTechniques, { techniques.ids[$0] }, section: "techniques", noun: "technique")

        let n = products.count
        var produced = [Bool](repeating: false, count: n)
        var usedAsInput = [Bool](repeating: false, count: n)

        func check(_ block: EntryBlock, _ j: Int, field: String, bound: Int, names: (Int) -> String,
                   mark: ((Int) -> Void)?) -> Bool {
            var anyPositive = false
            for e in block.range(j) {
                let i = Int(block.index[e])
                let a = block.amount[e]
                // The path is built only when there is something to report (hot for 10^7 rows).
                func path() -> String { "techniques[\(j)].\(field).\(i >= 0 && i < bound ? names(i) : "#\(i)")" }
                if i < 0 || i >= bound {
                    issues.append(.init(field == "resources" ? "unknown-resource" : "unknown-product", at: path(),
                                        "index \(i) out of range 0..<\(bound)"))
                    continue
                }
                if !a.isFinite {
                    issues.append(.init("non-finite", at: path(), "expected a finite coefficient, found \(a)"))
                } else if a < 0 {
                    issues.append(.init("negative-coefficient", at: path(), "expected a coefficient >= 0, found \(a)"))
                } else if a > 0 {
                    anyPositive = true
                    mark?(i)
                }
            }
            return anyPositive
        }

        for j in 0..<techniques.count {
            let hasOutput = check(techniques.outputs, j, field: "outputs", bound: n, names: { products[$0].id },
                                  mark: { produced[$0] = true })
            if !hasOutput {
                issues.append(.init("no-output", at: "techniques[\(j)].outputs",
                                    "technique '\(techniques.ids[j])' has no positive output; expected at least one product it produces"))
            }
            _ = check(techniques.inputs, j, field: "inputs", bound: n, names: { products[$0].id },
                      mark: { usedAsInput[$0] = true })
            _ = check(techniques.resources, j, field: "resources", bound: resources.count,
                      names: { resources[$0].id }, mark: nil)
            let cap = techniques.capacity[j]
            if cap.isNaN || cap < 0 {
                issues.append(.init("bad-capacity", at: "techniques[\(j)].capacity", "expected a capacity >= 0, found \(cap)"))
            }
        }
        for (r, res) in resources.enumerated() {
            if let l = res.limit, !(l.isFinite && l >= 0) {
                issues.append(.init("bad-limit", at: "resources[\(r)].limit", "expected a finite limit >= 0, found \(l)"))
            }
        }
        for (k, need) in needs.enumerated() {
            let p = Int(need.product)
            guard p >= 0 && p < n else {
                issues.append(.init("unknown-product", at: "needs[\(k)].product", "index \(p) out of range 0..<\(n)"))
                continue
            }
            if !need.amount.isFinite {
                issues.append(.init("non-finite", at: "needs[\(k)].amount", "expected a finite amount, found \(need.amount)"))
            } else if need.guaranteed && need.amount < 0 {
                issues.append(.init("negative-guaranteed-need", at: "needs[\(k)].amount",
                                    "a guaranteed need must be >= 0, found \(need.amount)"))
            }
            if !produced[p] && need.amount > 0 {
                issues.append(.init("unproducible-need", at: "needs[\(k)].product",
                                    "no technique produces '\(products[p].id)'; expected a technique with it among its outputs"))
            }
        }
        for i in 0..<n where usedAsInput[i] && !produced[i] {
            issues.append(.init("unproducible-input", at: "products[\(i)]",
                                "'\(products[i].id)' is an input but no technique produces it; techniques using it cannot run",
                                severity: .warning))
        }
        return issues
    }

    private func duplicateIssues(_ dups: [(Int, Int)], _ id: (Int) -> String, section: String, noun: String) -> [ValidationIssue] {
        dups.map { i, f in
            ValidationIssue("duplicate-id", at: "\(section)[\(i)].id", "\(noun) id '\(id(i))' already used by \(section)[\(f)]")
        }
    }
}
