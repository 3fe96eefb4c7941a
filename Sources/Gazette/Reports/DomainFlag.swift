// When a recipient domain's failures and deferrals stand out from its issue's: a provider-specific block
// (a blocklisting, throttling of the sending IP) shows as one domain far above the rest.

/// The rule that flags a domain row, as docs/report.md states it.
public enum DomainFlag {
    /// Fewer attempted recipients than this say nothing about a domain.
    public static let minimumAttempted = 20
    /// How far above the issue's rate a domain must be, in share points (0.10 = ten percentage points)…
    public static let margin = 0.10
    /// …and how many times the issue's rate.
    public static let factor = 2.0

    /// Whether `domain`'s failed-plus-deferred rate is far above `issue`'s.
    public static func isFlagged(_ domain: OutcomeCounts, in issue: OutcomeCounts) -> Bool {
        guard domain.attempted >= minimumAttempted else { return false }
        let rate = domain.notDeliveredRate, base = issue.notDeliveredRate
        return rate >= base + margin && rate >= base * factor
    }
}
