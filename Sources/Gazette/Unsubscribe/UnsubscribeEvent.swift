// One line of an events file (`events/<date>.jsonl`): an unsubscribe the server (or a mail) accepted.
import Foundation

/// An accepted unsubscribe, as `gazette serve` writes it and `gazette subscribers sync` reads it.
public struct UnsubscribeEvent: Codable, Sendable, Equatable, EventLine {
    /// How the recipient asked.
    public enum Channel: String, Codable, Sendable {
        /// RFC 8058 one-click: a mail client's POST with `List-Unsubscribe=One-Click`.
        case oneClick = "one-click"
        /// The confirmation page's button.
        case page
        /// A mail to the `mailto:` address (read from a Maildir by sync).
        case mailto
    }

    public var event = "unsubscribe"
    /// `2026-12-02T01:30:00.000Z`
    public var time: String
    /// The normalised address.
    public var email: String
    public var list: String
    public var via: Channel
    /// Which link form carried the token (`sealed`, or `legacy` for issues sent before opaque links).
    public var form: String?

    public init(target: UnsubscribeTarget, via: Channel, time: Date) {
        self.time = LogRecord.timestamp(time)
        self.email = target.address
        self.list = target.list
        self.via = via
        self.form = target.form.rawValue
    }

    /// The UTC day of `time` (`2026-12-02`), which names the events file.
    public var day: String { String(time.prefix(10)) }
}
