// Streams an audience: each row of each list in order, classified as recipient, duplicate, suppressed, other
// shard, skipped or row problem. Keeps only the hashes of the addresses seen, never the rows.

/// One pass over an audience's rows.
public final class AudienceReader {
    /// Entries so far, per kind; complete once `next()` returned nil.
    public private(set) var counts = AudienceCounts()
    /// The list files read to the end so far, with size and digest.
    public private(set) var files: [AudienceFile] = []
    public let suppression: SuppressionList

    private let shard: Shard
    private let segment: Segment
    private let skip: ((UInt64) -> Bool)?
    private var lists: [(reader: SubscriberListReader, tally: Tally)]
    private var listIndex = 0
    private var pendingProblems: [Diagnostic]
    private var seen = Set<UInt64>()
    private let suppressed: Set<UInt64>

    /// Bytes and digest of one list file, fed by its reader's chunks.
    private final class Tally {
        var size = 0
        let digester: (any ContentDigester)?
        init(digester: (any ContentDigester)?) { self.digester = digester }
    }

    init(audience: Audience, suppression: SuppressionList, skip: ((UInt64) -> Bool)?) throws {
        self.suppression = suppression
        suppressed = suppression.snapshot
        shard = audience.shard
        segment = audience.segment
        self.skip = skip
        pendingProblems = suppression.problems
        lists = try audience.lists.map { list in
            let tally = Tally(digester: audience.digester?())
            let reader = try list.open(chunkSize: audience.chunkSize) { [tally] bytes in
                tally.size += bytes.count
                tally.digester?.update(bytes)
            }
            return (reader, tally)
        }
    }

    /// The next entry, or nil when every list has been read. Throws only when a file cannot be read.
    public func next() throws -> AudienceEntry? {
        let entry = try nextEntry()
        if let entry { counts.count(entry) }
        return entry
    }

    private func nextEntry() throws -> AudienceEntry? {
        if !pendingProblems.isEmpty { return .rowProblem(pendingProblems.removeFirst()) }
        while listIndex < lists.count {
            let (reader, tally) = lists[listIndex]
            if let row = try reader.next() {
                switch row {
                case .problem(let diagnostic): return .rowProblem(diagnostic)
                case .subscriber(let subscriber): return classify(subscriber)
                }
            }
            files.append(AudienceFile(list: reader.list.name, path: reader.list.path, size: tally.size,
                                      contentDigest: tally.digester?.finalize()))
            listIndex += 1
        }
        return nil
    }

    private func classify(_ subscriber: Subscriber) -> AudienceEntry {
        let key = subscriber.key
        // Shard first: duplicates of an address always fall in the same shard, and other shards' keys need no memory.
        guard shard.contains(key) else { return .otherShard }
        // Before duplicates: a later row of the same address that is in the segment still counts.
        guard segment.contains(subscriber.fields) else { return .outsideSegment(subscriber) }
        guard seen.insert(key.hash64).inserted else { return .duplicate(subscriber) }
        if suppressed.contains(key.hash64) { return .suppressed(subscriber) }  // an unsubscribe always wins
        if skip?(key.hash64) == true { return .skipped(subscriber) }
        return .recipient(subscriber)
    }
}
