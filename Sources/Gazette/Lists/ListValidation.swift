// `subscribers validate`: reads every list and the suppression list once, streaming, and reports each row that
// publish would skip (an error) or that is probably unwanted (a warning), as `file:line` with a hint.
import Foundation

/// Checks the subscriber lists of one project.
public struct ListValidation {
    /// What the lists hold and what is wrong with them.
    public struct Report: Sendable {
        public struct ListCount: Sendable {
            public var name: String
            public var path: String
            /// Rows read (header not counted), and those with a usable, distinct address.
            public var rows = 0, valid = 0
        }
        public var lists: [ListCount] = []
        public var suppressed = 0
        public var diagnostics: [Diagnostic] = []
        public var errors: Int { diagnostics.filter { $0.severity == .error }.count }
        public var warnings: Int { diagnostics.count - errors }
    }

    public let root: URL

    public init(root: URL) { self.root = root }

    /// Validates `names` (every list when nil); with `mxCheck`, also whether each address's domain takes mail.
    public func run(lists names: [String]? = nil, mxCheck: ListMXCheck? = nil) throws -> Report {
        var report = Report()
        let suppression = try SuppressionList(root: root)
        report.suppressed = suppression.count
        report.diagnostics += suppression.problems
        var lint = ListAddressLint()
        // First row of each address across the lists: key hash → (list index, line). A 64-bit collision could
        // only add a false duplicate warning (odds about n²/2⁶⁵).
        var firstSeen: [UInt64: UInt64] = [:]  // list index << 40 | line: 16 bytes an entry
        for name in names ?? SubscriberList.names(root: root) {
            try ListTable.checkName(name)
            let list = SubscriberList(name: name, root: root)
            var count = Report.ListCount(name: list.name, path: list.path)
            let reader: SubscriberListReader
            do {
                reader = try list.open()
            } catch let error as DiagnosticError {
                report.diagnostics += error.diagnostics
                report.lists.append(count)
                continue
            }
            let listIndex = report.lists.count
            let hasDate = reader.columns.contains("subscribed_at")
            while let row = try reader.next() {
                count.rows += 1
                switch row {
                case .problem(let diagnostic):
                    report.diagnostics.append(diagnostic)
                case .subscriber(let subscriber):
                    let location = subscriber.location
                    let address: String
                    switch ListAddress.clean(subscriber.email) {
                    case .failure(let problem):
                        report.diagnostics.append(.error("address-invalid", problem.message, at: location, hint: problem.hint))
                        continue
                    case .success(let cleaned): address = cleaned
                    }
                    report.diagnostics += lint.warnings(for: address, at: location)
                    if let diagnostic = mxCheck?.diagnostic(for: address, at: location) { report.diagnostics.append(diagnostic) }
                    if hasDate, let value = subscriber.fields["subscribed_at"], !value.isEmpty, ListDate.month(of: value) == nil {
                        report.diagnostics.append(.warning("subscribed-at-invalid", "subscribed_at \"\(value)\" is not an ISO 8601 date",
                                                           at: location, hint: "write dates as 2026-03-14 or 2026-03-14T09:30:00Z"))
                    }
                    let key = AddressKey(address).hash64
                    if let packed = firstSeen[key] {
                        let first = (list: Int(packed >> 40), line: Int(packed & 0xFF_FFFF_FFFF))
                        let where_ = first.list == listIndex ? "line \(first.line)" : "\(report.lists[first.list].path):\(first.line)"
                        report.diagnostics.append(.warning(
                            first.list == listIndex ? "address-duplicate" : "address-duplicate-across-lists",
                            "\(address) is already on \(where_)", at: location,
                            hint: first.list == listIndex
                                ? "delete one of the rows: publish sends once, from the first"
                                : "fine if the subscriber chose both lists: an issue to both is sent once"))
                    } else {
                        firstSeen[key] = UInt64(listIndex) << 40 | UInt64(location.line ?? 0)
                        count.valid += 1
                    }
                }
            }
            report.lists.append(count)
        }
        return report
    }
}
