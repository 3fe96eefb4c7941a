// The engagement of one issue, from the click and open events of `gazette serve` (docs/tracking.md): unique
// openers (human and machine apart), unique clickers, and the links by clicks. Rates are shares of the
// delivered recipients: sent minus the hard bounces counted for the issue. Opens are a heuristic's numbers.

/// Opens and clicks of one issue.
public struct EngagementCounts: Sendable, Equatable {
    /// One link of the issue by its clicks.
    public struct Link: Sendable, Equatable {
        public var url: String
        public var clicks: Int
        public var clickers: Int
    }

    /// Recipients who opened at all.
    public var openers = 0
    /// Recipients with at least one open not flagged as a machine's.
    public var humanOpeners = 0
    /// Recipients whose every open was flagged as a machine's (Apple's proxies, scanners).
    public var machineOnlyOpeners = 0
    /// Open events, of any kind.
    public var opens = 0
    public var clicks = 0
    public var clickers = 0
    /// The links, most clickers first.
    public var links: [Link] = []
    /// What the rates are shares of: sent minus hard bounces.
    public var delivered = 0

    public var openRate: Double { OutcomeCounts.rate(openers, of: delivered) }
    public var humanOpenRate: Double { OutcomeCounts.rate(humanOpeners, of: delivered) }
    public var clickRate: Double { OutcomeCounts.rate(clickers, of: delivered) }
    /// Clickers of openers (click-to-open), 0 with no opens.
    public var clickToOpenRate: Double { OutcomeCounts.rate(clickers, of: openers) }

    /// The named counts, in the order the outputs show them.
    public var fields: [(name: String, value: Int)] {
        [("delivered", delivered), ("openers", openers), ("human_openers", humanOpeners), ("machine_only_openers", machineOnlyOpeners),
         ("opens", opens), ("clickers", clickers), ("clicks", clicks)]
    }

    /// The named rates.
    public var rates: [(name: String, value: Double)] {
        [("open", openRate), ("human_open", humanOpenRate), ("click", clickRate), ("click_to_open", clickToOpenRate)]
    }
}

/// Gathers one issue's events into EngagementCounts, in memory per recipient (a 64-bit key), per link a set.
struct EngagementTally {
    private var openKinds: [UInt64: (human: Bool, machine: Bool)] = [:]
    private var clickers: Set<UInt64> = []
    private var links: [String: (clicks: Int, clickers: Set<UInt64>)] = [:]
    private var opens = 0, clicks = 0

    mutating func add(_ event: EngagementEvent) {
        let key = AddressKey(event.email).hash64
        switch event.event {
        case .open:
            opens += 1
            var kinds = openKinds[key] ?? (false, false)
            if event.machine == true { kinds.machine = true } else { kinds.human = true }
            openKinds[key] = kinds
        case .click:
            clicks += 1
            clickers.insert(key)
            let url = event.url ?? ""
            var link = links[url] ?? (0, [])
            link.clicks += 1
            link.clickers.insert(key)
            links[url] = link
        }
    }

    func counts(delivered: Int, linkLimit: Int) -> EngagementCounts {
        var counts = EngagementCounts()
        counts.delivered = delivered
        counts.opens = opens
        counts.openers = openKinds.count
        counts.humanOpeners = openKinds.values.filter(\.human).count
        counts.machineOnlyOpeners = counts.openers - counts.humanOpeners
        counts.clicks = clicks
        counts.clickers = clickers.count
        counts.links = links.map { EngagementCounts.Link(url: $0.key, clicks: $0.value.clicks, clickers: $0.value.clickers.count) }
            .sorted { ($1.clickers, $1.clicks, $0.url) < ($0.clickers, $0.clicks, $1.url) }
        counts.links = Array(counts.links.prefix(linkLimit))
        return counts
    }
}
