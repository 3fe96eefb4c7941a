// The token of a double opt-in confirmation link (`<base>/confirm/<token>`): the address, the list, the
// name given in the form and the time of the request, sealed with AES-256-GCM under keys of its own (derived
// from GAZETTE_UNSUBSCRIBE_SECRET with another label than the unsubscribe token's), so it cannot be forged,
// altered or taken for an unsubscribe token, and it expires.
import Foundation

/// A subscription waiting for its confirmation, as its link carries it.
public struct PendingSubscription: Sendable, Equatable {
    public var address: String
    public var list: String
    public var name: String
    /// When the form was sent (whole seconds).
    public var requested: Date

    public init(address: String, list: String, name: String = "", requested: Date) {
        self.address = AddressKey.normalize(address)
        self.list = list
        self.name = name
        self.requested = Date(timeIntervalSince1970: requested.timeIntervalSince1970.rounded(.down))
    }
}

/// Seals and opens confirmation tokens.
public struct ConfirmationToken: Sendable {
    /// What opening a token found.
    public enum Opened: Sendable, Equatable {
        case valid(PendingSubscription)
        /// Ours, but older than the expiry.
        case expired(PendingSubscription)
        /// Forged, altered, truncated, made with another secret, or not a token at all.
        case invalid
    }

    let sealer: UnsubscribeToken

    public init(secret: String) throws {
        sealer = try UnsubscribeToken(secret: secret, purpose: "confirmation")
    }

    public func seal(_ pending: PendingSubscription) throws -> String {
        let seconds = Int64(pending.requested.timeIntervalSince1970)
        return try sealer.seal(text: [pending.address, pending.list, String(seconds), pending.name].joined(separator: "\n"))
    }

    /// Opens `token`; a token whose request is more than `expiry` seconds before `now` (or in the future) is expired.
    public func open(_ token: String, expiry: TimeInterval, now: Date) -> Opened {
        guard let text = sealer.open(text: token) else { return .invalid }
        let parts = text.split(separator: "\n", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, !parts[0].isEmpty, !parts[1].isEmpty, let seconds = Int64(parts[2]) else { return .invalid }
        let pending = PendingSubscription(address: parts[0], list: parts[1], name: parts[3],
                                          requested: Date(timeIntervalSince1970: TimeInterval(seconds)))
        let age = now.timeIntervalSince(pending.requested)
        return age > expiry || age < -300 ? .expired(pending) : .valid(pending)
    }
}
