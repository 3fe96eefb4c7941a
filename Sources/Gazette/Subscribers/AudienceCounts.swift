// How many rows of an audience's lists ended in each kind of entry, for the publish summary.

/// Counts per kind of `AudienceEntry`.
public struct AudienceCounts: Sendable, Hashable, Codable {
    public var recipients = 0
    public var duplicates = 0
    public var suppressed = 0
    public var otherShard = 0
    public var outsideSegment = 0
    public var skipped = 0
    public var rowProblems = 0

    public init() {}

    /// Every entry counted.
    public var total: Int { recipients + duplicates + suppressed + otherShard + outsideSegment + skipped + rowProblems }

    mutating func count(_ entry: AudienceEntry) {
        switch entry {
        case .recipient: recipients += 1
        case .duplicate: duplicates += 1
        case .suppressed: suppressed += 1
        case .otherShard: otherShard += 1
        case .outsideSegment: outsideSegment += 1
        case .skipped: skipped += 1
        case .rowProblem: rowProblems += 1
        }
    }
}
