// gazette.yml: the newsletter's settings. No secrets live here (they come from the environment);
// `check` warns when something that looks like one does.
import Foundation
import Markup

/// The settings of a newsletter repository, read from `gazette.yml`.
public struct Configuration: Sendable {
    public static let fileName = "gazette.yml"

    public struct Sender: Sendable, Equatable {
        public var name: String
        public var address: String
    }

    /// How links appear in the plain-text part.
    public enum TextLinkStyle: String, Sendable { case references, inline }

    public var name: String
    public var description: String
    /// Absolute URL of the web archive, always ending with `/`.
    public var baseURL: String
    public var language: String
    public var sender: Sender
    public var replyTo: String?
    public var postalAddress: String?
    public var unsubscribeURL: String?
    public var unsubscribeMailto: String?
    /// How long a double opt-in confirmation link stays valid (`subscribe.confirm_expires`, default 7 days).
    public var confirmExpiry: TimeSpan
    /// Where confirmation links point (`subscribe.confirm_url`, `<base>/confirm` of the served site); nil: the
    /// origin of `unsubscribe.url` followed by `/confirm`, or the server's own address.
    public var confirmURL: String?
    /// Values for subscriber fields that are empty, and for web pages (which have no subscriber).
    public var personalizationDefaults: [String: String]
    public var textLinks: TextLinkStyle
    public var textWidth: Int
    public var checks: CheckThresholds
    /// How a publish sends (`delivery:` and `dkim:`).
    public var delivery: DeliverySettings
    /// How `direct` delivery reaches MX hosts (`direct:`).
    public var direct: DirectSettings
    /// The soft-bounce rule of `bounces import` (`bounces:`).
    public var bounces: BounceSettings
    /// Opt-in engagement tracking (`tracking:`), off unless asked for.
    public var tracking: TrackingSettings
    /// `serve:`: the reverse proxies `gazette serve` trusts to name the client.
    public var serve = ServeSettings()
    /// The first delivery of the chain as a URL (`outbox:DIR`, `smtp://…`, `smtps://…`).
    public var deliveryVia: String { delivery.via }
    /// Every scalar setting with its location, for the secret check.
    var scalarSettings: [(key: String, value: String, location: SourceLocation)] = []
    /// Where a top-level key was written, for diagnostics that point into gazette.yml.
    var keyLocations: [String: SourceLocation] = [:]

    static let knownKeys = ["name", "description", "base_url", "language", "sender", "reply_to", "postal_address",
                            "unsubscribe", "subscribe", "personalization", "text", "checks", "delivery", "dkim", "direct", "bounces", "tracking", "serve"]

    /// Parses gazette.yml's text; `path` names it in diagnostics.
    public init(yaml text: String, path: String = Configuration.fileName) throws {
        let reader = try YAMLReader(parsing: text, file: path)
        for key in reader.keys where !Self.knownKeys.contains(key) {
            throw DiagnosticError(.error("setting-unknown", "unknown setting `\(key)`", at: reader.location(ofKey: key),
                                         hint: "known settings: \(Self.knownKeys.joined(separator: ", "))"))
        }
        name = try reader.requiredString("name", hint: "add `name: \"My Newsletter\"`")
        description = try reader.string("description") ?? ""
        var base = try reader.requiredString("base_url", hint: "add `base_url: \"https://example.org/newsletter/\"`, the web archive's address")
        guard let url = URL(string: base), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw DiagnosticError(.error("setting-invalid", "`base_url` is not an absolute http(s) URL: \"\(base)\"",
                                         at: reader.location(ofKey: "base_url"),
                                         hint: "write it like https://example.org/newsletter/"))
        }
        // Links are resolved against it (RFC 3986) and pages are named under it: a query or fragment would be
        // lost or glued onto every page's path.
        if URLReference(base).query != nil || URLReference(base).fragment != nil {
            throw DiagnosticError(.error("setting-invalid", "`base_url` has a query or fragment: \"\(base)\"",
                                         at: reader.location(ofKey: "base_url"),
                                         hint: "give the folder where public/ is served, like https://example.org/newsletter/"))
        }
        if !base.hasSuffix("/") { base += "/" }
        baseURL = base
        language = try reader.string("language") ?? "en"
        guard let senderReader = try reader.mapping("sender") else {
            throw DiagnosticError(.error("setting-missing", "`sender` is missing", at: reader.location(of: reader.node),
                                         hint: "add `sender: { name: \"Newsletter\", address: \"news@example.org\" }`"))
        }
        sender = Sender(
            name: try senderReader.string("name") ?? name,
            address: try senderReader.requiredString("address", hint: "add `address: news@example.org` under `sender`"))
        replyTo = try reader.string("reply_to")
        postalAddress = try reader.string("postal_address")
        let unsubscribe = try reader.mapping("unsubscribe")
        unsubscribeURL = try unsubscribe?.string("url")
        unsubscribeMailto = try unsubscribe?.string("mailto")
        let subscribe = try reader.mapping("subscribe")
        let expires = try subscribe?.string("confirm_expires") ?? "7d"
        guard let expiry = TimeSpan(expires) else {
            throw DiagnosticError(.error("setting-invalid", "`subscribe.confirm_expires` is \"\(expires)\"",
                                         at: subscribe?.location(ofKey: "confirm_expires"), hint: TimeSpan.hint))
        }
        confirmExpiry = expiry
        confirmURL = try subscribe?.string("confirm_url")
        personalizationDefaults = try reader.mapping("personalization")?.stringMap("defaults") ?? [:]
        let text = try reader.mapping("text")
        let links = try text?.string("links") ?? "references"
        guard let style = TextLinkStyle(rawValue: links) else {
            throw DiagnosticError(.error("setting-invalid", "`text.links` is \"\(links)\"; expected references or inline",
                                         at: text?.location(ofKey: "links")))
        }
        textLinks = style
        textWidth = try text?.int("width") ?? 72
        guard (20...78).contains(textWidth) else {
            throw DiagnosticError(.error("setting-invalid", "`text.width` is \(textWidth); it must be between 20 and 78",
                                         at: text?.location(ofKey: "width"), hint: "72 reads well in every client"))
        }
        checks = try CheckThresholds(reading: reader.mapping("checks"))
        delivery = try DeliverySettings(delivery: reader.mapping("delivery"), dkim: reader.mapping("dkim"))
        direct = try DirectSettings(direct: reader.mapping("direct"), deliveryHelo: delivery.helo)
        bounces = try BounceSettings(reading: reader.mapping("bounces"))
        tracking = try TrackingSettings(reading: reader.mapping("tracking"), at: reader.location(ofKey: "tracking"))
        serve = try ServeSettings(reading: reader.mapping("serve"))
        scalarSettings = reader.allScalars()
        for key in reader.keys { keyLocations[key] = reader.location(ofKey: key) }
    }

    /// The location of a top-level setting in gazette.yml.
    public func location(of key: String) -> SourceLocation {
        keyLocations[key] ?? SourceLocation(path: Configuration.fileName)
    }
}
