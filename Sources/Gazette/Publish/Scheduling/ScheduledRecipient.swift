// A recipient as the scheduler holds it: where it is in the fallback chain, how often it was tried, and
// when it may be tried next.
import Foundation

/// One recipient on its way through a run.
struct ScheduledRecipient: Sendable {
    var recipient: Recipient
    /// Which delivery of the chain it tries (0: the first).
    var link = 0
    /// Attempts on that delivery so far.
    var attemptsOnLink = 0
    /// Attempts in all in this run (the log's `attempt`).
    var attempts = 0
    /// Not to be tried before this time (its backoff, or its key's pace).
    var notBefore = Date.distantPast
    /// Held back only by its key's pace, never tried: counted as not attempted if the run ends first.
    var parked = false

    init(recipient: Recipient) { self.recipient = recipient }
}
