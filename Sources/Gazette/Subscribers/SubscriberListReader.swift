// Reads a list file's rows one at a time: the header decides the columns, each row becomes a Subscriber or a
// located problem. Values are trimmed of surrounding spaces; checking addresses is left to the publish layer.

/// The rows of one open list file, read on demand.
public final class SubscriberListReader {
    /// One row: a subscriber, or why the row was left out (with its file and line).
    public enum Row: Sendable, Hashable {
        case subscriber(Subscriber)
        case problem(Diagnostic)
    }

    public let list: SubscriberList
    /// The header's column names, trimmed; the email column is named `email` whatever its case.
    public let columns: [String]
    /// The index of the `email` column.
    let emailColumn: Int
    private let reader: CSVReader

    init(list: SubscriberList, chunkSize: Int, observer: ((UnsafeRawBufferPointer) -> Void)?) throws {
        self.list = list
        reader = try CSVReader(url: list.url, path: list.path, chunkSize: chunkSize)
        reader.chunkObserver = observer
        let location = SourceLocation(path: list.path, line: 1)
        switch try reader.next() {
        case nil:
            throw DiagnosticError(.error("list-header-missing", "the list is empty: it has no header row", at: location,
                                         hint: "start the file with a header row naming the columns, e.g. `email,name`"))
        case .failure(let error)?:
            throw DiagnosticError(.error("list-header-unreadable", "the header row cannot be read: \(error.message)",
                                         at: location.at(line: error.line), hint: error.hint))
        case .success(let header)?:
            columns = try Self.columns(of: header, location: location.at(line: header.line))
        }
        emailColumn = columns.firstIndex(of: "email") ?? 0
    }

    /// One row as bytes: a record with as many fields as columns and an email, or why the row was left out.
    enum RawRow {
        /// `email` is the email field trimmed; both are valid until the next read.
        case record(CSVRawRecord, email: UnsafeBufferPointer<UInt8>)
        case problem(Diagnostic)
    }

    /// The next row before any string is made (what `next()` reads), or nil at the end of the file.
    func nextRaw() throws -> RawRow? {
        guard let result = try reader.nextRaw() else { return nil }
        switch result {
        case .failure(let error):
            return .problem(.error("subscriber-row-unreadable", error.message,
                                   at: SourceLocation(path: list.path, line: error.line), hint: error.hint))
        case .success(let record):
            guard record.count == columns.count else {
                return .problem(.error(
                    "subscriber-row-columns",
                    "the row has \(record.count) fields but the header has \(columns.count) columns", at: location(record),
                    hint: "quote a value that holds a comma (\"Ops Team, Harbour Hosting\"); leave an empty value empty, not out"))
            }
            let email = Self.trimmed(record.field(emailColumn))
            guard !email.isEmpty else {
                return .problem(.error("subscriber-email-empty", "the row has no email address", at: location(record),
                                       hint: "fill in the email column or delete the row"))
            }
            return .record(record, email: email)
        }
    }

    /// The file and line of `record`.
    func location(_ record: CSVRawRecord) -> SourceLocation { SourceLocation(path: list.path, line: record.line) }

    /// The next row, or nil at the end of the file. Throws only if the file cannot be read.
    public func next() throws -> Row? {
        switch try nextRaw() {
        case nil: return nil
        case .problem(let diagnostic): return .problem(diagnostic)
        case .record(let record, _):
            var fields: [String: String] = [:]
            fields.reserveCapacity(columns.count)
            for index in 0..<columns.count where !columns[index].isEmpty {
                fields[columns[index]] = String(decoding: Self.trimmed(record.field(index)), as: UTF8.self)
            }
            let email = fields["email"] ?? ""
            return .subscriber(Subscriber(email: email, completeFields: fields, location: location(record)))
        }
    }

    private static func columns(of header: CSVRecord, location: SourceLocation) throws -> [String] {
        var columns = header.fields.map(trimmed)
        let emailColumns = columns.indices.filter { columns[$0].lowercased() == "email" }
        guard let email = emailColumns.first else {
            let looksLikeData = columns.contains { $0.contains("@") }
            throw DiagnosticError(.error(
                "list-email-column-missing", "the header row has no `email` column", at: location,
                hint: looksLikeData
                    ? "the first row looks like a subscriber: add a header row such as `email,name` above it"
                    : "name the column of addresses `email` in the first row, e.g. `email,name`"))
        }
        if emailColumns.count > 1 {
            throw DiagnosticError(.error("list-column-duplicate", "the header has \(emailColumns.count) `email` columns",
                                         at: location, hint: "keep one column of addresses named `email`"))
        }
        columns[email] = "email"
        var seen = Set<String>()
        for column in columns where !column.isEmpty && !seen.insert(column).inserted {
            throw DiagnosticError(.error("list-column-duplicate", "the header names the column `\(column)` twice",
                                         at: location, hint: "give every column its own name"))
        }
        return columns
    }

    /// `bytes` without spaces and tabs around them.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// `value` without spaces and tabs around it; no copy when there are none.
    static func trimmed(_ value: String) -> String {
        let utf8 = value.utf8
        guard let first = utf8.first, let last = utf8.last else { return value }
        let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard isBlank(first) || isBlank(last) else { return value }
        guard let start = utf8.firstIndex(where: { !isBlank($0) }), let end = utf8.lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(value[start...end])
    }
}
