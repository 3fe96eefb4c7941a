// What `check` (and so publish) says about `tracking:`: an error when tracking is on and links would have
// nowhere to point, a warning while no consent note is written down (docs/tracking.md).

/// Findings about the tracking settings.
enum TrackingCheck {
    static func findings(_ configuration: Configuration) -> [Diagnostic] {
        let tracking = configuration.tracking
        guard tracking.isOn else { return [] }
        var findings: [Diagnostic] = []
        if configuration.trackingBase == nil { findings += missingBase(configuration).diagnostics }
        if tracking.consent == nil {
            findings.append(.warning(
                "tracking-consent", "tracking is on (\([tracking.clicks ? "clicks" : nil, tracking.opens ? "opens" : nil].compactMap { $0 }.joined(separator: " and "))): the GDPR and ePrivacy rules want your readers' consent to it",
                at: tracking.location,
                hint: "ask for consent when people subscribe, then write where under `tracking.consent` in gazette.yml (docs/tracking.md)"))
        }
        return findings
    }

    static func missingBase(_ configuration: Configuration) -> DiagnosticError {
        DiagnosticError(.error("tracking-url", "tracking is on but its links have nowhere to point: no `tracking.url` and no `unsubscribe.url`",
                               at: configuration.tracking.location,
                               hint: "set `tracking.url` to the origin `gazette serve` answers on, like https://news.example.org"))
    }
}
