// Counters of a resolver: questions that went out and answers that came from the cache.

/// How many questions went to a server and how many were answered from the cache.
public struct DNSStatistics: Sendable, Equatable {
    /// Questions sent to a server (one per name and type per TTL; a retry of the same question counts once).
    public var lookups = 0
    /// Questions answered from the cache.
    public var cacheHits = 0
}
