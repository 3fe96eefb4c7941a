// The `tracking:` block of gazette.yml: opt-in click redirects and an open pixel, both off by default
// (docs/tracking.md). Where the links point: `tracking.url`, else the origin of `unsubscribe.url` (the server
// that already answers the unsubscribe links); `check` refuses tracking without either.
import Foundation
import Markup

/// The `tracking:` settings.
public struct TrackingSettings: Sendable, Equatable {
    /// Rewrite the HTML part's http(s) links to `<base>/c/<token>`.
    public var clicks = false
    /// Add a 1×1 pixel `<base>/o/<token>.gif` at the end of the HTML body.
    public var opens = false
    /// The origin `gazette serve` answers on (`https://news.example.org`), when it is not `unsubscribe.url`'s.
    public var url: String?
    /// Where consent to tracking is collected (`subscribe form checkbox, privacy policy of 2026-11`): a note for
    /// the record; without it `check` reminds you to get consent.
    public var consent: String?
    /// The file of IP ranges whose opens count as machine opens (Apple Mail Privacy Protection's proxies).
    public var machineRanges = "tracking/machine-ranges.txt"
    /// Where the block and its keys were written, for diagnostics.
    var location: SourceLocation?

    public var isOn: Bool { clicks || opens }

    static let known = ["clicks", "opens", "url", "consent", "machine_ranges"]

    public init() {}

    init(reading reader: YAMLReader?, at location: SourceLocation) throws {
        guard let reader else { return }
        self.location = location
        for key in reader.keys where !Self.known.contains(key) {
            throw DiagnosticError(.error("setting-unknown", "unknown tracking setting `tracking.\(key)`", at: reader.location(ofKey: key),
                                         hint: "known settings: \(Self.known.joined(separator: ", "))"))
        }
        clicks = try reader.bool("clicks") ?? false
        opens = try reader.bool("opens") ?? false
        consent = try reader.string("consent").flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        machineRanges = try reader.string("machine_ranges") ?? machineRanges
        if let text = try reader.string("url") {
            guard let origin = Self.origin(of: text), origin == Self.trimmed(text) else {
                throw DiagnosticError(.error("setting-invalid", "`tracking.url` is not an http(s) origin: \"\(text)\"",
                                             at: reader.location(ofKey: "url"),
                                             hint: "give the scheme and host `gazette serve` answers on, like https://news.example.org (links go to <it>/c/… and <it>/o/…)"))
            }
            url = origin
        }
    }

    /// `https://news.example.org` of `https://news.example.org/u/x?a=b`: scheme, host and port; nil unless http(s)
    /// with a host.
    static func origin(of url: String) -> String? {
        guard var components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else { return nil }
        components.path = ""
        components.query = nil
        components.fragment = nil
        components.user = nil
        components.password = nil
        return components.string.map(trimmed)
    }

    static func trimmed(_ url: String) -> String { url.hasSuffix("/") ? String(url.dropLast()) : url }
}

extension Configuration {
    /// The origin of `unsubscribe.url`: where `gazette serve` answers, so confirmation and tracking links go there
    /// unless told otherwise.
    var servedOrigin: String? { unsubscribeURL.flatMap(TrackingSettings.origin(of:)) }

    /// The origin tracked links point at: `tracking.url`, else the origin of `unsubscribe.url`; nil with neither.
    public var trackingBase: String? { tracking.url ?? servedOrigin }
}
