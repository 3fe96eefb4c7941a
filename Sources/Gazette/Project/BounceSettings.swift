// The soft-bounce rule of `bounces import`, under `bounces:` in gazette.yml: an address is suppressed after
// `soft_limit` soft bounces within `soft_window_days` days (3 in 30 by default, as most bulk mailers do).
// `--soft-limit` and `--soft-window` override them for one run.

/// The `bounces:` settings.
public struct BounceSettings: Sendable, Equatable {
    /// Soft bounces within the window that suppress an address.
    public var softLimit = 3
    /// The window, in days, counted back from the latest bounce.
    public var softWindowDays = 30

    static let known = ["soft_limit", "soft_window_days"]
    /// Longer windows would count bounces from mailboxes that have long since been fixed.
    static let maximumWindowDays = 3650

    public init() {}

    init(reading reader: YAMLReader?) throws {
        guard let reader else { return }
        for key in reader.keys where !Self.known.contains(key) {
            throw DiagnosticError(.error("setting-unknown", "unknown bounce setting `bounces.\(key)`",
                                         at: reader.location(ofKey: key),
                                         hint: "known settings: \(Self.known.joined(separator: ", "))"))
        }
        softLimit = try reader.int("soft_limit") ?? softLimit
        guard softLimit >= 1 else {
            throw DiagnosticError(.error("setting-invalid", "`bounces.soft_limit` is \(softLimit); it must be 1 or more",
                                         at: reader.location(ofKey: "soft_limit"),
                                         hint: "3 soft bounces is the usual limit; 1 suppresses on the first"))
        }
        softWindowDays = try reader.int("soft_window_days") ?? softWindowDays
        guard (1...Self.maximumWindowDays).contains(softWindowDays) else {
            throw DiagnosticError(.error(
                "setting-invalid", "`bounces.soft_window_days` is \(softWindowDays); it must be between 1 and \(Self.maximumWindowDays)",
                at: reader.location(ofKey: "soft_window_days"), hint: "30 days is the usual window"))
        }
    }
}
