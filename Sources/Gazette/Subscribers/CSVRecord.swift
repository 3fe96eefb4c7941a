// One record read by CSVReader: its fields, decoded and unquoted, and the line it starts on.

/// A CSV record and the 1-based line where it starts (a quoted field may span several lines).
public struct CSVRecord: Sendable, Hashable {
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}
