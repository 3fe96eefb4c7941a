// What `gazette publish` is asked to do.
import Foundation

/// Options of one publish run.
public struct PublishOptions: Sendable {
    /// The issue: number, slug, file name or path.
    public var issue: String
    /// Overrides `delivery.via` for this run: a transport name or URL, or several separated by commas.
    public var via: String?
    /// Trust this PEM CA file for the relay (besides the system store).
    public var caFile: String?
    /// Render and validate every message; send nothing, write no log.
    public var dryRun = false
    /// Send to at most this many recipients in this run.
    public var limit: Int?
    /// Send one message, subject prefixed with [TEST], to this address; no log.
    public var testTo: String?
    /// Only this shard of the audience, with its own log.
    public var shard: Shard?
    /// Leave `uncertain` recipients alone instead of re-sending (at-most-once for them).
    public var skipUncertain = false
    /// Continue although the issue's content changed since the log began.
    public var force = false
    /// `--ab-winner`: the winning subject of an A/B test (`A`…`D`, `1`…`4` or `auto`), which sends the rest;
    /// nil: the front matter's `ab_winner:`, or else the test phase only.
    public var abWinner: String?
    /// Overrides `delivery.concurrency`.
    public var concurrency: Int?
    /// Seconds before the first retry of a 4xx within the run (doubling each time); nil: `delivery.retry_delay`.
    public var retryDelay: TimeInterval?
    /// Seconds the run waits for deferred recipients' next tries; nil: `delivery.max_wait`.
    public var maxWait: TimeInterval?
    /// Where secrets come from (GAZETTE_SMTP_PASSWORD, GAZETTE_DKIM_KEY, GAZETTE_DKIM_KEY_FILE, GAZETTE_UNSUBSCRIBE_SECRET).
    public var environment: [String: String] = ProcessInfo.processInfo.environment

    public init(issue: String) { self.issue = issue }
}
