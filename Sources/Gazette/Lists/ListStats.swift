// `subscribers stats`: per list, the rows, distinct addresses, how many are suppressed, the biggest domains
// and the growth per month from `subscribed_at`. One streaming pass per list.
import Foundation

/// Counts over the subscriber lists.
public struct ListStats {
    /// One list's figures.
    public struct ListFigures: Sendable {
        public var name: String, path: String
        /// Rows read, distinct usable addresses, those of them suppressed, rows that could not be used.
        public var rows = 0, subscribers = 0, suppressed = 0, problems = 0
        /// Domain → distinct addresses, biggest first (the top `domainLimit`).
        public var domains: [(domain: String, count: Int)] = []
        /// `YYYY-MM` → addresses that subscribed that month, oldest first; empty without `subscribed_at`.
        public var growth: [(month: String, count: Int)] = []
        /// Rows with no usable `subscribed_at`.
        public var undated = 0
    }

    public let root: URL
    public var domainLimit = 10

    public init(root: URL) { self.root = root }

    /// Figures for `names` (every list when nil).
    public func run(lists names: [String]? = nil) throws -> [ListFigures] {
        let suppression = try SuppressionList(root: root)
        var result: [ListFigures] = []
        for name in names ?? SubscriberList.names(root: root) {
            try ListTable.checkName(name)
            let list = SubscriberList(name: name, root: root)
            var figures = ListFigures(name: list.name, path: list.path)
            var seen = Set<UInt64>(), domains: [String: Int] = [:], months: [String: Int] = [:]
            let reader = try list.open()
            while let row = try reader.next() {
                figures.rows += 1
                guard case .subscriber(let subscriber) = row, case .success(let address) = ListAddress.clean(subscriber.email) else {
                    figures.problems += 1
                    continue
                }
                let key = AddressKey(address)
                guard seen.insert(key.hash64).inserted else { continue }
                figures.subscribers += 1
                if suppression.contains(key) { figures.suppressed += 1 }
                if let at = address.lastIndex(of: "@") { domains[String(address[address.index(after: at)...]), default: 0] += 1 }
                if let month = subscriber.fields["subscribed_at"].flatMap(ListDate.month) {
                    months[month, default: 0] += 1
                } else {
                    figures.undated += 1
                }
            }
            figures.domains = Array(domains.map { ($0.key, $0.value) }
                .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(domainLimit))
            figures.growth = months.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }
            result.append(figures)
        }
        return result
    }
}
