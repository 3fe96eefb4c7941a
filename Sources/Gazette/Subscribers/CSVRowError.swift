// Why one CSV record could not be read, and the line it starts on. The reader goes on with the next record;
// SubscriberList turns these into row diagnostics.

/// A record the CSV reader skipped, with the line where the record starts.
public struct CSVRowError: Error, Sendable, Hashable {
    public enum Reason: Sendable, Hashable {
        /// A quoted field was still open at the end of the file.
        case unterminatedQuote
        /// Text followed a closing quote before the next comma or line end (`"Ops "Team" Ltd"`).
        case textAfterClosingQuote
        /// A field (1-based) is not valid UTF-8.
        case invalidUTF8(field: Int)
        /// The record holds a NUL byte: binary data, not text.
        case nulByte
        /// The record is longer than the limit in bytes.
        case recordTooLong(limit: Int)
        /// The record has more fields than the limit.
        case tooManyFields(limit: Int)
    }

    /// The 1-based line on which the record starts.
    public var line: Int
    public var reason: Reason

    public init(line: Int, reason: Reason) {
        self.line = line
        self.reason = reason
    }

    /// What was found, for a diagnostic's message (never the row's content: it is subscriber data).
    public var message: String {
        switch reason {
        case .unterminatedQuote: "a quoted field that starts on this line is never closed"
        case .textAfterClosingQuote: "text follows a closing quote inside a field"
        case .invalidUTF8(let field): "field \(field) is not valid UTF-8"
        case .nulByte: "the row holds a NUL byte (binary data, not text)"
        case .recordTooLong(let limit): "the row is longer than \(limit / 1024) KB"
        case .tooManyFields(let limit): "the row has more than \(limit) fields"
        }
    }

    /// What to do about it.
    public var hint: String {
        switch reason {
        case .unterminatedQuote, .textAfterClosingQuote:
            "inside a quoted field write a quote twice (\"Ops \"\"Team\"\" Ltd\"), and close every quoted field"
        case .invalidUTF8: "save the file as UTF-8 (spreadsheets: \"CSV UTF-8\")"
        case .nulByte, .recordTooLong, .tooManyFields: "is this a CSV text file? Check the export that made it"
        }
    }
}
