// Tracking at send time: one recipient's click URLs (`<base>/c/<token>`, one per tracked link of the issue) and
// pixel URL (`<base>/o/<token>.gif`), each token sealed for the issue and the recipient (TrackingToken).
import Foundation

/// What one recipient's tracking slots are filled with.
public struct TrackingValues: Sendable {
    /// By link index, as `PreparedIssue.trackedLinks`.
    public var clicks: [String]
    public var open: String
}

/// Makes each recipient's tracked URLs for one issue.
struct TrackedLinkMaker: Sendable {
    let base: String
    let token: TrackingToken

    /// A maker for `prepared` when it has tracking slots; nil when it has none. Throws when it has some but
    /// gazette.yml names no base (check stops that before a publish) or the keys cannot be derived.
    static func make(for prepared: PreparedIssue, configuration: Configuration, secret: String) throws -> TrackedLinkMaker? {
        guard prepared.slotNames.contains(where: { $0 == TrackingSlots.open || TrackingSlots.clickIndex($0) != nil }) else { return nil }
        guard let base = configuration.trackingBase else { throw TrackingCheck.missingBase(configuration) }
        return TrackedLinkMaker(base: base, token: try TrackingToken(secret: secret))
    }

    func values(for prepared: PreparedIssue, address: String, sent: Date) throws -> TrackingValues {
        let clicks = try (prepared.trackedLinks ?? []).map { url in
            base + "/c/" + (try token.seal(TrackedClick(issue: prepared.slug, address: address, url: url)))
        }
        let open = base + "/o/" + (try token.seal(TrackedOpen(issue: prepared.slug, address: address, sent: sent))) + ".gif"
        return TrackingValues(clicks: clicks, open: open)
    }
}
