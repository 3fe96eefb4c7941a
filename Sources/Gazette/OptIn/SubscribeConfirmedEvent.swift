// One line of an events file (`events/<date>.jsonl`) for a double opt-in: the subscriber clicked the button
// of the confirmation page. `gazette subscribers sync` folds these into the list CSV.
import Foundation

/// A confirmed subscription, as `gazette serve` writes it and `gazette subscribers sync` reads it.
public struct SubscribeConfirmedEvent: Codable, Sendable, Equatable, EventLine {
    public static let type = "subscribe-confirmed"

    public var event = SubscribeConfirmedEvent.type
    /// When the confirmation was recorded: `2026-12-02T01:30:00.000Z`.
    public var time: String
    /// The normalised address.
    public var email: String
    public var list: String
    public var name: String?
    /// When the form was sent.
    public var requested: String
    /// The consent record: `double-opt-in 2026-12-02 from 203.0.113.7`.
    public var source: String

    public init(pending: PendingSubscription, client: String, time: Date) {
        self.time = LogRecord.timestamp(time)
        self.email = pending.address
        self.list = pending.list
        self.name = pending.name.isEmpty ? nil : pending.name
        self.requested = LogRecord.timestamp(pending.requested)
        self.source = "double-opt-in \(self.time.prefix(10)) from \(client)"
    }

    public var day: String { String(time.prefix(10)) }
}
