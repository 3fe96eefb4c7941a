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
    /// Rows whose duplicate check is made together (ListRowChecker); tests vary it.
    var batchSize = 32

    public init(root: URL) { self.root = root }

    /// Validates `names` (every list when nil); with `mxCheck`, also whether each address's domain takes mail.
    public func run(lists names: [String]? = nil, mxCheck: ListMXCheck? = nil) throws -> Report {
        var report = Report()
        let suppression = try SuppressionList(root: root)
        report.suppressed = suppression.count
        report.diagnostics += suppression.problems
        var checker = ListRowChecker(batchSize: batchSize)
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
            checker.startList(index: report.lists.count, path: list.path, dateColumn: reader.columns.firstIndex(of: "subscribed_at"),
                              expectedRows: ((try? FileManager.default.attributesOfItem(atPath: list.url.path)[.size] as? Int) ?? 0) / 64)
            while let row = try reader.nextRaw() {
                count.rows += 1
                switch row {
                case .problem(let diagnostic):
                    report.diagnostics.append(diagnostic)
                case .record(let record, let email):
                    let usable = checker.check(record, email: email, location: { reader.location(record) }, into: &report.diagnostics)
                    guard let mxCheck else {
                        if checker.batchIsFull { count.valid += checker.finishBatch(into: &report.diagnostics) }
                        continue
                    }
                    // --check-mx (network, opt-in): once per address, on its cleaned form (so each row's duplicate
                    // check comes first: batches of one); the lookups are cached per domain.
                    guard usable, checker.finishBatch(into: &report.diagnostics) == 1 else { continue }
                    count.valid += 1
                    if case .success(let address) = ListAddress.clean(String(decoding: email, as: UTF8.self)),
                       let diagnostic = mxCheck.diagnostic(for: address, at: reader.location(record)) {
                        report.diagnostics.append(diagnostic)
                    }
                }
            }
            count.valid += checker.finishBatch(into: &report.diagnostics)
            report.lists.append(count)
        }
        return report
    }
}
