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

    private static let eventPattern = LogLineReader.keyPattern("event")
    private static let addressPattern = LogLineReader.keyPattern("address")
    private static let timePattern = LogLineReader.keyPattern("time")

    /// Reads one log of the issue into the table. Outcome lines set a recipient's state (a rerun's line, later
    /// in the file, wins); a `sending` line without an outcome after it leaves the recipient `uncertain`.
    /// Lines of events this version does not know are passed over; fields it does not use are ignored.
    mutating func read(_ url: URL, domains: Domains) throws -> LogFacts {
        var facts = LogFacts()
        let torn = try LogLineReader.forEachLine(in: url) { line, number in
            guard !line.isEmpty else { return }
            guard let (event, fields) = Self.event(of: line) else {
                facts.unreadableCount += 1
                if facts.unreadableLines.count < 5 { facts.unreadableLines.append(number) }
                return
            }
            func value(_ pattern: [UInt8], _ key: String) -> String? {
                fields.map { $0[key] as? String } ?? LogLineReader.stringValue(matching: pattern, in: line)
            }
            let status: RecipientStatus
            switch event {
            case "sending": status = .uncertain
            case "header":
                if facts.header == nil { facts.header = try? JSONDecoder().decode(LogRecord.self, from: Data(line)) }
                facts.firstTime = Self.earliest(facts.firstTime, value(Self.timePattern, "time"))
                return
            case "run-start":
                facts.lastRunOpen = true
                facts.firstTime = Self.earliest(facts.firstTime, value(Self.timePattern, "time"))
                return
            case "run-end":
                facts.lastRunOpen = false
                return
            default:
                guard let outcome = RecipientStatus(rawValue: event) else { return }
                status = outcome
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

    /// The event of a line. Lines as publish writes them (compact JSON) are scanned; any other JSON object (spaces
    /// after colons, keys in another order) is decoded, and its fields come back too.
    private static func event(of line: ArraySlice<UInt8>) -> (String, [String: Any]?)? {
        if line.first == UInt8(ascii: "{"), line.last == UInt8(ascii: "}"), let event = LogLineReader.stringValue(matching: eventPattern, in: line) {
            return (event, nil)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any],
              let event = object["event"] as? String else { return nil }
        return (event, object)
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
        guard let at = normalized.lastIndex(of: "@") else { return "(none)" }
        let domain = normalized[normalized.index(after: at)...]
        return domain.isEmpty ? "(none)" : String(domain)
    }

    /// ISO 8601 UTC times of one format compare as strings.
    private static func earliest(_ a: String?, _ b: String?) -> String? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }
}
