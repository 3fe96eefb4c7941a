// `subscribers import FILE`: reads any CSV export (renaming columns with `--map`), cleans and checks every row,
// and merges the new addresses into one list. Any error row means nothing is written; every row is accounted for.
import Foundation

/// Merges a CSV file of subscribers into a list.
public struct ListImport {
    public let root: URL
    /// The file to import, and how diagnostics name it.
    public let source: URL, sourcePath: String
    public let listName: String
    /// CSV column (as in the file's header) → list column.
    public let mapping: [String: String]

    public init(root: URL, source: URL, sourcePath: String, listName: String, mapping: [String: String] = [:]) {
        self.root = root
        self.source = source
        self.sourcePath = sourcePath
        self.listName = listName
        self.mapping = mapping
    }

    /// What an import did (or would do, with `dryRun`).
    public struct Report: Sendable {
        public var list = ""
        /// Data rows read, rows added, rows whose address the list had already, rows left out, and why.
        public var rows = 0, added = 0, alreadyOnList = 0, duplicatesInFile = 0, suppressed = 0, rejected = 0
        public var diagnostics: [Diagnostic] = []
        /// True when the list file was written.
        public var written = false
    }

    /// Parses `col=field` mappings; throws a usage-style diagnostic for a malformed one.
    public static func parseMapping(_ items: [String]) throws -> [String: String] {
        var mapping: [String: String] = [:]
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1).map { SubscriberListReader.trimmed(String($0)) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw DiagnosticError(.error("import-map-invalid", "--map \"\(item)\" is not csvcol=field",
                                             hint: "for example --map \"Email Address=email\" --map \"First Name=name\""))
            }
            mapping[parts[0]] = parts[1].lowercased() == "email" ? "email" : parts[1]
        }
        return mapping
    }

    /// Imports; with `dryRun` reads and checks everything and writes nothing.
    public func run(dryRun: Bool, date: Date = Date()) throws -> Report {
        try ListTable.checkName(listName)
        var report = Report()
        let reader = try CSVReader(url: source, path: sourcePath)
        let location = SourceLocation(path: sourcePath, line: 1)
        guard case .success(let header)? = try reader.next() else {
            throw DiagnosticError(.error("import-header-missing", "the file has no readable header row", at: location,
                                         hint: "the first row must name the columns, one of them `email` (or use --map)"))
        }
        let columns = try importColumns(header.fields, location: location.at(line: header.line))
        let batch = try readRows(reader, columns: columns, report: &report)
        return try ProjectLock.withLock(root: root, activity: "`gazette subscribers import`") {
            var table = try ListTable(loading: SubscriberList(name: listName, root: root))
            report.list = table.list.path
            let suppression = try SuppressionList(root: root)
            var onList = Set(table.rows.map { AddressKey($0["email"] ?? "").hash64 })
            for column in columns where !column.isEmpty { table.ensureColumn(column) }
            if !columns.contains("subscribed_at") { table.ensureColumn("subscribed_at") }
            for (row, line) in batch {
                let key = AddressKey(row["email"] ?? "")
                let at = SourceLocation(path: sourcePath, line: line)
                if suppression.contains(key) {
                    report.suppressed += 1
                    report.diagnostics.append(.warning("import-suppressed", "\(row["email"] ?? "") is in \(suppression.path): not imported",
                                                       at: at, hint: "they unsubscribed, bounced or complained; import them only if they asked again, after removing that row"))
                } else if !onList.insert(key.hash64).inserted {
                    report.alreadyOnList += 1
                } else {
                    var row = row
                    if (row["subscribed_at"] ?? "").isEmpty { row["subscribed_at"] = SuppressionList.day(of: date) }
                    table.rows.append(row)
                    report.added += 1
                }
            }
            if report.rejected > 0 || dryRun || report.added == 0 { return report }
            report.written = try ListFileWriter.save(table)
            return report
        }
    }

    /// The list column of each CSV column: its `--map` target or its own name; every column is kept.
    private func importColumns(_ fields: [String], location: SourceLocation) throws -> [String] {
        let columns = fields.map { name -> String in
            let trimmed = SubscriberListReader.trimmed(name)
            if let mapped = mapping[trimmed] { return mapped }
            return trimmed.lowercased() == "email" ? "email" : trimmed
        }
        let unknown = mapping.keys.filter { key in !fields.contains { SubscriberListReader.trimmed($0) == key } }.sorted()
        if !unknown.isEmpty {
            throw DiagnosticError(.error("import-map-unknown", "--map names columns the file does not have: \(unknown.joined(separator: ", "))",
                                         at: location, hint: "the header has: \(fields.joined(separator: ", "))"))
        }
        guard columns.contains("email") else {
            throw DiagnosticError(.error("import-email-missing", "no column holds the email address", at: location,
                                         hint: "name the address column with --map, e.g. --map \"Email Address=email\""))
        }
        var seen = Set<String>()
        for (index, column) in columns.enumerated() {
            if column.isEmpty {
                throw DiagnosticError(.error("import-column-unnamed", "column \(index + 1) of the header has no name", at: location,
                                             hint: "name it in the file or with --map"))
            }
            if !seen.insert(column).inserted {
                throw DiagnosticError(.error("import-column-duplicate", "two columns become `\(column)`", at: location,
                                             hint: "map each column to its own field"))
            }
        }
        return columns
    }

    /// Every data row, cleaned, with its line; problems go into `report`.
    private func readRows(_ reader: CSVReader, columns: [String], report: inout Report) throws -> [([String: String], Int)] {
        var rows: [([String: String], Int)] = []
        var firstLine: [UInt64: Int] = [:]
        var lint = ListAddressLint()
        let emailIndex = columns.firstIndex(of: "email") ?? 0
        while let result = try reader.next() {
            report.rows += 1
            switch result {
            case .failure(let error):
                report.rejected += 1
                report.diagnostics.append(.error("import-row-unreadable", error.message,
                                                 at: SourceLocation(path: sourcePath, line: error.line), hint: error.hint))
            case .success(let record):
                let at = SourceLocation(path: sourcePath, line: record.line)
                guard record.fields.count == columns.count else {
                    report.rejected += 1
                    report.diagnostics.append(.error(
                        "import-row-columns", "the row has \(record.fields.count) fields but the header has \(columns.count) columns", at: at,
                        hint: "quote a value that holds a comma; leave an empty value empty, not out"))
                    continue
                }
                let address: String
                switch ListAddress.clean(record.fields[emailIndex]) {
                case .failure(let problem):
                    report.rejected += 1
                    report.diagnostics.append(.error("address-invalid", problem.message, at: at,
                                                     hint: problem.hint + "; fix or delete the row, then import again"))
                    continue
                case .success(let cleaned): address = cleaned
                }
                report.diagnostics += lint.warnings(for: address, at: at)
                let key = AddressKey(address).hash64
                if let first = firstLine[key] {
                    report.duplicatesInFile += 1
                    report.diagnostics.append(.warning("import-duplicate", "\(address) is on line \(first) already: this row is not imported",
                                                       at: at, hint: "delete one of the two rows if they differ in other columns"))
                    continue
                }
                firstLine[key] = record.line
                var row: [String: String] = [:]
                for (index, column) in columns.enumerated() { row[column] = SubscriberListReader.trimmed(record.fields[index]) }
                row["email"] = address
                rows.append((row, record.line))
            }
        }
        if report.rejected > 0 {
            report.diagnostics.append(.error("import-rejected", "\(report.rejected) of \(report.rows) rows cannot be imported: nothing was written",
                                             at: SourceLocation(path: sourcePath),
                                             hint: "fix the rows above and run the import again (--dry-run checks without writing)"))
        }
        return rows
    }
}
