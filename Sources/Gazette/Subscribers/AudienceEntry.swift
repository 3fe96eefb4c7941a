// What the audience says about one row of its lists: send to this subscriber, or why not.

/// One row of an audience's lists, classified.
public enum AudienceEntry: Sendable, Hashable {
    /// Send to this subscriber.
    case recipient(Subscriber)
    /// The address was on an earlier row (of this or an earlier list); the first row wins.
    case duplicate(Subscriber)
    /// The address is on the suppression list.
    case suppressed(Subscriber)
    /// The address belongs to another shard.
    case otherShard
    /// The subscriber is not in the segment (`audience:` tags, exclude_tags, where).
    case outsideSegment(Subscriber)
    /// The caller's skip predicate said so: done in an earlier run.
    case skipped(Subscriber)
    /// The row could not be read; the diagnostic names file and line.
    case rowProblem(Diagnostic)
}
