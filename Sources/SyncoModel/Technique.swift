/// One coefficient of a technique: an index into products or resources and an amount per unit
/// of activity.
public struct Entry: Sendable, Hashable {
    public var index: Int32
    public var amount: Double
    public init(_ index: Int32, _ amount: Double) {
        self.index = index
        self.amount = amount
    }
}

/// A technique (a way of producing), as a value: a view of one row of a `TechniqueTable`.
///
/// Several outputs mean joint production; coefficients are per unit of activity; `capacity`
/// caps the activity (`nil`: uncapped).
public struct Technique: Sendable, Hashable {
    public var id: String
    public var outputs: [Entry]
    public var inputs: [Entry]
    public var resources: [Entry]
    public var capacity: Double?

    public init(id: String, outputs: [Entry], inputs: [Entry] = [], resources: [Entry] = [], capacity: Double? = nil) {
        self.id = id
        self.outputs = outputs
        self.inputs = inputs
        self.resources = resources
        self.capacity = capacity
    }
}

/// All techniques of an economy in columnar form: three compressed sparse row blocks (outputs,
/// inputs, resource uses) sharing the technique index. One allocation per column, not per
/// technique, so 10^7 techniques fit in memory and stream fast.
public struct TechniqueTable: Sendable {
    public private(set) var ids: [String] = []
    /// Activity cap per technique; `.infinity` where uncapped.
    public private(set) var capacity: [Double] = []
    public private(set) var outputs = EntryBlock()
    public private(set) var inputs = EntryBlock()
    public private(set) var resources = EntryBlock()

    public init() {}

    /// The same techniques with other capacities.
    public func withCapacity(_ capacity: [Double]) -> TechniqueTable {
        precondition(capacity.count == self.capacity.count)
        var t = self
        t.capacity = capacity
        return t
    }

    /// Builds a table from complete columns (used by generators and binary readers).
    public init(ids: [String], capacity: [Double], outputs: EntryBlock, inputs: EntryBlock, resources: EntryBlock) {
        precondition(capacity.count == ids.count && outputs.rowCount == ids.count
                     && inputs.rowCount == ids.count && resources.rowCount == ids.count,
                     "technique columns must have one row per technique")
        self.ids = ids
        self.capacity = capacity
        self.outputs = outputs
        self.inputs = inputs
        self.resources = resources
    }

    public var count: Int { ids.count }

    public mutating func reserve(techniques: Int, entries: Int) {
        ids.reserveCapacity(techniques)
        capacity.reserveCapacity(techniques)
        outputs.reserve(rows: techniques, entries: techniques)
        inputs.reserve(rows: techniques, entries: entries)
        resources.reserve(rows: techniques, entries: techniques * 2)
    }

    public mutating func append(_ t: Technique) {
        ids.append(t.id)
        capacity.append(t.capacity ?? .infinity)
        outputs.appendRow(t.outputs)
        inputs.appendRow(t.inputs)
        resources.appendRow(t.resources)
    }

    public subscript(_ j: Int) -> Technique {
        Technique(id: ids[j], outputs: outputs.row(j), inputs: inputs.row(j), resources: resources.row(j),
                  capacity: capacity[j].isFinite ? capacity[j] : nil)
    }
}

/// A compressed sparse row block of (index, amount) entries: row `j` is
/// `index[start[j]..<start[j+1]]`, `amount[start[j]..<start[j+1]]`.
public struct EntryBlock: Sendable {
    public private(set) var start: [Int] = [0]
    public private(set) var index: [Int32] = []
    public private(set) var amount: [Double] = []

    public init() {}

    public init(start: [Int], index: [Int32], amount: [Double]) {
        precondition(!start.isEmpty && start.first == 0 && start.last == index.count && index.count == amount.count,
                     "malformed entry block")
        self.start = start
        self.index = index
        self.amount = amount
    }

    public var rowCount: Int { start.count - 1 }
    public var entryCount: Int { index.count }

    public mutating func reserve(rows: Int, entries: Int) {
        start.reserveCapacity(rows + 1)
        index.reserveCapacity(entries)
        amount.reserveCapacity(entries)
    }

    public mutating func appendRow(_ entries: [Entry]) {
        for e in entries {
            index.append(e.index)
            amount.append(e.amount)
        }
        start.append(index.count)
    }

    /// Appends a row from parallel buffers without building `Entry` values.
    public mutating func appendRow(indices: some Sequence<Int32>, amounts: some Sequence<Double>) {
        index.append(contentsOf: indices)
        amount.append(contentsOf: amounts)
        precondition(index.count == amount.count, "indices and amounts differ in length")
        start.append(index.count)
    }

    public func row(_ j: Int) -> [Entry] {
        (start[j]..<start[j + 1]).map { Entry(index[$0], amount[$0]) }
    }

    public func range(_ j: Int) -> Range<Int> { start[j]..<start[j + 1] }
}
