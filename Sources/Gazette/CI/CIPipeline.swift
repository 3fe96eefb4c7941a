// The CI recipe, described once: the check job for pull requests, the publish job for the default branch and
// the scheduled sequences job (`gazette sequences run`), their steps and scripts. GitHubWorkflow and
// GitLabPipeline only translate it, so the two cannot drift.

/// A value a step's environment takes from the CI system.
public enum CIValue: Sendable, Equatable {
    /// A secret of the repository (GitHub `secrets.X`, a masked GitLab variable `$X`).
    case secret(String)
    /// An optional, non-secret variable (GitHub `vars.X`, a GitLab variable `$X`); empty when unset.
    case variable(String)
    /// The repository's default branch.
    case defaultBranch
    /// This job's shard as K/N (only in a sharded publish job).
    case shard
    /// A link or number naming this run, for the bot commit's message.
    case runName
    /// A remote URL that may push, where the CI's own checkout cannot (GitLab: a project access token).
    case pushURL
}

/// One step of a job.
public struct CIStep: Sendable {
    public enum Kind: Sendable, Equatable {
        /// Check out the repository (GitHub: actions/checkout; GitLab does it itself).
        case checkout
        /// A bash script.
        case script(String)
        /// Keep these paths as the job's artifacts, also when it failed or was cancelled.
        case keepArtifacts([String])
    }

    public var name: String
    public var kind: Kind
    /// Runs also after a failed, cancelled or timed-out step (GitHub `if: always()`, GitLab `after_script`).
    public var always = false
}

/// One job of the pipeline.
public struct CIJob: Sendable {
    /// `schedule`: a timed run on the default branch (GitHub `on.schedule`, a GitLab pipeline schedule), and a
    /// publish never runs on it.
    public enum Trigger: Sendable { case pullRequest, defaultBranch, schedule }

    /// The job's key in the YAML file.
    public var id: String
    public var name: String
    public var trigger: Trigger
    public var timeoutMinutes: Int
    /// One job per shard (matrix / parallel) when above 1.
    public var shards = 1
    /// Pushes to the repository (the bot commit).
    public var pushes = false
    /// Only one such job at a time across runs (GitHub concurrency group, GitLab resource_group).
    public var serialized = false
    /// Exit status 75 means "resumable": the step fails, and the job says so (see README, "Publishing from CI").
    public var resumableStatus: Int32? = nil
    public var environment: [(String, CIValue)] = []
    public var steps: [CIStep]
}

/// What `gazette init --ci` is asked for.
public struct CISettings: Sendable {
    /// Jobs the publish is split across (`--shard K/N`); 1 publishes the whole list in one job.
    public var shards = 1
    /// The publish step's own limit; the job gets 10 minutes more, so the commit-back always has time.
    public var publishMinutes = 50
    /// The container image the jobs run in: Swift 6 on Debian, to build gazette when it is not installed.
    public var image = "swift:6.1-bookworm"  // Package.swift needs swift-tools-version 6.1 (package traits)
    /// Who the bot commit is by.
    public var botName = "gazette-bot"
    public var botEmail = "gazette-bot@users.noreply.github.com"
    /// When the sequences job runs (cron, UTC; GitHub's `on.schedule`): hourly, off the full hour that every
    /// other scheduled workflow picks. GitLab takes the time from a pipeline schedule made in its settings.
    public var sequencesCron = "17 * * * *"

    public init() {}

    public var jobMinutes: Int { publishMinutes + 10 }
}

/// The whole recipe.
public struct CIPipeline: Sendable {
    public var settings: CISettings
    public var jobs: [CIJob]

    /// Paths a publish changes, which the bot commit brings back; a push of only these never publishes.
    public static let committedPaths = ["logs/**", "subscribers/suppressed.csv"]
    /// The marker both GitHub and GitLab read as "do not run pipelines for this commit".
    public static let skipMarker = "[skip ci]"
    public static let secrets = ["GAZETTE_SMTP_PASSWORD", "GAZETTE_DKIM_KEY", "GAZETTE_UNSUBSCRIBE_SECRET"]

    public init(settings: CISettings) {
        self.settings = settings
        let install = CIStep(name: "Install gazette", kind: .script(Self.installScript))
        let check = CIJob(
            id: "check", name: "Check issues", trigger: .pullRequest, timeoutMinutes: 20,
            steps: [
                CIStep(name: "Check out", kind: .checkout),
                install,
                CIStep(name: "Check issues", kind: .script("gazette ci check --strict --report gazette-check.json\n")),
                CIStep(name: "Keep the check report", kind: .keepArtifacts(["gazette-check.json"]), always: true),
            ])
        var environment: [(String, CIValue)] = Self.secrets.map { ($0, .secret($0)) }
        environment += [("GAZETTE_VIA", .variable("GAZETTE_VIA")), ("GAZETTE_BRANCH", .defaultBranch),
                        ("GAZETTE_PUSH_URL", .pushURL),
                        ("GAZETTE_RUN", .runName), ("GAZETTE_PUBLISH_MINUTES", .variable("GAZETTE_PUBLISH_MINUTES")),
                        ("GAZETTE_BOUNCES", .variable("GAZETTE_BOUNCES")),
                        ("GAZETTE_UNSUBSCRIBE_MAILDIR", .variable("GAZETTE_UNSUBSCRIBE_MAILDIR"))]
        let sequencesEnvironment = environment
        if settings.shards > 1 { environment.append(("GAZETTE_SHARD", .shard)) }
        let publish = CIJob(
            id: "publish", name: "Publish ready issues", trigger: .defaultBranch, timeoutMinutes: settings.jobMinutes,
            shards: settings.shards, pushes: true, serialized: true, resumableStatus: 75, environment: environment,
            steps: Self.sendingSteps(install: install, send: CIStep(name: "Publish ready issues", kind: .script(Self.publishScript(settings))),
                                     logs: "publish logs", commitMessage: "Publish log", settings: settings))
        // The same secrets, sync and commit-back as the publish job; its commit touches only logs/ (and
        // suppressed.csv), so, like the publish's, it starts no publish (README, "Publishing from CI").
        let sequences = CIJob(
            id: "sequences", name: "Send due sequence steps", trigger: .schedule, timeoutMinutes: settings.jobMinutes,
            pushes: true, serialized: true, resumableStatus: 75, environment: sequencesEnvironment,
            steps: Self.sendingSteps(install: install, send: CIStep(name: "Send due sequence steps", kind: .script(Self.sequencesScript(settings))),
                                     logs: "sequence logs", commitMessage: "Sequence logs", settings: settings))
        jobs = [check, publish, sequences]
    }

    /// The job with this id.
    public func job(_ id: String) -> CIJob? { jobs.first { $0.id == id } }

    /// The steps of a job that sends and commits its logs back: check out, install, move to the newest commit,
    /// `send`, then — also after a failure, a cancel or a timeout — fold suppressions, commit `logs` back with
    /// `commitMessage`, and keep them as artifacts.
    static func sendingSteps(install: CIStep, send: CIStep, logs: String, commitMessage: String, settings: CISettings) -> [CIStep] {
        [
            CIStep(name: "Check out", kind: .checkout),
            install,
            CIStep(name: "Start from the newest commit of the default branch", kind: .script(syncScript)),
            send,
            CIStep(name: "Fold unsubscribes and bounces into suppressed.csv", kind: .script(suppressionScript), always: true),
            CIStep(name: "Commit the \(logs) back", kind: .script(commitScript(settings, message: commitMessage)), always: true),
            CIStep(name: "Keep the \(logs)", kind: .keepArtifacts(["logs/", "subscribers/suppressed.csv"]), always: true),
        ]
    }

    // The scripts are plain bash without `exit`: GitLab runs a job's script lines in one shell, so an `exit`
    // would end the job's script there.

    static let installScript = """
        if ! command -v gazette >/dev/null 2>&1; then
          # Build gazette from source: set the CI variable GAZETTE_SOURCE to its git URL (and GAZETTE_REF to a tag).
          test -n "${GAZETTE_SOURCE:-}" || { echo "gazette is not installed and GAZETTE_SOURCE is not set" >&2; false; }
          apt-get update -qq && apt-get install -y -qq libcmark-dev libxml2-dev libssl-dev git >/dev/null
          git clone --quiet --depth 1 ${GAZETTE_REF:+--branch "$GAZETTE_REF"} "$GAZETTE_SOURCE" /tmp/gazette-source
          swift build -c release --package-path /tmp/gazette-source --product gazette
          install -m 755 /tmp/gazette-source/.build/release/gazette /usr/local/bin/gazette
        fi
        gazette --version

        """

    /// A queued run may start after later merges: publish what the branch holds now, with the logs of the runs before.
    static let syncScript = """
        git config --global --add safe.directory "$PWD"
        if test -n "${GAZETTE_PUSH_TOKEN:-}"; then git remote set-url origin "$GAZETTE_PUSH_URL"; fi
        git fetch --quiet origin "$GAZETTE_BRANCH"
        git checkout --quiet -B "$GAZETTE_BRANCH" FETCH_HEAD
        git log -1 --format='Publishing from %h %s'

        """

    /// `timeout` sends SIGTERM before the job's own limit: gazette finishes the messages in flight, flushes the
    /// log and exits 75, and the commit step still has ten minutes. `--foreground`: without it timeout sends the
    /// signal to gazette and then to the whole process group, gazette sees two, and a second signal means
    /// "abort at once" (exit 75 with the messages in flight left uncertain).
    static func publishScript(_ settings: CISettings) -> String {
        """
        timeout --foreground --preserve-status --signal=TERM --kill-after=60 "${GAZETTE_PUBLISH_MINUTES:-\(settings.publishMinutes)}m" \\
          gazette ci publish ${GAZETTE_VIA:+--via "$GAZETTE_VIA"} ${GAZETTE_SHARD:+--shard "$GAZETTE_SHARD"}

        """
    }

    /// `gazette sequences run` under the same time limit as a publish (see publishScript): each step's log says
    /// who has it, so the next scheduled run sends nobody a step twice.
    static func sequencesScript(_ settings: CISettings) -> String {
        """
        timeout --foreground --preserve-status --signal=TERM --kill-after=60 "${GAZETTE_PUBLISH_MINUTES:-\(settings.publishMinutes)}m" \\
          gazette sequences run ${GAZETTE_VIA:+--via "$GAZETTE_VIA"}

        """
    }

    /// Before the commit-back, also after a failed or stopped publish: bounces from the Maildir GAZETTE_BOUNCES (if
    /// set) through `bounces import`, then `subscribers sync` of events/ (the unsubscribes `gazette serve` wrote),
    /// the Maildir GAZETTE_UNSUBSCRIBE_MAILDIR (mailto: unsubscribes, if set) and the permanent failures in logs/.
    /// Only the first shard does it: every shard appending the same rows would make their commits conflict.
    static let suppressionScript = """
        if test -z "${GAZETTE_SHARD:-}" || test "${GAZETTE_SHARD%%/*}" = 1; then
          if test -n "${GAZETTE_BOUNCES:-}"; then gazette bounces import "$GAZETTE_BOUNCES"; fi
          set --
          if test -d events; then set -- events; fi
          if test -n "${GAZETTE_UNSUBSCRIBE_MAILDIR:-}"; then set -- "$@" "$GAZETTE_UNSUBSCRIBE_MAILDIR"; fi
          gazette subscribers sync "$@"
        else
          echo "Shard $GAZETTE_SHARD: the first shard folds unsubscribes and bounces into suppressed.csv"
        fi

        """

    /// Commits logs/ and suppressed.csv with a message CI skips, then pushes; another merge may have landed, so
    /// a refused push fetches, rebases and tries again, at most five times. Lock files stay out of git.
    static func commitScript(_ settings: CISettings, message: String) -> String {
        """
        git config user.name "\(settings.botName)"
        git config user.email "\(settings.botEmail)"
        if test -d logs; then git add --force --all -- logs ':(exclude)logs/*.lock'; fi
        if test -f subscribers/suppressed.csv; then git add -- subscribers/suppressed.csv; fi
        if git diff --cached --quiet; then
          echo "No publish log changed; nothing to commit."
        else
          git commit --quiet --author="\(settings.botName) <\(settings.botEmail)>" -m "\(message)${GAZETTE_SHARD:+ of shard $GAZETTE_SHARD} from $GAZETTE_RUN \(skipMarker)"
          pushed=no
          for attempt in 1 2 3 4 5; do
            if git push --quiet origin "HEAD:$GAZETTE_BRANCH"; then pushed=yes; break; fi
            echo "Push refused (attempt $attempt of 5): rebasing on the newest $GAZETTE_BRANCH" >&2
            sleep $((attempt * 2))
            git fetch --quiet origin "$GAZETTE_BRANCH"
            git rebase --quiet FETCH_HEAD || { git rebase --abort; echo "cannot rebase the log commit" >&2; break; }
          done
          test "$pushed" = yes || { echo "The publish logs were not pushed: they are in this job's artifacts" >&2; false; }
          git log -1 --format='Committed %h %s'
        fi

        """
    }
}
