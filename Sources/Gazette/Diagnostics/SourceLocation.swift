// Where a finding sits: a project-relative path with an optional line and column.

/// A place in the newsletter repository, for diagnostics.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Path relative to the project root (or as given, for files outside it).
    public var path: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?

    public init(path: String, line: Int? = nil, column: Int? = nil) {
        self.path = path
        self.line = line
        self.column = column
    }

    /// `path:line:column`, leaving out what is unknown.
    public var description: String {
        var text = path
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        return text
    }

    /// The same file, at another line.
    public func at(line: Int?, column: Int? = nil) -> SourceLocation {
        SourceLocation(path: path, line: line, column: column)
    }
}
