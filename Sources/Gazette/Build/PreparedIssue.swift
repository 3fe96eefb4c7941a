// The result of building an issue for email: HTML and text rendered, inlined and converted once,
// with only per-recipient slots left. Written to public/email/<slug>/ so each stage can be inspected.
import Foundation

/// An issue ready to personalize: subject, HTML and text with their slots.
public struct PreparedIssue: Sendable {
    public var issueNumber: Int
    public var slug: String
    public var title: String
    public var date: String
    public var sourcePath: String
    public var preheader: String?
    /// Subscriber lists the issue goes to; nil means all.
    public var lists: [String]?
    /// Names of the slots (`subscriber.name`, `unsubscribe_url`), indexed by the templates' slot numbers.
    public var slotNames: [String]
    public var subject: PersonalizationTemplate
    /// The subjects of an A/B test (`subjects:`), each arm's; nil for one subject.
    public var subjectTest: PreparedSubjectTest?
    public var html: PersonalizationTemplate
    public var text: PersonalizationTemplate
    /// The web version's URL.
    public var webURL: String
    /// The links of the HTML part that go through the tracking redirect, indexed as the `tracking.click.<n>`
    /// slots; nil without click tracking.
    public var trackedLinks: [String]?

    /// SHA-256 of the rendered subject, HTML and text: a resumed send refuses when it changed. Computed when asked
    /// (publish, and prepared.json when `gazette build` writes it), not on every render: check and a preview's
    /// reloads never need it, and it was 6 % of a render.
    public var contentHash: String { ContentHash.of(self) }

    /// The values for each slot, from a subscriber's fields and the send-time URLs. Without `tracking`, a
    /// tracked link's slot holds the link itself and the pixel's is empty.
    public func slotValues(fields: [String: String], unsubscribeURL: String, defaults: [String: String],
                           tracking: TrackingValues? = nil) -> [String] {
        slotNames.map { name in
            if name == "unsubscribe_url" { return unsubscribeURL }
            if name.hasPrefix("tracking.") {
                if name == TrackingSlots.open { return tracking?.open ?? "" }
                guard let index = TrackingSlots.clickIndex(name) else { return "" }
                if let clicks = tracking?.clicks, index < clicks.count { return clicks[index] }
                return trackedLinks.flatMap { index < $0.count ? $0[index] : nil } ?? ""
            }
            guard name.hasPrefix("subscriber.") else { return "" }
            let field = String(name.dropFirst("subscriber.".count))
            if let value = fields[field], !value.isEmpty { return value }
            return defaults[field] ?? ""
        }
    }
}
