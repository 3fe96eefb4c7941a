// `subscribers export`: streams lists out as CSV (formula-looking cells neutralised for spreadsheets) or as
// JSON objects, one list or all of them with a `list` column. Reading stops at nothing: bad rows are reported.
import Foundation

/// Writes the rows of lists to a sink, as CSV or JSON.
public struct ListExport {
    public enum Format: String, Sendable, CaseIterable { case csv, json }

    public let root: URL
    public init(root: URL) { self.root = root }

    /// Exports `names` (every list when nil), giving the text to `write` in pieces; returns the rows that could
    /// not be read (as diagnostics), which are not in the output.
    public func run(lists names: [String]?, format: Format, write: (String) -> Void) throws -> [Diagnostic] {
        let names = names ?? SubscriberList.names(root: root)
        var readers: [SubscriberListReader] = []
        for name in names {
            try ListTable.checkName(name)
            readers.append(try SubscriberList(name: name, root: root).open())
        }
        let withList = names.count != 1
        var columns: [String] = withList ? ["list"] : []
        for reader in readers { for column in reader.columns where !column.isEmpty && !columns.contains(column) { columns.append(column) } }
        var problems: [Diagnostic] = []
        var first = true
        if format == .csv {
            write(columns.map(SuppressionList.field).joined(separator: ",") + "\n")
        } else {
            write("[")
        }
        for reader in readers {
            while let row = try reader.next() {
                guard case .subscriber(let subscriber) = row else {
                    if case .problem(let diagnostic) = row { problems.append(diagnostic) }
                    continue
                }
                var fields = subscriber.fields
                if withList { fields["list"] = reader.list.name }
                switch format {
                case .csv:
                    write(columns.map { SuppressionList.field(CSVFormulaGuard.neutralized(fields[$0] ?? "")) }.joined(separator: ",") + "\n")
                case .json:
                    var object: [String: String] = [:]
                    for column in columns { object[column] = fields[column] ?? "" }
                    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
                    write((first ? "\n" : ",\n") + String(decoding: data, as: UTF8.self))
                }
                first = false
            }
        }
        if format == .json { write(first ? "]\n" : "\n]\n") }
        return problems
    }
}
