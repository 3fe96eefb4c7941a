// `subscribers add`, `remove` and `unsubscribe` as library calls: each checks every address first and then
// rewrites (or appends) all at once under the project lock (ProjectLock), so a bad address leaves every file as it was.
import Foundation

/// Edits of the subscriber lists of one project.
public struct ListEdit {
    public let root: URL

    public init(root: URL) { self.root = root }

    /// What an edit did, address by address, and the findings on the way.
    public struct Report: Sendable {
        /// `(address, what happened)`, in the order given: "added", "updated", "unchanged", "removed", …
        public var changes: [(address: String, outcome: String)] = []
        public var diagnostics: [Diagnostic] = []
        /// The files written.
        public var written: [String] = []
    }

    /// Adds `addresses` to `listName` (created with a header if missing), or updates the name and tags of those
    /// already on it. Throws, writing nothing, when an address is invalid.
    public func add(_ addresses: [String], to listName: String, name: String? = nil, tags: [String] = [],
                    source: String? = nil, date: Date = Date()) throws -> Report {
        try ListTable.checkName(listName)
        let cleaned = try clean(addresses)
        return try ProjectLock.withLock(root: root, activity: "`gazette subscribers add`") {
            var report = Report()
            var table = try ListTable(loading: SubscriberList(name: listName, root: root))
            let suppression = try SuppressionList(root: root)
            var lint = ListAddressLint()
            if name != nil { table.ensureColumn("name") }
            if !tags.isEmpty { table.ensureColumn("tags") }
            if source != nil { table.ensureColumn("source") }
            table.ensureColumn("subscribed_at")
            for address in cleaned {
                let key = AddressKey(address)
                let location = SourceLocation(path: table.list.path)
                report.diagnostics += lint.warnings(for: address, at: location)
                if suppression.contains(key) {
                    report.diagnostics.append(.warning(
                        "address-suppressed", "\(address) is in \(suppression.path): publish will not send to it", at: location,
                        hint: "remove its row from \(suppression.path) only if the subscriber asked to come back"))
                }
                if let index = table.index(of: key) {
                    var row = table.rows[index]
                    if let name { row["name"] = name }
                    if !tags.isEmpty { row["tags"] = ListTags.merge(row["tags"] ?? "", tags) }
                    report.changes.append((address, row == table.rows[index] ? "unchanged" : "updated"))
                    table.rows[index] = row
                } else {
                    var row = ["email": address, "subscribed_at": SuppressionList.day(of: date)]
                    if let name { row["name"] = name }
                    if !tags.isEmpty { row["tags"] = ListTags.merge("", tags) }
                    if let source { row["source"] = source }
                    table.rows.append(row)
                    report.changes.append((address, "added"))
                }
            }
            // A list is rewritten only when a row changed: a no-op never reformats a hand-written file.
            if report.changes.contains(where: { $0.outcome != "unchanged" }), try ListFileWriter.save(table) {
                report.written.append(table.list.path)
            }
            return report
        }
    }

    /// A confirmed subscription to add: its own name, consent source and date.
    public struct Subscription: Sendable {
        public var address: String
        public var name: String
        public var source: String
        public var date: Date

        public init(address: String, name: String, source: String, date: Date) {
            self.address = address
            self.name = name
            self.source = source
            self.date = date
        }
    }

    /// Adds each subscription whose address is not on `listName` yet (with `subscribed_at` and `source`); rows
    /// already there are left as they are, so folding the same confirmations again changes nothing.
    public func add(_ subscriptions: [Subscription], to listName: String) throws -> Report {
        try ListTable.checkName(listName)
        return try ProjectLock.withLock(root: root, activity: "`gazette subscribers sync` (confirmed subscriptions)") {
            var report = Report()
            var table = try ListTable(loading: SubscriberList(name: listName, root: root))
            table.ensureColumn("subscribed_at")
            table.ensureColumn("source")
            if subscriptions.contains(where: { !$0.name.isEmpty }) { table.ensureColumn("name") }
            var present = Set(table.rows.map { AddressKey($0["email"] ?? "") })
            for subscription in subscriptions {
                guard case .success(let address) = ListAddress.clean(subscription.address), present.insert(AddressKey(address)).inserted else {
                    report.changes.append((subscription.address, "unchanged"))
                    continue
                }
                var row = ["email": address, "subscribed_at": SuppressionList.day(of: subscription.date), "source": subscription.source]
                if !subscription.name.isEmpty { row["name"] = subscription.name }
                table.rows.append(row)
                report.changes.append((address, "added"))
            }
            if report.changes.contains(where: { $0.outcome == "added" }), try ListFileWriter.save(table) {
                report.written.append(table.list.path)
            }
            return report
        }
    }

    /// Removes `addresses` from `listName`, or from every list when it is nil. An address on no list is a warning.
    public func remove(_ addresses: [String], from listName: String? = nil) throws -> Report {
        if let listName { try ListTable.checkName(listName) }
        let keys = addresses.map { address in
            (address, AddressKey((try? ListAddress.clean(address).get()) ?? address))
        }
        return try ProjectLock.withLock(root: root, activity: "`gazette subscribers remove`") {
            var report = Report()
            let names = listName.map { [$0] } ?? SubscriberList.names(root: root)
            var tables: [ListTable] = []
            for name in names {
                let list = SubscriberList(name: name, root: root)
                guard FileManager.default.fileExists(atPath: list.url.path) else {
                    throw DiagnosticError(.error("list-missing", "the subscriber list \"\(name)\" does not exist",
                                                 at: SourceLocation(path: list.path), hint: "check the list's name (ls subscribers/)"))
                }
                tables.append(try ListTable(loading: list))  // every list is read before any is written
            }
            // One pass over each list, whatever the number of addresses.
            let wanted = Set(keys.map(\.1))
            var removedFrom: [AddressKey: [String]] = [:]
            var changed = Set<Int>()
            for index in tables.indices {
                let name = tables[index].list.name
                tables[index].rows.removeAll { row in
                    let key = AddressKey(row["email"] ?? "")
                    guard wanted.contains(key) else { return false }
                    if removedFrom[key]?.last != name { removedFrom[key, default: []].append(name) }
                    changed.insert(index)
                    return true
                }
            }
            for (address, key) in keys {
                if let lists = removedFrom[key] {
                    report.changes.append((address, "removed from " + lists.joined(separator: ", ")))
                } else if !report.changes.contains(where: { $0.address == address }) {
                    report.diagnostics.append(.warning("address-not-found", "\(address) is on no list\(listName.map { " named \($0)" } ?? "")",
                                                       hint: "check the spelling; `gazette subscribers export` shows every address"))
                    report.changes.append((address, "not found"))
                }
            }
            for index in changed.sorted() where try ListFileWriter.save(tables[index]) {
                report.written.append(tables[index].list.path)
            }
            return report
        }
    }

    /// Appends `addresses` to `subscribers/suppressed.csv` with `reason` (and `detail`); those already there
    /// are left alone. Their list rows stay: suppression wins over every list.
    public func unsubscribe(_ addresses: [String], reason: SuppressionReason = .unsubscribed, detail: String = "",
                            date: Date = Date()) throws -> Report {
        let cleaned = try clean(addresses)
        // Read and appended under one hold of the lock: a concurrent unsubscribe of the same address adds one row.
        return try ProjectLock.withLock(root: root, activity: "`gazette subscribers unsubscribe`") {
            let suppression = try SuppressionList(root: root)
            var report = Report()
            report.diagnostics = suppression.problems
            for address in cleaned {
                if suppression.contains(address: address) {
                    report.changes.append((address, "already suppressed"))
                    continue
                }
                try suppression.append(address: address, reason: reason.rawValue, date: SuppressionList.day(of: date), detail: detail)
                report.changes.append((address, "suppressed (\(reason.rawValue))"))
                if !report.written.contains(suppression.path) { report.written.append(suppression.path) }
            }
            return report
        }
    }

    /// Every address cleaned, or one error listing each invalid one.
    private func clean(_ addresses: [String]) throws -> [String] {
        var cleaned: [String] = [], problems: [Diagnostic] = []
        for address in addresses {
            switch ListAddress.clean(address) {
            case .success(let value): if !cleaned.contains(value) { cleaned.append(value) }
            case .failure(let problem): problems.append(.error("address-invalid", problem.message, hint: problem.hint))
            }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        return cleaned
    }
}
