// A finding a writer can act on: what was found, where, in which step, and what to do about it.

/// One error or warning, printed as `path:line:col: error: message` with the hint below it.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable, Comparable {
        case warning, error
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .error }
    }

    public var severity: Severity
    public var location: SourceLocation?
    /// The named step that found it ("Render content/issues/002-x.md"), when one did.
    public var step: String?
    /// A short identifier of the check or failure ("link-text-ratio", "front-matter"), for JSON and filters.
    public var code: String
    /// What was found and what was expected.
    public var message: String
    /// What to do about it.
    public var hint: String?

    public init(
        _ severity: Severity, code: String, _ message: String, at location: SourceLocation? = nil,
        hint: String? = nil, step: String? = nil
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
        self.hint = hint
        self.step = step
    }

    public static func error(
        _ code: String, _ message: String, at location: SourceLocation? = nil, hint: String? = nil
    ) -> Diagnostic {
        Diagnostic(.error, code: code, message, at: location, hint: hint)
    }

    public static func warning(
        _ code: String, _ message: String, at location: SourceLocation? = nil, hint: String? = nil
    ) -> Diagnostic {
        Diagnostic(.warning, code: code, message, at: location, hint: hint)
    }

    /// One line (plus an indented hint line), as the command line prints it.
    public var description: String {
        var text = ""
        if let location { text += "\(location): " }
        text += "\(severity.rawValue): \(message)"
        if let hint { text += "\n    hint: \(hint)" }
        return text
    }
}

/// An error that stops a step, carrying the diagnostics that explain it.
public struct DiagnosticError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public init(_ diagnostic: Diagnostic) { self.diagnostics = [diagnostic] }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
