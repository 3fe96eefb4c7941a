// Applies a step's due rule to the recipients its audience yields, and counts the ones it turns away. One per
// step per run; `claimed` is shared by the steps of one sequence run, so that a subscriber gets at most one step
// per run (the next one waits for the next run, an hour later in CI).
import Foundation

/// The rows a step leaves for later, or for good, counted.
public struct StepCounts: Sendable, Equatable {
    /// Due now and not in the step's log as done.
    public var due = 0
    /// Not due yet.
    public var waiting = 0
    /// More overdue than the catch-up window: skipped for good.
    public var tooLate = 0
    /// No usable subscribed_at: skipped (with a warning naming the row).
    public var noDate = 0
    /// Due, but another step of this sequence went to them in this run: the next run sends it.
    public var nextRun = 0

    public init() {}

    public var dictionary: [String: Int] {
        ["due": due, "waiting": waiting, "too_late": tooLate, "no_subscribed_at": noDate, "next_run": nextRun]
    }
}

/// Addresses (their `AddressKey.hash64`) that one step of the sequence went to in this run.
final class ClaimedAddresses {
    var keys = Set<UInt64>()
}

/// Decides, row by row, whom a step is sent to now.
final class StepAdmission {
    let schedule: StepSchedule
    let state: PublishLogState
    let claimed: ClaimedAddresses
    private(set) var counts = StepCounts()
    /// Rows without a usable subscribed_at, in the order met.
    private(set) var undated: [SourceLocation] = []

    init(schedule: StepSchedule, state: PublishLogState, claimed: ClaimedAddresses) {
        self.schedule = schedule
        self.state = state
        self.claimed = claimed
    }

    /// Whether `subscriber` (not done in the step's log, not suppressed, in the audience) gets the step now;
    /// `claim` marks them as served by this run (a real run; a count leaves no mark).
    func admit(_ subscriber: Subscriber, claim: Bool) -> Bool {
        let key = subscriber.key.hash64
        let inLog = state.status(ofKey: key) != nil
        switch schedule.decide(subscribedAt: subscriber.fields["subscribed_at"], inLog: inLog) {
        case .due:
            if claimed.keys.contains(key) {
                counts.nextRun += 1
                return false
            }
            if claim { claimed.keys.insert(key) }
            counts.due += 1
            return true
        case .waiting:
            counts.waiting += 1
        case .tooLate:
            counts.tooLate += 1
        case .noDate:
            counts.noDate += 1
            undated.append(subscriber.location)
        }
        return false
    }
}
