// What a look-up gave back, with how long it may be kept (the smallest TTL of the records used).

/// A value from DNS and its time to live in seconds.
public struct DNSAnswer<Value: Sendable>: Sendable {
    public var value: Value
    /// Seconds the answer may be cached (the smallest TTL among the records that made it).
    public var ttl: Int

    public init(value: Value, ttl: Int) {
        self.value = value
        self.ttl = ttl
    }
}

extension DNSAnswer: Equatable where Value: Equatable {}
