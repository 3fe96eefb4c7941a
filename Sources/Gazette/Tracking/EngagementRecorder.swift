// What `gazette serve` does for a tracked click or open, without HTTP: open the token, decide whether an open
// is a machine's, and append the event to the events file (fsync'd, grouped with concurrent appends) before
// the answer. The server only maps the result to a redirect or the pixel.
import Foundation

/// Records clicks and opens into an events file. Safe to share between request handlers.
public final class EngagementRecorder: Sendable {
    public let events: EventsFile
    let token: TrackingToken
    public let machineRules: MachineOpenRules
    private let clock: @Sendable () -> Date

    public init(secret: String, events: EventsFile, machineRules: MachineOpenRules,
                clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.token = try TrackingToken(secret: secret)
        self.events = events
        self.machineRules = machineRules
        self.clock = clock
    }

    /// The click a `/c/<token>` names, or nil for a forged, truncated or foreign token.
    public func click(token text: String) -> TrackedClick? { token.openClick(text) }

    /// The open a `/o/<token>.gif` names, or nil.
    public func open(token text: String) -> TrackedOpen? { token.openOpen(text) }

    /// Appends the click event; returns once it is on disk. Blocks: call it off the event loop.
    public func record(_ click: TrackedClick) throws {
        try events.append(EngagementEvent(click: click, time: clock()))
    }

    /// Appends the open event, flagged as a machine's by the rules; returns the event once it is on disk.
    @discardableResult
    public func record(_ open: TrackedOpen, client: String?, userAgent: String?) throws -> EngagementEvent {
        let now = clock()
        let event = EngagementEvent(open: open, machine: machineRules.isMachine(client: client, userAgent: userAgent, sent: open.sent, now: now),
                                    time: now)
        try events.append(event)
        return event
    }
}
