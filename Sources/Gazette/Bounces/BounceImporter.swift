// `gazette bounces import`: reads messages from the given sources, classifies each, and applies the result —
// hard bounces and complaints to subscribers/suppressed.csv, soft bounces to logs/bounces.jsonl, where N of them
// within the window suppress too. Every record has an id (message hash + recipient): importing a message again
// changes nothing. Order per record: suppression row first, then the ledger line, so a crash between the two
// leaves a state that the next import completes without a duplicate row.
import Foundation
import Mail

/// Imports bounces into a project.
public struct BounceImporter {
    /// Settings of an import.
    public struct Options: Sendable {
        /// Classify and report, write nothing.
        public var dryRun = false
        /// Soft bounces within `softWindowDays` that suppress an address.
        public var softLimit = 3
        public var softWindowDays = 30
        /// The time of the import (for records whose message has no readable Date).
        public var now = Date()

        public init(dryRun: Bool = false, softLimit: Int = 3, softWindowDays: Int = 30, now: Date = Date()) {
            self.dryRun = dryRun
            self.softLimit = softLimit
            self.softWindowDays = softWindowDays
            self.now = now
        }
    }

    /// What happened to one record.
    public enum Action: String, Sendable, Codable {
        /// Added to suppressed.csv now.
        case suppressed
        /// Already in suppressed.csv: nothing to add.
        case alreadySuppressed = "already-suppressed"
        /// A soft bounce counted in the ledger (not yet at the limit).
        case counted
        /// Imported before (same message, same recipient): nothing changed.
        case duplicate
        /// Not a bounce: nothing to do.
        case ignored
        /// A bounce whose recipient could not be found.
        case noRecipient = "no-recipient"
    }

    /// One record's outcome.
    public struct Outcome: Sendable {
        public var origin: String
        public var method: BounceReport.Method
        public var recipient: BounceRecipient?
        public var action: Action
        /// Soft bounces of this address within the window, this one included.
        public var softCount: Int?
    }

    /// The result of an import.
    public struct Result: Sendable {
        public var messages = 0
        public var outcomes: [Outcome] = []
        /// Messages that could not be read (binary, empty, too large): counted and named, never fatal.
        public var skipped: [Diagnostic] = []
        public var seconds: Double = 0

        public func count(_ bounceClass: BounceClass) -> Int {
            outcomes.filter { ($0.recipient?.bounceClass ?? .notABounce) == bounceClass }.count
        }

        public func count(_ action: Action) -> Int { outcomes.filter { $0.action == action }.count }
    }

    public let project: Project
    public let options: Options

    public init(project: Project, options: Options) {
        self.project = project
        self.options = options
    }

    /// Imports every message under `paths` (project-relative or absolute, as given: named so in messages).
    public func run(paths: [String], currentDirectory: URL) throws -> Result {
        let started = Date()
        let suppression = try SuppressionList(project: project)
        let ledger = try SoftBounceLedger(url: project.url(SoftBounceLedger.path))
        var result = Result()
        // In a dry run the suppression list is not written: remember what would have been added.
        var wouldSuppress: Set<String> = []
        func isSuppressed(_ address: String) -> Bool {
            suppression.contains(address: address) || wouldSuppress.contains(AddressKey.normalize(address))
        }
        func suppress(_ address: String, reason: String, detail: String, date: Date) throws {
            if options.dryRun {
                wouldSuppress.insert(AddressKey.normalize(address))
            } else {
                try suppression.append(address: address, reason: reason, date: SuppressionList.day(of: date), detail: detail)
            }
        }
        let urls = paths.map { path in
            (path, path.hasPrefix("/") ? URL(fileURLWithPath: path) : currentDirectory.appendingPathComponent(path))
        }
        // Every path is checked before any is read: a typo in the last one must not leave the first imported.
        let missing = urls.filter { !FileManager.default.fileExists(atPath: $0.1.path) }.map(\.0)
        if !missing.isEmpty {
            throw DiagnosticError(missing.map { path in
                .error("bounce-source-missing", "no such file or folder: \(path)", at: SourceLocation(path: path),
                       hint: "give .eml files, Maildir folders or mbox files; nothing was imported")
            })
        }
        for (path, url) in urls {
            let skipped = try BounceSource.forEachMessage(at: url, named: path) { input in
                result.messages += 1
                let report: BounceReport
                do {
                    report = try BounceClassifier.classify(bytes: input.bytes)
                } catch let error as MIMEReadError {
                    result.skipped.append(.warning("bounce-unreadable", "\(input.origin): \(error); skipped",
                                                   at: SourceLocation(path: input.origin),
                                                   hint: "only email messages (.eml, Maildir, mbox) can be imported"))
                    return
                }
                if report.recipients.isEmpty {
                    result.outcomes.append(Outcome(origin: input.origin, method: report.method, recipient: nil, action: .ignored))
                    return
                }
                let messageHash = Self.hash(input.bytes)
                for recipient in report.recipients {
                    var outcome = Outcome(origin: input.origin, method: report.method, recipient: recipient, action: .ignored)
                    defer { result.outcomes.append(outcome) }
                    guard recipient.bounceClass != .notABounce else { continue }
                    guard recipient.address.contains("@"), !recipient.address.utf8.contains(where: { $0 < 0x20 }) else {
                        outcome.action = .noRecipient
                        continue
                    }
                    let id = messageHash + ":" + AddressKey.normalize(recipient.address)
                    let date = report.date ?? options.now
                    let entry = SoftBounceLedger.Entry(id: id, email: recipient.address, bounceClass: recipient.bounceClass,
                                                       status: recipient.status, reason: recipient.reason, date: date,
                                                       source: input.origin)
                    let duplicate = ledger.contains(id: id)
                    switch recipient.bounceClass {
                    case .hard, .complaint:
                        if isSuppressed(recipient.address) {
                            outcome.action = duplicate ? .duplicate : .alreadySuppressed
                        } else {
                            try suppress(recipient.address, reason: Self.suppressionReason(recipient).rawValue,
                                         detail: Self.suppressionDetail(recipient), date: date)
                            outcome.action = .suppressed
                        }
                        if !duplicate { try write(entry, to: ledger) }
                    case .soft:
                        if !duplicate { try write(entry, to: ledger) }
                        let count = ledger.softCount(for: recipient.address, around: date, days: options.softWindowDays)
                        outcome.softCount = count
                        if isSuppressed(recipient.address) {
                            outcome.action = duplicate ? .duplicate : .alreadySuppressed
                        } else if count >= options.softLimit {
                            // Checked on duplicates too: an import cut short after the ledger line still suppresses.
                            // Soft bounces that keep coming are treated as a mailbox that is gone.
                            try suppress(recipient.address, reason: SuppressionReason.hardBounce.rawValue,
                                         detail: "\(count) soft bounces in \(options.softWindowDays) days (last \(recipient.status ?? recipient.reason))",
                                         date: date)
                            outcome.action = .suppressed
                        } else {
                            outcome.action = duplicate ? .duplicate : .counted
                        }
                    case .notABounce:
                        break
                    }
                }
            }
            // Messages too large to read are messages too: counted, and listed as skipped.
            result.messages += skipped.filter { $0.code == "bounce-too-large" }.count
            result.skipped += skipped
        }
        result.seconds = Date().timeIntervalSince(started)
        return result
    }

    private func write(_ entry: SoftBounceLedger.Entry, to ledger: SoftBounceLedger) throws {
        if options.dryRun { ledger.record(entry) } else { try ledger.append([entry]) }
    }

    /// The reason column of suppressed.csv: `hard-bounce` or `complaint`.
    static func suppressionReason(_ recipient: BounceRecipient) -> SuppressionReason {
        recipient.bounceClass == .complaint ? .complaint : .hardBounce
    }

    /// The detail column: `5.1.1 user unknown`, `abuse` (the feedback type).
    static func suppressionDetail(_ recipient: BounceRecipient) -> String {
        switch recipient.bounceClass {
        case .complaint: return recipient.reason.replacingOccurrences(of: "feedback-type ", with: "")
        default: return [recipient.status, recipient.reason].compactMap { $0 }.joined(separator: " ")
        }
    }

    /// FNV-1a 64 of the message bytes, in hex: the same message gives the same id on every import.
    static func hash(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
