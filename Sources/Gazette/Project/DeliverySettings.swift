// `delivery:` and `dkim:` in gazette.yml: how a publish sends (`delivery.transports` is TransportSettings).
// Secrets are not here: the SMTP passwords, the DKIM key and the unsubscribe secret come from the environment
// (GAZETTE_SMTP_PASSWORD or a transport's password_env, GAZETTE_DKIM_KEY or GAZETTE_DKIM_KEY_FILE,
// GAZETTE_UNSUBSCRIBE_SECRET).

/// Settings of the delivery.
public struct DeliverySettings: Sendable, Equatable {
    /// The deliveries to try in order (`via: [relay-a, relay-b, direct]`, or one): names from `transports`,
    /// URLs (`outbox:DIR`, `smtp://[user@]host[:port]`, `smtps://…`, `direct:`) or `direct`.
    public var chain = ["outbox:outbox"]
    /// Named deliveries (`delivery.transports`), each with its own password variable and CA file.
    public var transports: [String: TransportSettings] = [:]
    /// The first delivery of the chain as a URL (a name resolved); setting it makes a chain of one.
    public var via: String {
        get { chain.first.map { transports[$0]?.url ?? $0 } ?? "outbox:outbox" }
        set { chain = [newValue] }
    }
    /// Seconds a publish waits for deferred recipients' next tries: when only recipients whose next try is
    /// further away than this remain, the run ends and leaves them `deferred` for the next run.
    public var maxWait: Double = 300
    /// Where `via` was written, for diagnostics.
    public var viaLocation = SourceLocation(path: Configuration.fileName)
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
    /// How many times a 4xx is retried within one run, on each delivery of the chain, before the recipient
    /// moves to the next delivery or, after the last, is left `deferred`.
    public var retries = 3
    /// Seconds before the first retry of a 4xx (doubling after each, ±20 % jitter); the recipient waits in the
    /// queue meanwhile, its connection goes on with others.
    public var retryDelay: Double = 2
    /// Our name in EHLO (relay and direct; `direct.helo` wins for direct); nil: the machine's FQDN.
    public var helo: String?
    /// DKIM signing domain and selector; the key comes from the environment.
    public var dkimDomain: String?
    public var dkimSelector: String?

    public init() {}

    static let knownKeys = ["via", "concurrency", "rate", "max_per_hour", "max_per_day", "return_path", "verp",
                            "feedback_id", "ca_file", "retries", "retry_delay", "max_wait", "transports", "helo"]

    init(delivery: YAMLReader?, dkim: YAMLReader?) throws {
        if let delivery {
            for key in delivery.keys where !Self.knownKeys.contains(key) {
                throw DiagnosticError(.error("setting-unknown", "unknown setting `delivery.\(key)`", at: delivery.location(ofKey: key),
                                             hint: "known settings: \(Self.knownKeys.joined(separator: ", "))"))
            }
            transports = try TransportSettings.read(delivery.mapping("transports"))
            viaLocation = delivery.location(ofKey: "via")
            chain = try delivery.strings("via") ?? chain
            try TransportSettings.validateChain(chain, transports: transports, at: viaLocation)
            maxWait = try delivery.double("max_wait") ?? maxWait
            guard maxWait >= 0 else {
                throw DiagnosticError(.error("setting-invalid", "`delivery.max_wait` must be 0 or more seconds",
                                             at: delivery.location(ofKey: "max_wait")))
            }
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
