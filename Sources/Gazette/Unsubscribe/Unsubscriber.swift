// What `gazette serve` does for a click, without HTTP: check the token, append the event (fsync'd) once per
// address and list for the life of the process, and say whether it was new. The server only maps this to responses.
import Foundation

/// Accepts unsubscribe requests into an events file. Safe to share between request handlers.
public final class Unsubscriber: @unchecked Sendable {  // `recorded` is guarded by `lock`
    public enum Outcome: Sendable, Equatable {
        /// Appended to the events file and on disk.
        case recorded
        /// The same address and list was recorded earlier by this process: nothing written again.
        case alreadyRecorded
    }

    public let link: UnsubscribeLink
    public let events: EventsFile
    private let clock: @Sendable () -> Date
    private let lock = NSLock()
    /// Targets already on disk; replays of one link (a mail client retrying, a scanner) add no lines.
    private var recorded: Set<String> = []
    private static let recordedLimit = 100_000

    public init(secret: String, events: EventsFile, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.link = UnsubscribeLink(baseURL: nil, mailto: nil, secret: secret)
        self.events = events
        self.clock = clock
    }

    /// The recipient a link's query names, or nil for a forged, moved or truncated token.
    public func target(token: String?, email: String?, list: String?) -> UnsubscribeTarget? {
        link.target(token: token, email: email, list: list)
    }

    /// Records that `target` unsubscribed; returns once the event is fsync'd (so the caller may acknowledge).
    /// Blocks on the disk: call it off the event loop.
    public func unsubscribe(_ target: UnsubscribeTarget, via channel: UnsubscribeEvent.Channel) throws -> Outcome {
        let key = target.address + "\n" + target.list
        if lock.withLock({ recorded.contains(key) }) { return .alreadyRecorded }
        try events.append(UnsubscribeEvent(target: target, via: channel, time: clock()))
        lock.withLock {
            if recorded.count >= Self.recordedLimit { recorded.removeAll(keepingCapacity: true) }  // bounded memory
            recorded.insert(key)
        }
        return .recorded
    }
}
