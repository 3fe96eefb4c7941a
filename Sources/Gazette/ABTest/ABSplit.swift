// Which arm of an A/B subject test an address is in, or the rest: from the address key's hash, salted with the
// issue's slug, so every run on every machine splits alike, each issue draws its own sample, and the arm is
// independent of `--shard` (which takes the high word of the unsalted hash).
import Foundation

/// The deterministic split of one issue's audience into test arms and the rest.
public struct ABSplit: Sendable, Equatable {
    /// Number of arms (2–4).
    public let arms: Int
    /// Share of the audience in the test, in basis points (1–10 000).
    public let shareBasisPoints: Int
    let salt: UInt64

    public init(arms: Int, shareBasisPoints: Int, issueSlug: String) {
        self.arms = max(1, arms)
        self.shareBasisPoints = max(0, min(10_000, shareBasisPoints))
        salt = AddressKey.hash64("gazette-ab-test/" + issueSlug)
    }

    public init(_ test: SubjectTest, issueSlug: String) {
        self.init(arms: test.subjects.count, shareBasisPoints: test.shareBasisPoints, issueSlug: issueSlug)
    }

    /// The 0-based arm of the address with key hash `hash64`, or nil for the rest (who get the winner later).
    ///
    /// The salted hash goes through SplitMix64's finalizer (a bijection whose every output bit depends on every
    /// input bit), then its high word picks one of 10 000 buckets, Lemire's range reduction as `Shard` does.
    /// Buckets below the share are the test, cut into `arms` equal runs.
    public func arm(ofKey hash64: UInt64) -> Int? {
        let bucket = Int(Self.mix(hash64 ^ salt).multipliedFullWidth(by: 10_000).high)
        guard bucket < shareBasisPoints else { return nil }
        return bucket * arms / shareBasisPoints
    }

    public func arm(of key: AddressKey) -> Int? { arm(ofKey: key.hash64) }

    /// SplitMix64's output function (Steele, Lea, Flood 2014).
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
