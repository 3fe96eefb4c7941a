// Who is due for a step, one rule for `sequences run` and `sequences list`: a subscriber is due when
// subscribed_at + after ≤ now; a step more overdue than the sequence's catch-up window is skipped for good (so a
// subscriber who joined long before the sequence existed does not get every old step at once); whoever the
// step's log already has is the log's to decide (done, or retried as a publish would).
import Foundation

/// The due rule of one step at one moment.
struct StepSchedule {
    let after: TimeInterval
    let catchUp: TimeInterval?
    let now: Date

    enum Decision: Equatable {
        /// Send now (or again: deferred or uncertain in the log).
        case due
        /// Not due yet: a later run sends it.
        case waiting
        /// More overdue than the catch-up window: never sent.
        case tooLate
        /// No usable `subscribed_at`.
        case noDate
    }

    /// The decision for a subscriber whose `subscribed_at` cell is `subscribedAt`; `inLog` says the step's log has
    /// an outcome for them that is not final (deferred, uncertain), which is retried whatever the window says.
    func decide(subscribedAt cell: String?, inLog: Bool) -> Decision {
        if inLog { return .due }
        guard let cell, let joined = SubscribedAt.date(cell) else { return .noDate }
        let dueAt = joined.addingTimeInterval(after)
        if dueAt > now { return .waiting }
        if let catchUp, now.timeIntervalSince(dueAt) > catchUp { return .tooLate }
        return .due
    }
}
