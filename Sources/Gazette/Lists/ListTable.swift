// A list file held in memory for an edit: its columns in their order and every row's values. Loading refuses
// a file with unreadable rows, so that a rewrite never drops a row it could not read.
import Foundation

/// The columns and rows of one list file, for commands that rewrite it.
public struct ListTable: Sendable {
    public let list: SubscriberList
    /// Column names in file order; the address column is `email`.
    public var columns: [String]
    /// Column name → value for each row; a missing key is an empty value.
    public var rows: [[String: String]]

    /// The columns a list that `add` or `import` creates starts with.
    public static let defaultColumns = ["email", "name", "tags", "subscribed_at", "source"]

    /// An empty list that does not exist yet.
    public init(newList list: SubscriberList, columns: [String] = ListTable.defaultColumns) {
        self.list = list
        self.columns = columns
        rows = []
    }

    /// Reads `list`; a missing file is a new, empty list. Throws the row problems, all of them, when any row
    /// cannot be read.
    public init(loading list: SubscriberList) throws {
        self = FileManager.default.fileExists(atPath: list.url.path) ? try Self.read(list) : ListTable(newList: list)
    }

    private init(list: SubscriberList, columns: [String], rows: [[String: String]]) {
        self.list = list
        self.columns = columns
        self.rows = rows
    }

    private static func read(_ list: SubscriberList) throws -> ListTable {
        let reader = try list.open()
        if let index = reader.columns.firstIndex(of: "") {
            throw DiagnosticError(.error("list-column-unnamed", "column \(index + 1) of the header has no name",
                                         at: SourceLocation(path: list.path, line: 1),
                                         hint: "name every column in the header row, so that a rewrite keeps its values"))
        }
        var rows: [[String: String]] = []
        var problems: [Diagnostic] = []
        while let row = try reader.next() {
            switch row {
            case .subscriber(let subscriber): rows.append(subscriber.fields)
            case .problem(let diagnostic): problems.append(diagnostic)
            }
        }
        if !problems.isEmpty {
            for index in problems.indices {
                problems[index].hint = (problems[index].hint.map { $0 + "; " } ?? "")
                    + "gazette rewrites a list only when it can read every row"
            }
            throw DiagnosticError(problems)
        }
        return ListTable(list: list, columns: reader.columns, rows: rows)
    }

    /// The index of the row whose address has `key`.
    public func index(of key: AddressKey) -> Int? {
        rows.firstIndex { AddressKey($0["email"] ?? "") == key }
    }

    /// Adds `column` at the end unless the header has it.
    public mutating func ensureColumn(_ column: String) {
        if !columns.contains(column) { columns.append(column) }
    }

    /// Checks that `name` can be a list file's name: letters, digits, `.`, `_`, `-`, and not the suppression list.
    public static func checkName(_ name: String) throws {
        let stem = name.hasSuffix(".csv") ? String(name.dropLast(4)) : name
        let allowed = !stem.isEmpty && !stem.hasPrefix(".") && stem.utf8.allSatisfy {
            DomainLetters.isLetterOrDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
        guard allowed, stem + ".csv" != SubscriberList.suppressionFileName else {
            throw DiagnosticError(.error("list-name-invalid", "\"\(name)\" cannot be a list's name",
                                         hint: "use letters, digits, '-', '_' and '.', e.g. --list weekly; suppressed is the suppression list"))
        }
    }
}

/// ASCII letters and digits.
enum DomainLetters {
    static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
}
