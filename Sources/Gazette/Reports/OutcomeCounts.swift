// What happened to an issue's recipients (or one domain's share of them), and the rates a report shows.
// Rates are defined once here and in docs/report.md: delivery outcomes are shares of the attempted
// recipients, `invalid` of all recipients, bounces, complaints and unsubscribes of the sent ones.

/// Counts of outcomes and of what came back after the send.
public struct OutcomeCounts: Sendable, Equatable {
    public var sent = 0, deferred = 0, failed = 0, invalid = 0, uncertain = 0
    public var hardBounces = 0, softBounces = 0, complaints = 0, unsubscribes = 0

    public init() {}

    /// Everyone the logs name, in whatever final state.
    public var recipients: Int { sent + deferred + failed + invalid + uncertain }
    /// Recipients a message was offered to: all but `invalid`, for which nothing was sent.
    public var attempted: Int { recipients - invalid }
    /// The recipients that did not get the issue for now or for good: failed plus deferred.
    public var notDelivered: Int { failed + deferred }

    /// `part` of `whole`, 0 when the whole is 0.
    public static func rate(_ part: Int, of whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }

    /// The named rates, in the order the outputs show them, with what each is a share of.
    public var rates: [(name: String, value: Double)] {
        [("sent", Self.rate(sent, of: attempted)), ("deferred", Self.rate(deferred, of: attempted)),
         ("failed", Self.rate(failed, of: attempted)), ("uncertain", Self.rate(uncertain, of: attempted)),
         ("invalid", Self.rate(invalid, of: recipients)),
         ("hard_bounces", Self.rate(hardBounces, of: sent)), ("soft_bounces", Self.rate(softBounces, of: sent)),
         ("complaints", Self.rate(complaints, of: sent)), ("unsubscribes", Self.rate(unsubscribes, of: sent))]
    }

    /// Failed plus deferred, of attempted: what a provider's block raises.
    public var notDeliveredRate: Double { Self.rate(notDelivered, of: attempted) }

    /// The named counts, in the order the outputs show them.
    public var fields: [(name: String, value: Int)] {
        [("recipients", recipients), ("attempted", attempted), ("sent", sent), ("deferred", deferred), ("failed", failed),
         ("invalid", invalid), ("uncertain", uncertain), ("hard_bounces", hardBounces), ("soft_bounces", softBounces),
         ("complaints", complaints), ("unsubscribes", unsubscribes)]
    }

    mutating func add(_ status: RecipientStatus) {
        switch status {
        case .sent: sent += 1
        case .deferred: deferred += 1
        case .failed: failed += 1
        case .invalid: invalid += 1
        case .uncertain: uncertain += 1
        }
    }

    mutating func add(_ other: OutcomeCounts) {
        sent += other.sent; deferred += other.deferred; failed += other.failed; invalid += other.invalid
        uncertain += other.uncertain; hardBounces += other.hardBounces; softBounces += other.softBounces
        complaints += other.complaints; unsubscribes += other.unsubscribes
    }
}
