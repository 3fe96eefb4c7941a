// `--shard K/N`: one of N stable parts of an audience, for CI matrix jobs that each publish a part with its own log.
// Membership depends on the address key's hash alone, so every run on every machine splits the same way.
import Foundation

/// Part `index` of `count` (1-based, as written on the command line).
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// The whole audience.
    public static let all = Shard(validIndex: 1, count: 1)

    /// Parses "K/N" with 1 ≤ K ≤ N.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw Self.invalid("\"\(text)\" is not a shard: expected K/N, such as 2/4")
        }
        guard count >= 1 else { throw Self.invalid("a shard count must be at least 1, not \(count)") }
        guard index >= 1 && index <= count else {
            throw Self.invalid("shard \(index) of \(count) does not exist: shards are numbered 1 to \(count)")
        }
        self.init(validIndex: index, count: count)
    }

    /// Part `index` (1-based) of `count`; nil when there is no such part.
    public init?(index: Int, count: Int) {
        guard count >= 1, index >= 1, index <= count else { return nil }
        self.init(validIndex: index, count: count)
    }

    private init(validIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Whether the address belongs to this part.
    ///
    /// The part is the high word of `hash64 × N` (Lemire's range reduction) rather than `hash64 % N`: FNV-1a's
    /// low bits depend only on the low bits of each byte (`hash % 4` would split on two bits per character),
    /// while its high bits mix the whole address. Both are fixed arithmetic, so the split is stable.
    public func contains(_ key: AddressKey) -> Bool {
        Self.part(of: key.hash64, count: count) == index - 1
    }

    /// The 0-based part of `count` that `hash64` falls in.
    public static func part(of hash64: UInt64, count: Int) -> Int {
        Int(hash64.multipliedFullWidth(by: UInt64(count)).high)
    }

    /// "K/N".
    public var description: String { "\(index)/\(count)" }

    private static func invalid(_ message: String) -> DiagnosticError {
        DiagnosticError(.error("shard-invalid", message,
                               hint: "write --shard K/N with 1 ≤ K ≤ N: --shard 1/4 … --shard 4/4 split the audience in four"))
    }
}
