// `delivery:` and `dkim:` in gazette.yml: how a publish sends. Secrets are not here: the SMTP password,
// the DKIM key and the unsubscribe secret come from the environment (GAZETTE_SMTP_PASSWORD, GAZETTE_DKIM_KEY
// or GAZETTE_DKIM_KEY_FILE, GAZETTE_UNSUBSCRIBE_SECRET).

/// Settings of the delivery.
public struct DeliverySettings: Sendable, Equatable {
    /// `outbox:DIR`, `smtp://[user@]host[:port]`, `smtps://…`, `direct`.
    public var via = "outbox:outbox"
    /// Connections (and worker threads) at once.
    public var concurrency = 4
    /// Messages per second at most; nil: as fast as the relay takes them.
    public var ratePerSecond: Double?
    /// Sliding-window caps a relay imposes, counted across runs from the logs.
    public var maxPerHour: Int?
    public var maxPerDay: Int?
    /// The envelope sender (bounces go there); the From address when unset.
    public var returnPath: String?
    /// VERP: `bounces+ada=example.org@domain`, so a bounce names its recipient.
    public var verp = false
    /// Feedback-ID header (Gmail's feedback loop); the issue's slug is put in front.
    public var feedbackID: String?
    /// A PEM file of CAs to trust for a private relay, besides the system store.
    public var caFile: String?
    /// How many times a 4xx is retried within one run before the recipient is left `deferred`.
    public var retries = 3
    /// Seconds before the first retry of a 4xx (doubling after each).
    public var retryDelay: Double = 2
    /// Our name in EHLO (relay and direct; `direct.helo` wins for direct); nil: the machine's FQDN.
    public var helo: String?
    /// DKIM signing domain and selector; the key comes from the environment.
    public var dkimDomain: String?
    public var dkimSelector: String?

    public init() {}

    static let knownKeys = ["via", "concurrency", "rate", "max_per_hour", "max_per_day", "return_path", "verp",
                            "feedback_id", "ca_file", "retries", "retry_delay", "helo"]

    init(delivery: YAMLReader?, dkim: YAMLReader?) throws {
        if let delivery {
            for key in delivery.keys where !Self.knownKeys.contains(key) {
                throw DiagnosticError(.error("setting-unknown", "unknown setting `delivery.\(key)`", at: delivery.location(ofKey: key),
                                             hint: "known settings: \(Self.knownKeys.joined(separator: ", "))"))
            }
            via = try delivery.string("via") ?? via
            concurrency = try delivery.int("concurrency") ?? concurrency
            guard (1...64).contains(concurrency) else {
                throw DiagnosticError(.error("setting-invalid", "`delivery.concurrency` is \(concurrency); it must be 1 to 64",
                                             at: delivery.location(ofKey: "concurrency")))
            }
            ratePerSecond = try delivery.double("rate")
            if let rate = ratePerSecond, rate <= 0 {
                throw DiagnosticError(.error("setting-invalid", "`delivery.rate` must be a positive number of messages per second",
                                             at: delivery.location(ofKey: "rate")))
            }
            maxPerHour = try delivery.int("max_per_hour")
            maxPerDay = try delivery.int("max_per_day")
            returnPath = try delivery.string("return_path")
            verp = try delivery.bool("verp") ?? false
            feedbackID = try delivery.string("feedback_id")
            caFile = try delivery.string("ca_file")
            helo = try delivery.string("helo")
            retries = try delivery.int("retries") ?? retries
            retryDelay = try delivery.double("retry_delay") ?? retryDelay
            guard (0...10).contains(retries), retryDelay >= 0 else {
                throw DiagnosticError(.error("setting-invalid", "`delivery.retries` must be 0 to 10 and `delivery.retry_delay` 0 or more",
                                             at: delivery.location(ofKey: "retries")))
            }
        }
        if let dkim {
            for key in dkim.keys where !["domain", "selector"].contains(key) {
                throw DiagnosticError(.error("setting-unknown", "unknown setting `dkim.\(key)`", at: dkim.location(ofKey: key),
                                             hint: "dkim takes domain and selector; the key comes from GAZETTE_DKIM_KEY or GAZETTE_DKIM_KEY_FILE"))
            }
            dkimDomain = try dkim.requiredString("domain", hint: "add `domain: example.org` under `dkim`")
            dkimSelector = try dkim.requiredString("selector", hint: "add `selector: gazette` under `dkim`")
        }
    }
}
