// The pipeline as a GitHub Actions workflow (.github/workflows/gazette.yml). What a step does is CIPipeline's;
// this file only says how GitHub spells it: triggers, conditions, secrets, matrix, concurrency.
import Yams

/// Writes `.github/workflows/gazette.yml`.
public enum GitHubWorkflow {
    public static let path = ".github/workflows/gazette.yml"
    /// The account GitHub's own token pushes as.
    static let botActor = "github-actions[bot]"

    public static func text(_ pipeline: CIPipeline) throws -> String {
        let ignored = CIPipeline.committedPaths
        let root = CIYAML.map([
            ("name", Node("Gazette")),
            ("on", CIYAML.map([
                ("pull_request", CIYAML.map([])),
                // A push of only the bot's log commit starts nothing (guard 2 of 3, README "Publishing from CI").
                ("push", CIYAML.map([("paths-ignore", CIYAML.flowList(ignored))])),
                ("workflow_dispatch", CIYAML.map([])),
                // The sequences job's clock; a schedule runs on the default branch only.
                ("schedule", CIYAML.list([CIYAML.map([("cron", Node(pipeline.settings.sequencesCron))])])),
            ])),
            ("permissions", CIYAML.map([("contents", Node("read"))])),
            // One publish at a time, queued, never cancelled; a pull request's newer push cancels its older check.
            ("concurrency", CIYAML.map([
                ("group", Node("gazette-${{ github.event_name == 'pull_request' && github.ref || 'publish' }}")),
                ("cancel-in-progress", Node("${{ github.event_name == 'pull_request' }}")),
            ])),
            ("defaults", CIYAML.map([("run", CIYAML.map([("shell", Node("bash"))]))])),
            ("jobs", CIYAML.map(pipeline.jobs.map { ($0.id, job($0, settings: pipeline.settings)) })),
        ])
        return try CIYAML.text(root, header: [
            "Written by `gazette init --ci github`: checks pull requests, publishes the issues that are ready",
            "on the default branch and commits the publish logs back; on a schedule (and when run by hand) sends the",
            "due sequence steps and commits their logs back. See README, \"Publishing from CI\".",
            "Secrets: GAZETTE_SMTP_PASSWORD, GAZETTE_DKIM_KEY, GAZETTE_UNSUBSCRIBE_SECRET.",
            "Variables: GAZETTE_VIA (relay URL; default delivery.via), GAZETTE_SOURCE and GAZETTE_REF (to build gazette),",
            "GAZETTE_BOUNCES and GAZETTE_UNSUBSCRIBE_MAILDIR (Maildirs folded into suppressed.csv before the commit-back).",
        ])
    }

    static func job(_ job: CIJob, settings: CISettings) -> Node {
        let condition: String
        switch job.trigger {
        case .pullRequest:
            condition = "github.event_name == 'pull_request'"
        case .defaultBranch:
            // Guard 3 of 3: never for a push by the bot itself, whatever token it pushed with.
            condition = "github.event_name != 'pull_request' && github.event_name != 'schedule'"
                + " && github.ref_name == github.event.repository.default_branch && github.actor != '\(botActor)'"
        case .schedule:
            condition = "(github.event_name == 'schedule' || github.event_name == 'workflow_dispatch')"
                + " && github.ref_name == github.event.repository.default_branch"
        }
        var environment = job.environment.compactMap { name, source in value(source, job: job).map { (name, Node($0)) } }
        environment += [("GAZETTE_SOURCE", Node("${{ vars.GAZETTE_SOURCE }}")), ("GAZETTE_REF", Node("${{ vars.GAZETTE_REF }}"))]
        return CIYAML.map([
            ("name", Node(job.shards > 1 ? "\(job.name) (shard ${{ matrix.shard }}/\(job.shards))" : job.name)),
            ("if", Node(condition)),
            ("runs-on", Node("ubuntu-latest")),
            ("container", Node(settings.image)),
            ("timeout-minutes", CIYAML.number(job.timeoutMinutes)),
            ("permissions", job.pushes ? CIYAML.map([("contents", Node("write"))]) : nil),
            ("strategy", job.shards > 1 ? CIYAML.map([
                ("fail-fast", CIYAML.bool(false)),
                ("matrix", CIYAML.map([("shard", .sequence(Node.Sequence((1...job.shards).map { CIYAML.number($0) }, .implicit, .flow)))])),
            ]) : nil),
            ("env", CIYAML.map(environment)),
            ("steps", CIYAML.list(job.steps.map { step($0, job: job) })),
        ])
    }

    static func step(_ step: CIStep, job: CIJob) -> Node {
        let condition: Node? = step.always ? Node("always()") : nil
        switch step.kind {
        case .checkout:
            return CIYAML.map([("name", Node(step.name)), ("uses", Node("actions/checkout@v4")),
                               ("with", job.pushes ? CIYAML.map([("fetch-depth", CIYAML.number(0))]) : nil)])
        case .script(let script):
            return CIYAML.map([("name", Node(step.name)), ("if", condition), ("run", CIYAML.script(script))])
        case .keepArtifacts(let paths):
            let name = job.shards > 1 ? "gazette-\(job.id)-shard-${{ matrix.shard }}-${{ github.run_attempt }}"
                                      : "gazette-\(job.id)-${{ github.run_attempt }}"
            return CIYAML.map([
                ("name", Node(step.name)), ("if", condition), ("uses", Node("actions/upload-artifact@v4")),
                ("with", CIYAML.map([("name", Node(name)), ("path", CIYAML.script(paths.joined(separator: "\n") + "\n")),
                                     ("if-no-files-found", Node("ignore"))])),
            ])
        }
    }

    static func value(_ value: CIValue, job: CIJob) -> String? {
        switch value {
        case .secret(let name): "${{ secrets.\(name) }}"
        case .variable(let name): "${{ vars.\(name) }}"
        case .defaultBranch: "${{ github.event.repository.default_branch }}"
        case .shard: "${{ matrix.shard }}/\(job.shards)"
        case .runName: "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}"
        case .pushURL: nil  // actions/checkout leaves a token that may push (permissions: contents: write)
        }
    }
}
