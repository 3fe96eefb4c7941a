// The pipeline as GitLab CI (.gitlab-ci.yml). What a step does is CIPipeline's; this file only says how GitLab
// spells it: rules, script and after_script, resource groups, one job per shard, allowed exit codes.
import Yams

/// Writes `.gitlab-ci.yml`.
public enum GitLabPipeline {
    public static let path = ".gitlab-ci.yml"

    public static func text(_ pipeline: CIPipeline) throws -> String {
        var pairs: [(String, Node?)] = [
            ("workflow", CIYAML.map([("rules", CIYAML.list([
                CIYAML.map([("if", Node("$CI_PIPELINE_SOURCE == \"merge_request_event\""))]),
                CIYAML.map([("if", Node("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"))]),
            ]))])),
            ("default", CIYAML.map([("image", Node(pipeline.settings.image))])),
            ("stages", CIYAML.flowList(["check", "publish"])),
        ]
        for job in pipeline.jobs {
            if job.shards > 1 {
                // One job per shard, each with its own lock, rather than `parallel:` (whose index a resource_group
                // cannot name for certain): shard K of one pipeline waits for shard K of the one before.
                pairs.append((".\(job.id)", self.job(job, shard: nil, settings: pipeline.settings)))
                for index in 1...job.shards {
                    pairs.append(("\(job.id) \(index)/\(job.shards)", self.job(job, shard: index, settings: pipeline.settings)))
                }
            } else {
                pairs.append((job.id, self.job(job, shard: nil, settings: pipeline.settings)))
            }
        }
        return try CIYAML.text(CIYAML.map(pairs), header: [
            "Written by `gazette init --ci gitlab`: checks merge requests, publishes the issues that are ready",
            "on the default branch and commits the publish logs back. A pipeline schedule on the default branch",
            "(CI/CD → Schedules, e.g. hourly: \(pipeline.settings.sequencesCron)) runs only the sequences job, which sends the",
            "due sequence steps and commits their logs back. See README, \"Publishing from CI\".",
            "CI/CD variables (masked): GAZETTE_SMTP_PASSWORD, GAZETTE_DKIM_KEY, GAZETTE_UNSUBSCRIBE_SECRET,",
            "GAZETTE_PUSH_TOKEN (a project access token with write_repository, for the log commit).",
            "Optional: GAZETTE_VIA (relay URL; default delivery.via), GAZETTE_SOURCE and GAZETTE_REF (to build gazette),",
            "GAZETTE_BOUNCES and GAZETTE_UNSUBSCRIBE_MAILDIR (Maildirs folded into suppressed.csv before the commit-back).",
        ])
    }

    /// A job; with shards, `shard` nil is the hidden template `.publish` and an index is one shard's small job.
    static func job(_ job: CIJob, shard: Int?, settings: CISettings) -> Node {
        if job.shards > 1, let shard {
            return CIYAML.map([
                ("extends", Node(".\(job.id)")),
                ("resource_group", Node("gazette-\(job.id)-\(shard)-of-\(job.shards)")),
                ("variables", CIYAML.map([("GAZETTE_SHARD", Node("\(shard)/\(job.shards)"))])),
            ])
        }
        let rules: Node
        switch job.trigger {
        case .pullRequest:
            rules = CIYAML.list([CIYAML.map([("if", Node("$CI_PIPELINE_SOURCE == \"merge_request_event\""))])])
        case .defaultBranch:
            rules = CIYAML.list([
                // Guard 3 of 3: never for a commit by the bot itself; and a scheduled pipeline is the sequences'.
                CIYAML.map([("if", Node("$CI_COMMIT_AUTHOR =~ /\(settings.botName)/")), ("when", Node("never"))]),
                CIYAML.map([("if", Node("$CI_PIPELINE_SOURCE == \"schedule\"")), ("when", Node("never"))]),
                CIYAML.map([("if", Node("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE != \"merge_request_event\""))]),
            ])
        case .schedule:
            // A pipeline schedule (CI/CD → Schedules) on the default branch; the cron lives there, not in this file.
            rules = CIYAML.list([
                CIYAML.map([("if", Node("$CI_PIPELINE_SOURCE == \"schedule\" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"))]),
            ])
        }
        var variables = job.environment.compactMap { name, source in value(source, job: job).map { (name, Node($0)) } }
        if job.resumableStatus != nil {
            // Without these, a timed-out job skips after_script: the script stops first, the commit step gets the rest.
            variables += [("RUNNER_SCRIPT_TIMEOUT", Node("\(job.timeoutMinutes - 8)m")),
                          ("RUNNER_AFTER_SCRIPT_TIMEOUT", Node("7m"))]
        }
        let scripts = job.steps.compactMap { step -> (CIStep, String)? in
            if case .script(let text) = step.kind { return (step, text) }
            return nil
        }
        let artifacts = job.steps.flatMap { step -> [String] in
            if case .keepArtifacts(let paths) = step.kind { return paths }
            return []
        }
        return CIYAML.map([
            ("stage", Node(job.trigger == .pullRequest ? "check" : "publish")),
            ("rules", rules),
            ("timeout", Node("\(job.timeoutMinutes) minutes")),
            // One lock for the publish and the sequences job: the two never send (or push) at once.
            ("resource_group", job.serialized && job.shards == 1 ? Node("gazette-publish") : nil),
            ("variables", variables.isEmpty ? nil : CIYAML.map(variables)),
            ("script", CIYAML.list(scripts.filter { !$0.0.always }.map { scriptItem($0.0, $0.1) })),
            ("after_script", scripts.contains { $0.0.always }
                ? CIYAML.list(scripts.filter { $0.0.always }.map { scriptItem($0.0, $0.1) }) : nil),
            ("allow_failure", job.resumableStatus.map { CIYAML.map([("exit_codes", .sequence(Node.Sequence([CIYAML.number(Int($0))], .implicit, .flow)))]) }),
            ("artifacts", artifacts.isEmpty ? nil : CIYAML.map([
                ("when", Node("always")), ("expire_in", Node("30 days")), ("paths", CIYAML.list(artifacts.map { Node($0) })),
            ])),
        ])
    }

    /// A script line: the step's name as a comment, then its commands (GitLab echoes each item into the log).
    static func scriptItem(_ step: CIStep, _ text: String) -> Node {
        CIYAML.script("# \(step.name)\n" + text)
    }

    static func value(_ value: CIValue, job: CIJob) -> String? {
        switch value {
        case .secret, .variable: nil  // GitLab puts CI/CD variables in every job's environment already
        case .defaultBranch: "$CI_DEFAULT_BRANCH"
        case .shard: nil  // set by each shard's job
        case .runName: "$CI_PIPELINE_URL"
        case .pushURL: "https://gazette-bot:${GAZETTE_PUSH_TOKEN}@${CI_SERVER_HOST}/${CI_PROJECT_PATH}.git"
        }
    }
}
