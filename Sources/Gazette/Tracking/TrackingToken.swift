// The tokens of tracked links: a click's (issue slug, address, destination URL) and an open's (issue slug,
// address, send time) sealed with AES-256-GCM like the unsubscribe token, under keys of their own derived from
// GAZETTE_UNSUBSCRIBE_SECRET for the purposes `click` and `open`. The URL names nobody, and the destination is
// authenticated, so /c/ can never redirect anywhere the newsletter did not link to (docs/tracking.md).
import Foundation

/// What a click link carries.
public struct TrackedClick: Sendable, Equatable {
    public var issue: String
    /// The normalised address.
    public var address: String
    /// Where the link goes: an http(s) URL of the issue's HTML.
    public var url: String
}

/// What an open pixel carries.
public struct TrackedOpen: Sendable, Equatable {
    public var issue: String
    public var address: String
    /// When the message was made (whole seconds): opens seconds after it are a scanner's prefetch.
    public var sent: Date
}

/// Seals and opens click and open tokens.
public struct TrackingToken: Sendable {
    let clicks: UnsubscribeToken
    let opens: UnsubscribeToken

    public init(secret: String) throws {
        clicks = try UnsubscribeToken(secret: secret, purpose: "click")
        opens = try UnsubscribeToken(secret: secret, purpose: "open")
    }

    public func seal(_ click: TrackedClick) throws -> String {
        try clicks.seal(text: [click.issue, AddressKey.normalize(click.address), click.url].joined(separator: "\n"))
    }

    public func seal(_ open: TrackedOpen) throws -> String {
        let seconds = Int64(open.sent.timeIntervalSince1970.rounded(.down))
        return try opens.seal(text: [open.issue, AddressKey.normalize(open.address), String(seconds)].joined(separator: "\n"))
    }

    /// The click in `token`, or nil when it is not one of ours (forged, truncated, another secret or purpose), or
    /// its destination is not an http(s) URL that can go in a Location header.
    public func openClick(_ token: String) -> TrackedClick? {
        guard let parts = parts(clicks.open(text: token)), Self.isRedirectable(parts[2]) else { return nil }
        return TrackedClick(issue: parts[0], address: parts[1], url: parts[2])
    }

    /// The open in `token`, or nil when it is not one of ours.
    public func openOpen(_ token: String) -> TrackedOpen? {
        guard let parts = parts(opens.open(text: token)), let seconds = Int64(parts[2]) else { return nil }
        return TrackedOpen(issue: parts[0], address: parts[1], sent: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    private func parts(_ text: String?) -> [String]? {
        guard let text else { return nil }
        let parts = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        return parts
    }

    /// An absolute http(s) URL without control characters or spaces (nothing that could split a header).
    static func isRedirectable(_ url: String) -> Bool {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { return false }
        return !url.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F }
    }
}
