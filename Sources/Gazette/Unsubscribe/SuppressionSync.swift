// `gazette subscribers sync`: folds what happened since the last commit into subscribers/suppressed.csv —
// unsubscribe events of `gazette serve`, mailto unsubscribes in a Maildir, and the hard bounces in publish logs —
// and the double opt-in confirmations of `gazette serve` into the list CSVs. Only appends rows for addresses not
// yet suppressed (or not yet on the list), so a second run changes nothing. A confirmation never re-adds a
// suppressed address, whatever the dates: it is reported, and the row in suppressed.csv is removed by hand if the
// subscriber came back. Bounce reports are `gazette bounces import`'s own path into the file.
import Foundation

/// Brings the suppression list up to date with events, mails and logs.
public struct SuppressionSync: Sendable {
    /// One address added to the suppression list.
    public struct Change: Sendable, Equatable, Codable {
        public var email: String
        public var reason: String
        public var date: String
        /// What the reason does not say: the reply of a hard bounce (`550 5.1.1`); empty for an unsubscribe.
        public var detail: String = ""
        /// Where it came from: `events/2026-12-02.jsonl:3`, a message file, `logs/001-x.jsonl:17`.
        public var source: String
    }

    public struct Result: Sendable {
        public var changes: [Change] = []
        /// Requests for addresses that were suppressed already (this run or before).
        public var unchanged = 0
        /// Messages in Maildirs that carried no valid unsubscribe token.
        public var ignoredMessages = 0
        /// Confirmed subscriptions added to a list: `(email, list, source)`.
        public var subscribed: [(email: String, list: String, source: String)] = []
        /// Confirmations of addresses already on their list.
        public var alreadySubscribed = 0
        /// Confirmations of suppressed addresses: not added.
        public var suppressedConfirmations = 0
        public var problems: [Diagnostic] = []
    }

    public let project: Project
    /// Verifies the tokens of mailto unsubscribes; only needed when a Maildir is read.
    public let link: UnsubscribeLink?
    /// Whether to read the permanent failures of `logs/*.jsonl`.
    public var includePublishLogs = true

    public init(project: Project, link: UnsubscribeLink?) {
        self.project = project
        self.link = link
    }

    /// Reads `sources` (events files, folders of them, Maildirs; `events/` when empty) and the publish logs,
    /// and appends every address not yet suppressed; with `dryRun`, only says what it would append.
    /// Holds the project lock throughout, so what it appends is decided from the file as it stays.
    public func run(sources: [URL], dryRun: Bool = false) throws -> Result {
        try ProjectLock.withLock(root: project.root, activity: "`gazette subscribers sync`") {
            try fold(sources: sources, dryRun: dryRun)
        }
    }

    private func fold(sources: [URL], dryRun: Bool) throws -> Result {
        let suppression = try SuppressionList(project: project)
        var result = Result()
        result.problems += suppression.problems
        var seen: Set<AddressKey> = []  // for a dry run, which appends nothing
        func fold(_ address: String, reason: String, date: String, detail: String = "", source: String) throws {
            let key = AddressKey(address)
            guard !suppression.contains(key), !seen.contains(key) else {
                result.unchanged += 1
                return
            }
            seen.insert(key)
            if !dryRun { try suppression.append(address: address, reason: reason, date: date, detail: detail) }
            result.changes.append(Change(email: key.normalized, reason: reason, date: date, detail: detail, source: source))
        }

        var confirmations: [(event: SubscribeConfirmedEvent, source: String)] = []
        let eventsFolder = project.url(EventsFile.directoryName)
        let inputs = sources.isEmpty ? (FileManager.default.fileExists(atPath: eventsFolder.path) ? [eventsFolder] : []) : sources
        for input in inputs {
            let path = project.relativePath(input)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input.path, isDirectory: &isDirectory) else {
                throw DiagnosticError(.error("sync-source-missing", "\(path) does not exist", at: SourceLocation(path: path),
                                             hint: "name events files (events/*.jsonl), a folder of them, or a Maildir"))
            }
            if isDirectory.boolValue, MaildirUnsubscribes.isMaildir(input) {
                guard let link else {
                    throw DiagnosticError(.error("unsubscribe-secret", "reading the Maildir \(path) needs GAZETTE_UNSUBSCRIBE_SECRET",
                                                 hint: "set it to the secret the issues were sent with; it verifies each mail's token"))
                }
                let (requests, ignored) = MaildirUnsubscribes.read(input, path: path, link: link)
                result.ignoredMessages += ignored
                for request in requests {
                    try fold(request.target.address, reason: "unsubscribed", date: SuppressionList.day(of: request.date), source: request.path)
                }
            } else {
                let files = isDirectory.boolValue ? Self.files(in: input, extension: "jsonl") : [input]
                for file in files {
                    let filePath = project.relativePath(file)
                    let reader = try EventsReader(url: file, path: filePath)
                    result.problems += reader.problems
                    for entry in reader.entries {
                        try fold(entry.event.email, reason: "unsubscribed", date: entry.event.day, source: "\(filePath):\(entry.line)")
                    }
                    confirmations += reader.confirmations.map { ($0.event, "\(filePath):\($0.line)") }
                }
            }
        }

        if includePublishLogs {
            for file in Self.files(in: project.url("logs"), extension: "jsonl") {
                let filePath = project.relativePath(file)
                for failure in Self.hardBounces(in: file) {
                    try fold(failure.address, reason: HardBounce.reason, date: failure.date, detail: failure.detail,
                             source: "\(filePath):\(failure.line)")
                }
            }
        }
        try subscribe(confirmations, suppressed: { suppression.contains($0) || seen.contains($0) }, dryRun: dryRun, into: &result)
        return result
    }

    /// Adds the confirmed subscriptions to their lists, list by list; suppressed addresses are skipped and reported.
    func subscribe(_ confirmations: [(event: SubscribeConfirmedEvent, source: String)], suppressed: (AddressKey) -> Bool,
                   dryRun: Bool, into result: inout Result) throws {
        var byList: [String: [ListEdit.Subscription]] = [:]
        for (event, source) in confirmations {
            if suppressed(AddressKey(event.email)) {
                result.suppressedConfirmations += 1
                result.problems.append(.warning(
                    "confirmation-suppressed", "\(event.email) confirmed a subscription to \(event.list) but is in subscribers/suppressed.csv: not added",
                    at: SourceLocation(path: source),
                    hint: "if the subscriber asked to come back, remove the row from subscribers/suppressed.csv and run sync again"))
                continue
            }
            let date = LogRecord.date(event.time) ?? Date()
            byList[event.list, default: []].append(ListEdit.Subscription(address: event.email, name: event.name ?? "", source: event.source, date: date))
        }
        for (list, subscriptions) in byList.sorted(by: { $0.key < $1.key }) {
            guard (try? ListTable.checkName(list)) != nil else { continue }
            if dryRun {
                let table = try ListTable(loading: SubscriberList(name: list, root: project.root))
                var present = Set(table.rows.map { AddressKey($0["email"] ?? "") })
                for subscription in subscriptions {
                    if present.insert(AddressKey(subscription.address)).inserted {
                        result.subscribed.append((subscription.address, list, subscription.source))
                    } else {
                        result.alreadySubscribed += 1
                    }
                }
                continue
            }
            let report = try ListEdit(root: project.root).add(subscriptions, to: list)
            for (change, subscription) in zip(report.changes, subscriptions) {
                if change.outcome == "added" {
                    result.subscribed.append((change.address, list, subscription.source))
                } else {
                    result.alreadySubscribed += 1
                }
            }
        }
    }

    /// The `failed` outcomes of a publish log that are hard bounces (the rule publish applies as they happen).
    static func hardBounces(in url: URL) -> [(address: String, detail: String, date: String, line: Int)] {
        guard let data = try? Data(contentsOf: url) else { return [] }
        let bytes = Array(data), marker = Array("\"event\":\"failed\"".utf8)
        var found: [(String, String, String, Int)] = []
        var start = 0, number = 0
        while let newline = bytes[start...].firstIndex(of: 0x0A) {
            number += 1
            let line = bytes[start..<newline]
            start = newline + 1
            // Most lines are `sending` and `sent`: look for the marker before decoding a line.
            guard LogLineReader.find(marker, in: line) != nil,
                  let record = try? JSONDecoder().decode(LogRecord.self, from: Data(line)),
                  record.event == .failed, let address = record.address,
                  HardBounce.isHard(code: record.code, enhancedCode: record.enhancedCode) else { continue }
            found.append((address, HardBounce.detail(code: record.code, enhancedCode: record.enhancedCode), String(record.time.prefix(10)), number))
        }
        return found
    }

    static func files(in folder: URL, extension suffix: String) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix("." + suffix) && !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }
}
