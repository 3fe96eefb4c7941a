// The parts of a publish that a sequence step's send shares with an issue's: render and check, the deliveries
// and secrets of a run, the composer, and the logged send (header, run-start, outcomes, run-end).
import Foundation
import Mail

extension Publisher {
    /// Renders and checks `issue` (or a sequence step); throws its errors, so that content with errors is never sent.
    func prepare(_ issue: IssueSource, templates: TemplateSet) throws -> PreparedIssue {
        let configuration = project.configuration
        let rendered: RenderedIssue
        do {
            rendered = try IssueRenderer(project: project, templates: templates).render(issue)
        } catch let error as DiagnosticError {
            throw DiagnosticError(issue.errors + error.diagnostics)
        }
        let findings = issue.errors + ProjectChecker(configuration: configuration).check()
            + IssueChecker(configuration: configuration).check(rendered)
        let errors = findings.filter { $0.severity == .error }
        if !errors.isEmpty { throw DiagnosticError(errors) }
        return rendered.prepared
    }

    /// The deliveries, the DKIM signer and the unsubscribe links of a run: made once, shared by every message
    /// (and by every step of a sequence run).
    struct SendSetup {
        let chain: DeliveryChain
        let signer: DKIMSigner?
        let unsubscribe: UnsubscribeLink
        let warnings: [Diagnostic]
    }

    func makeSetup() throws -> SendSetup {
        let configuration = project.configuration
        var warnings: [Diagnostic] = []
        let chain = try makeChain()
        let realSend = !options.dryRun && chain.links.contains { !($0.transport is OutboxTransport) }
        let (secret, secretWarning) = try PublishSecrets.unsubscribeSecret(environment: options.environment, realSend: realSend)
        if let secretWarning { warnings.append(secretWarning) }
        let (signer, dkimWarnings) = try PublishSecrets.signer(configuration: configuration, environment: options.environment,
                                                               realSend: realSend)
        warnings += dkimWarnings
        let unsubscribe = UnsubscribeLink(baseURL: configuration.unsubscribeURL, mailto: configuration.unsubscribeMailto, secret: secret)
        return SendSetup(chain: chain, signer: signer, unsubscribe: unsubscribe, warnings: warnings)
    }

    func makeComposer(_ prepared: PreparedIssue, setup: SendSetup, subjectPrefix: String = "") throws -> MessageComposer {
        try MessageComposer(configuration: project.configuration, prepared: prepared, signer: setup.signer,
                            unsubscribe: setup.unsubscribe, subjectPrefix: subjectPrefix)
    }

    /// The first line of a new log.
    static func header(for prepared: PreparedIssue) -> LogRecord {
        var header = LogRecord(event: .header)
        header.version = 1
        header.issue = prepared.slug
        header.issuePath = prepared.sourcePath
        header.contentHash = prepared.contentHash
        return header
    }

    /// Sends to `audience` (those `admit` lets through, when given) and logs it: `header` first when the log is new,
    /// then run-start, every outcome, run-end. `log` nil is a dry run. Issues and sequence steps alike.
    /// `suppression` is read by the caller before it announces or opens anything: an unreadable suppressed.csv
    /// stops the run before a line is logged.
    func sendLogged(composer: MessageComposer, chain: DeliveryChain, log: PublishLog?, header: LogRecord?,
                    audience: Audience, suppression: SuppressionList, state: PublishLogState, admit: ((Subscriber) -> Bool)? = nil,
                    ab: ABPublishPlan? = nil, progress: @escaping @Sendable (PublishSummary) -> Void) throws -> PublishSummary {
        let configuration = project.configuration
        if let header { try log?.append(header) }
        var start = LogRecord(event: .runStart)
        start.pid = getpid()
        start.via = chain.description
        start.phase = ab?.phase
        start.winner = ab?.winnerLetter
        start.winnerReason = ab?.winnerReason
        try log?.append(start)

        let limiter = SendRateLimiter(perSecond: configuration.delivery.ratePerSecond,
                                      maxPerHour: configuration.delivery.maxPerHour, maxPerDay: configuration.delivery.maxPerDay,
                                      history: configuration.delivery.maxPerHour == nil && configuration.delivery.maxPerDay == nil
                                          ? [] : Self.sendHistory(in: project.url("logs")))
        let run = PublishRun(publisher: self, composer: composer, chain: chain, log: log, limiter: limiter,
                             suppression: suppression, configuration: configuration, ab: ab)
        var summary = try run.send(audience: audience, state: state, admit: admit, progress: progress)
        summary.interrupted = isStopping

        var end = LogRecord(event: .runEnd)
        end.summary = summary.dictionary
        // Rows left unread at a stop are not counted; the flag tells `gazette ci ready` the audience was not finished.
        end.summary?["interrupted"] = summary.interrupted ? 1 : 0
        end.phase = ab?.phase
        try log?.append(end)
        return summary
    }
}
