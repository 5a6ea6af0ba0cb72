/// One problem found in an economy, naming the place (a JSON-path-like location such as
/// `techniques[3].inputs.steel`) and what was expected.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }

    /// Stable machine-readable code, e.g. `unknown-product`.
    public var code: String
    public var path: String
    public var message: String
    public var severity: Severity

    public init(_ code: String, at path: String, _ message: String, severity: Severity = .error) {
        self.code = code
        self.path = path
        self.message = message
        self.severity = severity
    }

    public var description: String { "\(severity.rawValue): \(path): \(message) [\(code)]" }
}

/// All problems found at once; thrown when an economy cannot be built or used.
public struct ValidationReport: Error, Sendable, CustomStringConvertible {
    public var issues: [ValidationIssue]
    /// The file or source the issues refer to, if known.
    public var source: String?

    public init(issues: [ValidationIssue], source: String? = nil) {
        self.issues = issues
        self.source = source
    }

    public var errors: [ValidationIssue] { issues.filter { $0.severity == .error } }
    public var hasErrors: Bool { issues.contains { $0.severity == .error } }

    public var description: String {
        let prefix = source.map { "\($0): " } ?? ""
        return issues.map { prefix + $0.description }.joined(separator: "\n")
    }
}
