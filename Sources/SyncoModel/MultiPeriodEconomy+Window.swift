/// The state an economy carries from one period into the next: inventories of storable
/// products, capital stocks and natural stocks (all indexed like the economy's products and
/// stocks; entries for other products are ignored), and what budgets have used so far.
public struct CarriedState: Sendable, Hashable {
    public var inventory: [Double]
    public var capital: [Double]
    public var stocks: [Double]
    public var budgetUsed: [Double]

    public init(inventory: [Double], capital: [Double], stocks: [Double], budgetUsed: [Double]) {
        self.inventory = inventory
        self.capital = capital
        self.stocks = stocks
        self.budgetUsed = budgetUsed
    }

    /// The state before period 0, as the document gives it.
    public init(initialOf me: MultiPeriodEconomy) {
        inventory = me.storage.map { $0?.initial ?? 0 }
        capital = me.capital.map { $0?.initial ?? 0 }
        stocks = me.stocks.map(\.initial)
        budgetUsed = [Double](repeating: 0, count: me.resourceCount)
    }
}

extension MultiPeriodEconomy {
    /// The economy seen from period `start` over `horizon` periods (a receding-horizon
    /// window), starting from `state`:
    /// - per-period values are taken from periods start…start+horizon−1; past the document's
    ///   last period the last period's values repeat;
    /// - storage, capital and natural stocks start from `state`;
    /// - a budget's remainder (budget − used) is shared over the remaining periods of the
    ///   document in proportion, so the window gets remainder × window/remaining;
    /// - a stock's `minimum_final` applies at the end of every window (a window may not leave
    ///   less than the decided target, which is conservative for short windows).
    public func window(from start: Int, horizon: Int, state: CarriedState) -> MultiPeriodEconomy {
        let H = max(1, horizon)
        func slice(_ p: PerPeriod) -> PerPeriod {
            switch p {
            case .constant: return p
            case .series(let a): return .series((0..<H).map { a[min(start + $0, a.count - 1)] })
            }
        }
        let remaining = max(1, periods - start)
        let share = Double(min(H, remaining)) / Double(remaining)
        return MultiPeriodEconomy(
            periods: H, economy: economy,
            storage: storage.enumerated().map { i, s in s.map { Storage(carryover: $0.carryover, initial: max(0, state.inventory[i])) } },
            capital: capital.enumerated().map { i, c in c.map { CapitalSpec(depreciation: $0.depreciation, initial: max(0, state.capital[i])) } },
            stocks: stocks.enumerated().map { s, st in
                var w = st
                w.initial = max(0, state.stocks[s])
                return w
            },
            limits: limits.map { $0.map(slice) },
            budgets: budgets.enumerated().map { r, b in b.map { max(0, $0 - state.budgetUsed[r]) * share } },
            capacities: capacities.map { $0.map(slice) },
            capitalUse: capitalUse, extraction: extraction,
            needs: needs.map { MultiPeriodNeed(product: $0.product, amount: slice($0.amount), guaranteed: $0.guaranteed) })
    }
}
