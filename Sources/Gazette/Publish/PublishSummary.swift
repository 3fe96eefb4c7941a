// What a publish run did, counted: the summary line, `--format json`, and the exit status.

/// Counts of one run.
public struct PublishSummary: Sendable, Equatable {
    public var sent = 0
    public var deferred = 0
    public var failed = 0
    public var invalid = 0
    public var uncertain = 0
    /// In the audience but in suppressed.csv.
    public var suppressed = 0
    /// Listed twice (in one or several lists).
    public var duplicates = 0
    /// Done in an earlier run (sent, failed or invalid).
    public var alreadyDone = 0
    /// Belonging to another shard.
    public var otherShard = 0
    /// Rows outside the segment (`audience:`).
    public var outsideSegment = 0
    /// Rows of a list that could not be read.
    public var rowProblems = 0
    /// Not attempted because of --limit, a stop signal or a cap.
    public var notAttempted = 0
    /// Messages composed and validated by a --dry-run (nothing sent).
    public var composed = 0
    /// Hard bounces whose append to suppressed.csv failed (disk full, permissions). The publish log keeps their
    /// failure, so `gazette subscribers sync` can still fold them in; the summary says so.
    public var suppressionNotRecorded = 0
    /// Run was interrupted by SIGINT or SIGTERM, or stopped by the run itself (`stopReason`).
    public var interrupted = false
    /// Why the run stopped itself before the end: the relay stopped answering.
    public var stopReason: String?
    /// An A/B test: the phase this run sent, the rest it held back (test phase) and the winner (winner phase).
    public var abPhase: ABPhase?
    public var abHeld = 0
    public var abWinner: String?
    public var abWinnerReason: String?

    /// `--format json`'s `ab` object: phase, held, waiting_for_winner, winner and its reason; nil without a test.
    public var abJSON: [String: Any]? {
        guard let abPhase else { return nil }
        var object: [String: Any] = ["phase": abPhase.rawValue, "held": abHeld, "waiting_for_winner": abWaitingForWinner]
        if let abWinner { object["winner"] = abWinner }
        if let abWinnerReason { object["winner_reason"] = abWinnerReason }
        return object
    }

    /// The test phase ran and the rest waits for a winner: resumable, nothing wrong.
    public var abWaitingForWinner: Bool { abPhase == .test }

    public init() {}

    mutating func count(_ status: RecipientStatus) {
        switch status {
        case .sent: sent += 1
        case .deferred: deferred += 1
        case .failed: failed += 1
        case .invalid: invalid += 1
        case .uncertain: uncertain += 1
        }
    }

    public var attempted: Int { sent + deferred + failed + invalid + uncertain }

    /// 0 when everyone is in a final state (sent, failed, invalid: failures are reported, not retried),
    /// 75 (EX_TEMPFAIL) when some are left for a rerun: deferred, uncertain, not attempted, interrupted, or an
    /// A/B test's rest waiting for its winner.
    /// Errors in the content or settings never get this far: they exit 1 before anything is sent.
    public var exitStatus: Int32 {
        recipientsLeft || abWaitingForWinner ? 75 : 0
    }

    /// Recipients are left for a rerun of this phase: interrupted, deferred, uncertain or not attempted.
    public var recipientsLeft: Bool { interrupted || deferred > 0 || uncertain > 0 || notAttempted > 0 }

    public var dictionary: [String: Int] {
        var counts = ["sent": sent, "deferred": deferred, "failed": failed, "invalid": invalid, "uncertain": uncertain,
         "suppressed": suppressed, "duplicates": duplicates, "already_done": alreadyDone, "other_shard": otherShard, "outside_segment": outsideSegment,
         "row_problems": rowProblems, "not_attempted": notAttempted, "composed": composed,
         "suppression_not_recorded": suppressionNotRecorded]
        if abPhase != nil { counts["ab_held"] = abHeld }
        return counts
    }
}
