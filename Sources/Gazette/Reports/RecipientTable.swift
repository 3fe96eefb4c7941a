// Every recipient of one issue in 12 bytes or so: the 64-bit address key (AddressKey's hash) mapped to the last
// status and the recipient's domain, packed into a UInt32. A million recipients take tens of MB, not the
// hundreds that a dictionary of address Strings would.
import Foundation

/// The final state of each recipient of an issue, read from its publish logs line by line.
struct RecipientTable {
    /// Interned domain names, shared by every issue of a report.
    final class Domains {
        private(set) var names: [String] = []
        private var indices: [String: UInt32] = [:]

        func index(of domain: String) -> UInt32 {
            if let index = indices[domain] { return index }
            let index = UInt32(names.count)
            names.append(domain)
            indices[domain] = index
            return index
        }
    }

    /// What one log held besides its recipients.
    struct LogFacts {
        var header: LogRecord?
        /// The earliest time on a header or run-start line.
        var firstTime: String?
        var lastRunOpen = false
        var unreadableLines: [Int] = []
        var unreadableCount = 0
        var tornBytes = 0
    }

    private(set) var entries: [UInt64: UInt32] = [:]
    static let statuses = RecipientStatus.allCases

    private static let addressPattern = LogLineReader.keyPattern("address")
    private static let timePattern = LogLineReader.keyPattern("time")

    /// Reads one log of the issue into the table. Outcome lines set a recipient's state (a rerun's line, later
    /// in the file, wins); a `sending` line without an outcome after it leaves the recipient `uncertain`.
    /// Lines of events this version does not know are passed over; fields it does not use are ignored.
    mutating func read(_ url: URL, domains: Domains) throws -> LogFacts {
        var facts = LogFacts()
        let torn = try LogLineReader.forEachLine(in: url) { line, number in
            guard !line.isEmpty else { return }
            var fields: [String: Any]?
            let kind: LineKind
            if let quick = Self.quickKind(of: line) {
                kind = quick
            } else if let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any],
                      let event = object["event"] as? String {
                kind = Self.kind(named: Array(event.utf8)[...])
                fields = object
            } else {
                facts.unreadableCount += 1
                if facts.unreadableLines.count < 5 { facts.unreadableLines.append(number) }
                return
            }
            func value(_ pattern: [UInt8], _ key: String) -> String? {
                fields.map { $0[key] as? String } ?? LogLineReader.stringValue(matching: pattern, in: line)
            }
            let status: RecipientStatus
            switch kind {
            case .recipient(let outcome): status = outcome
            case .header:
                if facts.header == nil { facts.header = try? JSONDecoder().decode(LogRecord.self, from: Data(line)) }
                facts.firstTime = Self.earliest(facts.firstTime, value(Self.timePattern, "time"))
                return
            case .runStart:
                facts.lastRunOpen = true
                facts.firstTime = Self.earliest(facts.firstTime, value(Self.timePattern, "time"))
                return
            case .runEnd:
                facts.lastRunOpen = false
                return
            case .other:
                return
            }
            guard let address = value(Self.addressPattern, "address") else { return }
            let key = AddressKey(address)
            let statusIndex = UInt32(Self.statuses.firstIndex(of: status) ?? 0)
            if let packed = entries[key.hash64] {
                entries[key.hash64] = packed & ~7 | statusIndex
            } else {
                entries[key.hash64] = domains.index(of: Self.domain(of: key.normalized)) << 3 | statusIndex
            }
        }
        facts.tornBytes = torn
        return facts
    }

    /// What a line is, by its `event`.
    enum LineKind: Equatable {
        /// `sending` (uncertain until its outcome) or an outcome.
        case recipient(RecipientStatus)
        case header, runStart, runEnd
        /// An event this version does not know.
        case other
    }

    private static let eventPrefix = Array("{\"event\":\"".utf8)
    private static let names: [(String, LineKind)] = [("sending", .recipient(.uncertain)), ("sent", .recipient(.sent)),
        ("deferred", .recipient(.deferred)), ("failed", .recipient(.failed)), ("invalid", .recipient(.invalid)),
        ("uncertain", .recipient(.uncertain)), ("header", .header), ("run-start", .runStart), ("run-end", .runEnd)]
    private static let kinds: [([UInt8], LineKind)] = names.map { (Array($0.0.utf8), $0.1) }

    static func kind(named name: ArraySlice<UInt8>) -> LineKind {
        kinds.first { $0.0.elementsEqual(name) }?.1 ?? .other
    }

    /// The kind of a line as publish writes it (`{"event":"…",` first), read without decoding; nil for any
    /// other line, which is decoded instead (spaces after colons, keys in another order, or not JSON at all).
    private static func quickKind(of line: ArraySlice<UInt8>) -> LineKind? {
        guard line.last == UInt8(ascii: "}"), line.starts(with: eventPrefix) else { return nil }
        let start = line.startIndex + eventPrefix.count
        guard let end = line[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return kind(named: line[start..<end])
    }

    /// The status and domain index of the recipient with address key `key`.
    func recipient(_ key: UInt64) -> (status: RecipientStatus, domain: UInt32)? {
        guard let packed = entries[key] else { return nil }
        return (Self.statuses[Int(packed & 7)], packed >> 3)
    }

    /// Counts per domain index.
    func countsByDomain() -> [UInt32: OutcomeCounts] {
        var counts: [UInt32: OutcomeCounts] = [:]
        for packed in entries.values { counts[packed >> 3, default: OutcomeCounts()].add(Self.statuses[Int(packed & 7)]) }
        return counts
    }

    /// The part after the last `@` of a normalised address; `(none)` when there is none.
    static func domain(of normalized: String) -> String {
        let bytes = normalized.utf8
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")), bytes.index(after: at) < bytes.endIndex else { return "(none)" }
        return String(Substring(bytes[bytes.index(after: at)...]))
    }

    /// ISO 8601 UTC times of one format compare as strings.
    private static func earliest(_ a: String?, _ b: String?) -> String? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }
}
