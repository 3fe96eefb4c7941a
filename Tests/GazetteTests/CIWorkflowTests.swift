// The CI files of `gazette init --ci`, tested as CI would use them: parsed as YAML and checked for triggers,
// conditions and secrets; then the publish job's own scripts run with bash in a clone of a bare remote on
// disk, against aiosmtpd on loopback, twice: the first run sends to everyone and pushes a bot commit with
// the logs, the second sends nothing. Also the shard jobs racing to push, and the check job on a bad issue.
import Foundation
import GazetteTestSupport
import XCTest
import Yams
@testable import Gazette

final class CIWorkflowTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("ci")
        addTeardownBlock { [directory] in directory?.remove() }
    }

    // MARK: - Structure

    func testGitHubWorkflowChecksPullRequestsAndPublishesOnTheDefaultBranchOnly() throws {
        var settings = CISettings()
        settings.shards = 3
        let root = try XCTUnwrap(try Yams.compose(yaml: CIPlatform.github.text(settings)))
        let triggers = try XCTUnwrap(root["on"])
        XCTAssertNotNil(triggers["pull_request"])
        XCTAssertEqual(triggers["push"]?["paths-ignore"]?.array().compactMap(\.string), ["logs/**", "subscribers/suppressed.csv"])
        XCTAssertEqual(root["concurrency"]?["cancel-in-progress"]?.string, "${{ github.event_name == 'pull_request' }}")

        let check = try XCTUnwrap(root["jobs"]?["check"])
        XCTAssertEqual(check["if"]?.string, "github.event_name == 'pull_request'")
        XCTAssertFalse(try serialize(node: check).contains("secrets."), "a pull request's job sees no secret")
        XCTAssertTrue(runScripts(check).joined().contains("gazette ci check --strict"))

        let publish = try XCTUnwrap(root["jobs"]?["publish"])
        let condition = try XCTUnwrap(publish["if"]?.string)
        XCTAssertTrue(condition.contains("github.ref_name == github.event.repository.default_branch"), condition)
        XCTAssertTrue(condition.contains("github.actor != 'github-actions[bot]'"), condition)
        XCTAssertEqual(publish["permissions"]?["contents"]?.string, "write")
        XCTAssertEqual(publish["strategy"]?["matrix"]?["shard"]?.array().compactMap(\.int), [1, 2, 3])
        XCTAssertEqual(publish["env"]?["GAZETTE_SHARD"]?.string, "${{ matrix.shard }}/3")
        for secret in CIPipeline.secrets {
            XCTAssertEqual(publish["env"]?[secret]?.string, "${{ secrets.\(secret) }}")
        }
        let steps = try XCTUnwrap(publish["steps"]?.array())
        let commit = try XCTUnwrap(steps.first { $0["name"]?.string == "Commit the publish logs back" })
        XCTAssertEqual(commit["if"]?.string, "always()", "the log is committed after a failure, a cancel or a timeout too")
        XCTAssertTrue(commit["run"]?.string?.contains("[skip ci]") ?? false)
        XCTAssertEqual(steps.last?["if"]?.string, "always()")
        XCTAssertEqual(steps.last?["uses"]?.string, "actions/upload-artifact@v4")
        XCTAssertEqual(publish["timeout-minutes"]?.int, settings.jobMinutes)
        XCTAssertTrue(runScripts(publish).joined().contains("\"${GAZETTE_PUBLISH_MINUTES:-\(settings.publishMinutes)}m\""))
    }

    func testGitLabPipelineHasTheSameStepsWithRulesAfterScriptAndOneLockPerShard() throws {
        var settings = CISettings()
        let single = try XCTUnwrap(try Yams.compose(yaml: CIPlatform.gitlab.text(settings)))
        let publish = try XCTUnwrap(single["publish"])
        XCTAssertEqual(publish["resource_group"]?.string, "gazette-publish")
        XCTAssertEqual(publish["allow_failure"]?["exit_codes"]?.array().compactMap(\.int), [75])
        XCTAssertEqual(publish["artifacts"]?["when"]?.string, "always")
        let rules = try XCTUnwrap(publish["rules"]?.array())
        XCTAssertEqual(rules.first?["when"]?.string, "never", "the bot's own commit never publishes")
        XCTAssertTrue(rules.last?["if"]?.string?.contains("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH") ?? false)
        XCTAssertEqual(single["check"]?["rules"]?.array().first?["if"]?.string, "$CI_PIPELINE_SOURCE == \"merge_request_event\"")

        // The same steps as GitHub's, from the one description: the commit in after_script.
        let github = try XCTUnwrap(try Yams.compose(yaml: CIPlatform.github.text(settings)))
        let gitHubScripts = runScripts(try XCTUnwrap(github["jobs"]?["publish"]))
        let gitLabScripts = (publish["script"]?.array() ?? []) + (publish["after_script"]?.array() ?? [])
        XCTAssertEqual(gitLabScripts.compactMap(\.string).map { $0.split(separator: "\n", maxSplits: 1)[1] }.map(String.init),
                       gitHubScripts)
        XCTAssertTrue(publish["after_script"]?.array().first?.string?.contains("gazette subscribers sync") ?? false, "sync before the commit")
        XCTAssertTrue(publish["after_script"]?.array().last?.string?.contains("git push") ?? false)

        settings.shards = 2
        let sharded = try XCTUnwrap(try Yams.compose(yaml: CIPlatform.gitlab.text(settings)))
        XCTAssertNil(sharded["publish"])
        for index in 1...2 {
            let job = try XCTUnwrap(sharded["publish \(index)/2"])
            XCTAssertEqual(job["extends"]?.string, ".publish")
            XCTAssertEqual(job["resource_group"]?.string, "gazette-publish-\(index)-of-2")
            XCTAssertEqual(job["variables"]?["GAZETTE_SHARD"]?.string, "\(index)/2")
        }
    }

    func testInitWritesIntoAnExistingProjectWithoutOverwriting() throws {
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        let first = try GazetteBinary.run(["init", "--ci", "github"], in: directory.url)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent(".github/workflows/gazette.yml").path))
        XCTAssertEqual(try directory.read(".gitattributes"), "subscribers/suppressed.csv merge=union\n")
        XCTAssertEqual(try directory.read("gazette.yml"), try String(contentsOf: TestPaths.fixtures
            .appendingPathComponent("projects/minimal/gazette.yml"), encoding: .utf8), "init --ci writes only the CI file")
        let again = try GazetteBinary.run(["init", "--ci", "github"], in: directory.url)
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains(".github/workflows/gazette.yml already exists"), again.stderr)
        XCTAssertTrue(again.stderr.contains("hint: pass --force"), again.stderr)
        let forced = try GazetteBinary.run(["init", "--ci", "github", "--force", "--shards", "4"], in: directory.url)
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertTrue(try directory.read(".github/workflows/gazette.yml").contains("shard: [1, 2, 3, 4]"))
        XCTAssertEqual(try directory.read(".gitattributes"), "subscribers/suppressed.csv merge=union\n", "the line is added once")
        let bad = try GazetteBinary.run(["init", "--ci", "jenkins"], in: directory.url)
        XCTAssertEqual(bad.status, 2, bad.stderr)
    }

    // MARK: - Running the jobs

    /// The `run:` scripts of a GitHub job's steps, in order.
    func runScripts(_ job: Node) -> [String] {
        (job["steps"]?.array() ?? []).compactMap { $0["run"]?.string }
    }

    /// A newsletter repository pushed to a bare remote on disk, with the CI file of `platform` committed.
    func makeRepository(_ platform: CIPlatform, shards: Int = 1, subscribers: Int = 6,
                        prepare: (URL) throws -> Void = { _ in }) throws -> URL {
        let work = directory.url.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let project = try TemporaryDirectory("ci-project")
        defer { project.remove() }
        try project.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        for name in try FileManager.default.contentsOfDirectory(atPath: project.url.path) {
            try FileManager.default.copyItem(at: project.url.appendingPathComponent(name), to: work.appendingPathComponent(name))
        }
        let issue = work.appendingPathComponent("content/issues/001-hello.md")
        try String(contentsOf: issue, encoding: .utf8).replacingOccurrences(of: "summary: \"A test issue.\"", with: "summary: \"A test issue.\"\npublish: true")
            .write(to: issue, atomically: true, encoding: .utf8)
        let rows = (0..<subscribers).map { "reader\($0)@example.org,Reader \($0)" }
        try ("email,name\n" + rows.joined(separator: "\n") + "\n").write(to: work.appendingPathComponent("subscribers/main.csv"),
                                                                         atomically: true, encoding: .utf8)
        try prepare(work)
        let written = try GazetteBinary.run(["init", "--ci", platform.rawValue, "--shards", String(shards)], in: work)
        XCTAssertEqual(written.status, 0, written.stderr)
        try git(["init", "--quiet", "--bare", "--initial-branch=main", directory.url.appendingPathComponent("remote.git").path], in: directory.url)
        try git(["init", "--quiet", "--initial-branch=main"], in: work)
        try git(["add", "--all"], in: work)
        try git(["commit", "--quiet", "-m", "A newsletter with CI"], in: work)
        try git(["remote", "add", "origin", directory.url.appendingPathComponent("remote.git").path], in: work)
        try git(["push", "--quiet", "origin", "main"], in: work)
        return directory.url.appendingPathComponent("remote.git")
    }

    /// What a CI runner checks out: a fresh clone of the remote.
    func clone(_ remote: URL, as name: String) throws -> URL {
        let target = directory.url.appendingPathComponent(name)
        try git(["clone", "--quiet", remote.path, target.path], in: directory.url)
        return target
    }

    /// git with a throwaway identity and global config (the sync step writes to it), never the user's own.
    @discardableResult
    func git(_ arguments: [String], in folder: URL) throws -> String {
        let result = try PythonTools.runProgram(URL(fileURLWithPath: "/usr/bin/env"),
                                                arguments: ["-C", folder.path] + environment([:]).map { "\($0.key)=\($0.value)" }
                                                    + ["git"] + arguments, timeout: 60)
        XCTAssertEqual(result.status, 0, "git \(arguments.joined(separator: " ")): \(result.stderr)")
        return result.output
    }

    /// The environment of a job: gazette on PATH, HOME and git's config in the test folder, CI=true; no git
    /// identity, as on a runner (the commit step sets its own).
    func jobEnvironment(_ extra: [String: String]) -> [String: String] {
        environment(extra).filter { !$0.key.hasPrefix("GIT_AUTHOR") && !$0.key.hasPrefix("GIT_COMMITTER") }
    }

    /// The environment of the test's own git commands: a throwaway HOME and identity.
    func environment(_ extra: [String: String]) -> [String: String] {
        let home = directory.url.appendingPathComponent("home")
        try? FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return [
            "PATH": TestPaths.gazetteBinary.deletingLastPathComponent().path + ":/usr/local/bin:/usr/bin:/bin",
            "HOME": home.path, "GIT_CONFIG_GLOBAL": home.appendingPathComponent(".gitconfig").path,
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Writer", "GIT_AUTHOR_EMAIL": "writer@example.org",
            "GIT_COMMITTER_NAME": "Writer", "GIT_COMMITTER_EMAIL": "writer@example.org", "CI": "true", "NO_COLOR": "1",
        ].merging(extra) { $1 }
    }

    struct StepRun {
        var name: String
        var status: Int32
        var output: String
    }

    /// Runs scripts as a CI runner does: bash -eo pipefail in the checkout; after a failure only the `always` ones.
    func runSteps(_ steps: [(name: String, script: String, always: Bool)], in checkout: URL,
                  environment extra: [String: String]) throws -> [StepRun] {
        var runs: [StepRun] = []
        var failed = false
        for step in steps where !failed || step.always {
            let result = try PythonTools.runProgram(
                URL(fileURLWithPath: "/usr/bin/env"),
                arguments: ["-i", "-C", checkout.path] + jobEnvironment(extra).map { "\($0.key)=\($0.value)" }
                    + ["/bin/bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step.script],
                timeout: 180)
            runs.append(StepRun(name: step.name, status: result.status, output: result.output + result.stderr))
            if result.status != 0 { failed = true }
        }
        return runs
    }

    /// The CI file of `platform` in a checkout, parsed.
    func ciFile(_ platform: CIPlatform, in checkout: URL) throws -> Node {
        try XCTUnwrap(try Yams.compose(yaml: String(contentsOf: checkout.appendingPathComponent(platform.path), encoding: .utf8)))
    }

    /// The publish job's script steps from the parsed GitHub workflow.
    func gitHubPublishSteps(_ workflow: Node) throws -> [(name: String, script: String, always: Bool)] {
        try gitHubSteps(workflow, job: "publish")
    }

    /// The script steps of a GitHub job, by id, from the parsed workflow.
    func gitHubSteps(_ workflow: Node, job: String) throws -> [(name: String, script: String, always: Bool)] {
        let job = try XCTUnwrap(workflow["jobs"]?[job])
        return (job["steps"]?.array() ?? []).compactMap { step in
            step["run"]?.string.map { (step["name"]?.string ?? "", $0, step["if"]?.string == "always()") }
        }
    }

    func remoteLog(_ remote: URL) throws -> [String] {
        try git(["log", "--format=%an|%s", "main"], in: remote).split(separator: "\n").map(String.init)
    }

    func remoteFiles(_ remote: URL) throws -> [String] {
        try git(["ls-tree", "-r", "--name-only", "main"], in: remote).split(separator: "\n").map(String.init)
    }

    func testGitHubPublishJobRunTwiceSendsOnceAndCommitsTheLogBack() throws {
        let server = try TestSMTPServer.start()
        addTeardownBlock { server.stop() }
        let remote = try makeRepository(.github)
        let checkout = try clone(remote, as: "runner-1")
        let workflow = try ciFile(.github, in: checkout)
        let steps = try gitHubPublishSteps(workflow)
        XCTAssertEqual(steps.map(\.name), ["Install gazette", "Start from the newest commit of the default branch",
                                           "Publish ready issues", "Fold unsubscribes and bounces into suppressed.csv",
                                           "Commit the publish logs back"])
        XCTAssertTrue(steps[3].always, "unsubscribes are folded in after a failed publish too")
        let ciEnvironment = ["GAZETTE_BRANCH": "main", "GAZETTE_RUN": "local run 1", "GAZETTE_UNSUBSCRIBE_SECRET": "test-secret",
                             "GAZETTE_VIA": "smtp://127.0.0.1:\(server.port)?tls=none", "GAZETTE_SMTP_PASSWORD": "", "GAZETTE_DKIM_KEY": ""]

        let first = try runSteps(steps, in: checkout, environment: ciEnvironment)
        XCTAssertEqual(first.map(\.status), [0, 0, 0, 0, 0], first.map { "\($0.name): \($0.output)" }.joined(separator: "\n"))
        XCTAssertTrue(first[2].output.contains("001-hello: publish (publish: true)"), first[2].output)
        XCTAssertEqual(try server.receivedMessages().flatMap(\.rcptTos).sorted(), (0..<6).map { "reader\($0)@example.org" }.sorted())
        let history = try remoteLog(remote)
        XCTAssertEqual(history.count, 2, "\(history)")
        XCTAssertEqual(history.first, "gazette-bot|Publish log from local run 1 [skip ci]")
        let files = try remoteFiles(remote)
        XCTAssertTrue(files.contains("logs/hello.jsonl"), "\(files)")
        XCTAssertTrue(files.contains("logs/hello.lists/main.csv"), "the frozen audience goes with the log: \(files)")
        XCTAssertFalse(files.contains { $0.hasSuffix(".lock") }, "\(files)")

        // The next merge's job, on another runner: it sees the committed log and sends nothing.
        let second = try runSteps(steps, in: try clone(remote, as: "runner-2"),
                                  environment: ciEnvironment.merging(["GAZETTE_RUN": "local run 2"]) { $1 })
        XCTAssertEqual(second.map(\.status), [0, 0, 0, 0, 0], second.map { "\($0.name): \($0.output)" }.joined(separator: "\n"))
        XCTAssertTrue(second[2].output.contains("Nothing to publish"), second[2].output)
        XCTAssertTrue(second[4].output.contains("nothing to commit"), second[4].output)
        XCTAssertEqual(try server.receivedMessages().count, 6, "the second run sends nothing")
        XCTAssertEqual(try remoteLog(remote).count, 2)

        // A reader unsubscribed through `gazette serve`, whose events file was pushed: the next job's sync
        // suppresses the address and the commit-back carries the new row, synced once.
        let writer = try clone(remote, as: "writer")
        try FileManager.default.createDirectory(at: writer.appendingPathComponent("events"), withIntermediateDirectories: true)
        try #"{"email":"reader3@example.org","event":"unsubscribe","form":"sealed","list":"main","time":"2026-12-02T01:30:00.000Z","via":"one-click"}"#
            .appending("\n").write(to: writer.appendingPathComponent("events/2026-12-02.jsonl"), atomically: true, encoding: .utf8)
        try git(["add", "events"], in: writer)
        try git(["commit", "--quiet", "-m", "Unsubscribes from the server"], in: writer)
        try git(["push", "--quiet", "origin", "main"], in: writer)
        let third = try runSteps(steps, in: try clone(remote, as: "runner-3"),
                                 environment: ciEnvironment.merging(["GAZETTE_RUN": "local run 3"]) { $1 })
        XCTAssertEqual(third.map(\.status), [0, 0, 0, 0, 0], third.map { "\($0.name): \($0.output)" }.joined(separator: "\n"))
        XCTAssertTrue(third[3].output.contains("reader3@example.org"), third[3].output)
        XCTAssertEqual(try remoteLog(remote).first, "gazette-bot|Publish log from local run 3 [skip ci]")
        let suppressed = try git(["show", "main:subscribers/suppressed.csv"], in: remote)
        XCTAssertEqual(suppressed.split(separator: "\n").filter { $0.hasPrefix("reader3@example.org,unsubscribed,2026-12-02") }.count, 1, suppressed)
        let fourth = try runSteps(steps, in: try clone(remote, as: "runner-4"),
                                  environment: ciEnvironment.merging(["GAZETTE_RUN": "local run 4"]) { $1 })
        XCTAssertTrue(fourth[4].output.contains("nothing to commit"), "a second sync changes nothing: \(fourth[4].output)")
    }

    func testAnInterruptedPublishIsCommittedAndTheNextRunResumes() throws {
        let server = try TestSMTPServer.start({ var options = TestSMTPServer.Options(); options.tempfailRecipients = ["reader2@example.org"]; options.tempfailTimes = 1000; return options }())
        addTeardownBlock { server.stop() }
        let remote = try makeRepository(.github)
        let checkout = try clone(remote, as: "runner-1")
        let workflow = try ciFile(.github, in: checkout)
        let steps = try gitHubPublishSteps(workflow)
        let gazetteYML = checkout.appendingPathComponent("gazette.yml")
        try (String(contentsOf: gazetteYML, encoding: .utf8) + "delivery: { retries: 0 }\n").write(to: gazetteYML, atomically: true, encoding: .utf8)
        try git(["commit", "--quiet", "-am", "No retries within a run"], in: checkout)
        try git(["push", "--quiet", "origin", "main"], in: checkout)
        let ciEnvironment = ["GAZETTE_BRANCH": "main", "GAZETTE_RUN": "run 1", "GAZETTE_UNSUBSCRIBE_SECRET": "test-secret",
                             "GAZETTE_VIA": "smtp://127.0.0.1:\(server.port)?tls=none"]
        let first = try runSteps(steps, in: checkout, environment: ciEnvironment)
        XCTAssertEqual(first.map(\.status), [0, 0, 75, 0, 0], "75: deferred, the job fails and the log is still committed:\n"
                       + first.map { "\($0.name): \($0.output)" }.joined(separator: "\n"))
        XCTAssertEqual(try server.receivedMessages().count, 5)
        XCTAssertTrue(try remoteLog(remote).first?.hasSuffix("[skip ci]") ?? false)

        let second = try runSteps(steps, in: try clone(remote, as: "runner-2"), environment: ciEnvironment)
        XCTAssertTrue(second[2].output.contains("001-hello: resume (1 deferred left)"), second[2].output)
        XCTAssertEqual(second[2].status, 75, "still deferred")
        XCTAssertEqual(try server.receivedMessages().count, 5, "nobody who got it gets it again")
    }

    func testATimedOutPublishStepStopsCleanlyCommitsItsLogAndTheNextRunFinishes() throws {
        var options = TestSMTPServer.Options()
        options.delayData = 0.5
        let server = try TestSMTPServer.start(options)
        addTeardownBlock { server.stop() }
        let remote = try makeRepository(.github, subscribers: 100)
        let steps = try gitHubPublishSteps(try ciFile(.github, in: try clone(remote, as: "unused")))
        let ciEnvironment = ["GAZETTE_BRANCH": "main", "GAZETTE_RUN": "run 1", "GAZETTE_UNSUBSCRIBE_SECRET": "test-secret",
                             "GAZETTE_VIA": "smtp://127.0.0.1:\(server.port)?tls=none"]
        // The step's own limit, 7.2 seconds here (50 minutes in the file): timeout(1) sends SIGTERM, as at a job's end.
        // A whole run takes about 12.5 s (100 messages, 0.5 s DATA, 4 connections), so the limit always cuts it;
        // the margin before it is for a debug build's start on a loaded machine.
        let first = try runSteps(steps, in: try clone(remote, as: "runner-1"),
                                 environment: ciEnvironment.merging(["GAZETTE_PUBLISH_MINUTES": "0.12"]) { $1 })
        XCTAssertEqual(first.map(\.status), [0, 0, 75, 0, 0], first.map { "\($0.name): \($0.output)" }.joined(separator: "\n"))
        XCTAssertTrue(first[2].output.contains("interrupted"), first[2].output)
        let sentFirst = try server.receivedMessages().count
        XCTAssertGreaterThan(sentFirst, 0)
        XCTAssertLessThan(sentFirst, 100, "the limit stopped the run part way")
        XCTAssertTrue(try remoteFiles(remote).contains("logs/hello.jsonl"), "the log of the stopped run is in the remote")

        let second = try runSteps(steps, in: try clone(remote, as: "runner-2"), environment: ciEnvironment)
        XCTAssertEqual(second.map(\.status), [0, 0, 0, 0, 0], second.map { "\($0.name): \($0.output)" }.joined(separator: "\n"))
        XCTAssertTrue(second[2].output.contains("001-hello: resume (the last run was interrupted)"), second[2].output)
        let received = try server.receivedMessages().flatMap(\.rcptTos)
        XCTAssertEqual(received.sorted(), (0..<100).map { "reader\($0)@example.org" }.sorted(), "everyone exactly once")
    }

    func testShardJobsPushTheirOwnLogsAndTheLaterOneRebases() throws {
        let server = try TestSMTPServer.start()
        addTeardownBlock { server.stop() }
        let remote = try makeRepository(.github, shards: 2, subscribers: 20)
        // Both runners check out the merge before either has pushed, as parallel matrix jobs do.
        let runners = [try clone(remote, as: "shard-1"), try clone(remote, as: "shard-2")]
        let workflow = try ciFile(.github, in: runners[0])
        let steps = try gitHubPublishSteps(workflow)
        let publishAndCommit = Array(steps.suffix(3))
        for runner in runners {
            try runSteps(Array(steps.prefix(2)), in: runner, environment: ["GAZETTE_BRANCH": "main"]).forEach { XCTAssertEqual($0.status, 0, $0.output) }
        }
        for (index, runner) in runners.enumerated() {
            let runs = try runSteps(publishAndCommit, in: runner, environment: [
                "GAZETTE_BRANCH": "main", "GAZETTE_RUN": "run 1", "GAZETTE_SHARD": "\(index + 1)/2",
                "GAZETTE_UNSUBSCRIBE_SECRET": "test-secret", "GAZETTE_VIA": "smtp://127.0.0.1:\(server.port)?tls=none",
            ])
            XCTAssertEqual(runs.map(\.status), [0, 0, 0], runs.map { "\($0.name): \($0.output)" }.joined(separator: "\n"))
            if index == 1 {
                XCTAssertTrue(runs[1].output.contains("the first shard folds"), runs[1].output)
                XCTAssertTrue(runs[2].output.contains("Push refused (attempt 1 of 5)"), runs[2].output)
            }
        }
        let received = try server.receivedMessages().flatMap(\.rcptTos)
        XCTAssertEqual(received.sorted(), (0..<20).map { "reader\($0)@example.org" }.sorted(), "each exactly once")
        let files = try remoteFiles(remote)
        XCTAssertTrue(files.contains("logs/hello.shard-1-of-2.jsonl") && files.contains("logs/hello.shard-2-of-2.jsonl"), "\(files)")
        let project = try clone(remote, as: "after")
        XCTAssertEqual(try PublishReadiness(project: Project(root: project), job: Shard(index: 1, count: 2)).due.count, 0)
    }

    /// A GitLab job's environment as the runner makes it: the job's `variables:` with GitLab's own expanded
    /// (pipeline `number` in CI_PIPELINE_URL), the secret, and the relay `server`.
    func gitLabEnvironment(_ job: Node, pipeline number: Int, server: TestSMTPServer) -> [String: String] {
        let variables = ["CI_DEFAULT_BRANCH": "main", "CI_PIPELINE_URL": "https://gitlab.example.org/p/-/pipelines/\(number)"]
        var environment = ["GAZETTE_UNSUBSCRIBE_SECRET": "test-secret", "GAZETTE_VIA": "smtp://127.0.0.1:\(server.port)?tls=none"]
        for (key, value) in job["variables"]?.mapping ?? [:] {
            guard let name = key.string, var text = value.string else { continue }
            for (variable, replacement) in variables { text = text.replacingOccurrences(of: "$" + variable, with: replacement) }
            environment[name] = text
        }
        return environment
    }

    func testGitLabPublishJobRunTwiceSendsOnce() throws {
        let server = try TestSMTPServer.start()
        addTeardownBlock { server.stop() }
        let remote = try makeRepository(.gitlab)
        let checkout = try clone(remote, as: "runner-1")
        let pipeline = try ciFile(.gitlab, in: checkout)
        let job = try XCTUnwrap(pipeline["publish"])
        // GitLab runs the script items in one shell, then after_script in another, whatever the script's status.
        let script = (job["script"]?.array() ?? []).compactMap(\.string).joined(separator: "\n")
        let afterScript = (job["after_script"]?.array() ?? []).compactMap(\.string).joined(separator: "\n")
        let ciEnvironment = gitLabEnvironment(job, pipeline: 7, server: server)
        XCTAssertEqual(ciEnvironment["GAZETTE_BRANCH"], "main")
        for (run, folder) in [(1, checkout), (2, try clone(remote, as: "runner-2"))] {
            let steps = try runSteps([("script", script, false), ("after_script", afterScript, true)], in: folder, environment: ciEnvironment)
            XCTAssertEqual(steps.map(\.status), [0, 0], steps.map { "\($0.name): \($0.output)" }.joined(separator: "\n"))
            XCTAssertEqual(try server.receivedMessages().count, 6, "run \(run)")
        }
        let history = try remoteLog(remote)
        XCTAssertEqual(history, ["gazette-bot|Publish log from https://gitlab.example.org/p/-/pipelines/7 [skip ci]", "Writer|A newsletter with CI"])
    }

    func testCheckJobOnAnIssueWithAnErrorFailsAndWritesTheStepSummary() throws {
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        let written = try GazetteBinary.run(["init", "--ci", "github"], in: directory.url)
        XCTAssertEqual(written.status, 0, written.stderr)
        let issue = try directory.read("content/issues/001-hello.md")
        try directory.write(issue.replacingOccurrences(of: "preheader: \"The first fixture issue, with a list, a code block and a table.\"\n", with: "")
                            + "\nA link that goes nowhere: [the report](missing-report.pdf).\n", to: "content/issues/001-hello.md")
        let workflow = try XCTUnwrap(try Yams.compose(yaml: directory.read(GitHubWorkflow.path)))
        let steps = (workflow["jobs"]?["check"]?["steps"]?.array() ?? []).compactMap { step in
            step["run"]?.string.map { (name: step["name"]?.string ?? "", script: $0, always: false) }
        }
        XCTAssertEqual(steps.map(\.name), ["Install gazette", "Check issues"])
        let summary = directory.url.appendingPathComponent("step-summary.md")
        let runs = try runSteps(steps, in: directory.url, environment: ["GITHUB_STEP_SUMMARY": summary.path])
        XCTAssertEqual(runs.map(\.status), [0, 1], runs.map(\.output).joined(separator: "\n"))
        XCTAssertTrue(runs[1].output.contains("content/issues/001-hello.md:"), "the job log names file and line: \(runs[1].output)")
        let markdown = try String(contentsOf: summary, encoding: .utf8)
        XCTAssertTrue(markdown.hasPrefix("## Gazette check: failed"), markdown)
        XCTAssertTrue(markdown.contains("| content/issues/001-hello.md | 1 |"), markdown)
        XCTAssertTrue(markdown.contains("`missing-file`"), markdown)
        XCTAssertTrue(markdown.contains("`preheader-missing`"), markdown)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.url.appendingPathComponent("gazette-check.json"))) as? [String: Any]
        XCTAssertEqual(report?["ok"] as? Bool, false)
        XCTAssertEqual(report?["errors"] as? Int, 1)
    }

    // MARK: - The scheduled sequences job

    func testSequencesJobIsScheduledWithTheSecretsAndAPublishNeverRunsOnTheSchedule() throws {
        let settings = CISettings()
        let github = try XCTUnwrap(try Yams.compose(yaml: CIPlatform.github.text(settings)))
        XCTAssertEqual(github["on"]?["schedule"]?.array().compactMap { $0["cron"]?.string }, ["17 * * * *"])
        let sequences = try XCTUnwrap(github["jobs"]?["sequences"])
        let condition = try XCTUnwrap(sequences["if"]?.string)
        XCTAssertTrue(condition.contains("github.event_name == 'schedule'") && condition.contains("default_branch"), condition)
        XCTAssertTrue(github["jobs"]?["publish"]?["if"]?.string?.contains("github.event_name != 'schedule'") ?? false, "a schedule sends no issue")
        XCTAssertEqual(sequences["permissions"]?["contents"]?.string, "write")
        for secret in CIPipeline.secrets {
            XCTAssertEqual(sequences["env"]?[secret]?.string, "${{ secrets.\(secret) }}")
        }
        XCTAssertNil(sequences["env"]?["GAZETTE_SHARD"])
        let scripts = runScripts(sequences)
        XCTAssertTrue(scripts.contains { $0.contains("gazette sequences run ${GAZETTE_VIA:+--via \"$GAZETTE_VIA\"}") }, "\(scripts)")
        let commit = try XCTUnwrap(sequences["steps"]?.array().first { $0["name"]?.string == "Commit the sequence logs back" })
        XCTAssertEqual(commit["if"]?.string, "always()")
        XCTAssertTrue(commit["run"]?.string?.contains("Sequence logs${GAZETTE_SHARD:+ of shard $GAZETTE_SHARD} from $GAZETTE_RUN [skip ci]") ?? false)

        let gitlab = try XCTUnwrap(try Yams.compose(yaml: CIPlatform.gitlab.text(settings)))
        let job = try XCTUnwrap(gitlab["sequences"])
        XCTAssertEqual(job["rules"]?.array().compactMap { $0["if"]?.string },
                       ["$CI_PIPELINE_SOURCE == \"schedule\" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"])
        XCTAssertEqual(job["resource_group"]?.string, "gazette-publish", "never beside a publish")
        XCTAssertEqual(job["allow_failure"]?["exit_codes"]?.array().compactMap(\.int), [75])
        let publishRules = gitlab["publish"]?["rules"]?.array() ?? []
        XCTAssertTrue(publishRules.contains { $0["if"]?.string == "$CI_PIPELINE_SOURCE == \"schedule\"" && $0["when"]?.string == "never" },
                      "a scheduled pipeline publishes nothing")
        XCTAssertTrue((job["after_script"]?.array() ?? []).compactMap(\.string).joined().contains("[skip ci]"))
    }

    /// A newsletter with a one-step welcome sequence due to all six readers now.
    func writeWelcomeSequence(in work: URL) throws {
        let prose = String(repeating: "This sentence is here so the message reads like a real welcome note. ", count: 8)
        let folder = work.appendingPathComponent("content/sequences/welcome")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "---\ntitle: \"Welcome aboard\"\nafter: 0d\n---\n\nHi {{subscriber.name}}, MARKER-WELCOME.\n\n\(prose)\n"
            .write(to: folder.appendingPathComponent("01-welcome.md"), atomically: true, encoding: .utf8)
        let today = String(LogRecord.timestamp(Date().addingTimeInterval(-3600)).prefix(19)) + "Z"
        let rows = (0..<6).map { "reader\($0)@example.org,Reader \($0),\(today)" }
        try ("email,name,subscribed_at\n" + rows.joined(separator: "\n") + "\n")
            .write(to: work.appendingPathComponent("subscribers/main.csv"), atomically: true, encoding: .utf8)
    }

    /// The bot commit's files: all under what a push that starts no publish may change (`paths-ignore`).
    func assertOnlyIgnoredPaths(_ remote: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let changed = try git(["show", "--name-only", "--format=", "main"], in: remote).split(separator: "\n").map(String.init)
        XCTAssertFalse(changed.isEmpty, file: file, line: line)
        for path in changed {
            XCTAssertTrue(path.hasPrefix("logs/") || path == "subscribers/suppressed.csv", "\(path) would start a publish", file: file, line: line)
        }
    }

    func testGitHubSequencesJobRunTwiceSendsEachStepOnceAndCommitsTheLogBack() throws {
        let server = try TestSMTPServer.start()
        addTeardownBlock { server.stop() }
        let remote = try makeRepository(.github, prepare: writeWelcomeSequence)
        let workflow = try ciFile(.github, in: try clone(remote, as: "look"))
        let steps = try gitHubSteps(workflow, job: "sequences")
        XCTAssertEqual(steps.map(\.name), ["Install gazette", "Start from the newest commit of the default branch", "Send due sequence steps",
                                           "Fold unsubscribes and bounces into suppressed.csv", "Commit the sequence logs back"])
        let ciEnvironment = ["GAZETTE_BRANCH": "main", "GAZETTE_RUN": "schedule 1", "GAZETTE_UNSUBSCRIBE_SECRET": "test-secret",
                             "GAZETTE_VIA": "smtp://127.0.0.1:\(server.port)?tls=none", "GAZETTE_SMTP_PASSWORD": "", "GAZETTE_DKIM_KEY": ""]

        let first = try runSteps(steps, in: try clone(remote, as: "runner-1"), environment: ciEnvironment)
        XCTAssertEqual(first.map(\.status), [0, 0, 0, 0, 0], first.map { "\($0.name): \($0.output)" }.joined(separator: "\n"))
        XCTAssertEqual(try server.receivedMessages().flatMap(\.rcptTos).sorted(), (0..<6).map { "reader\($0)@example.org" }.sorted())
        XCTAssertTrue(try server.receivedMessages().allSatisfy { String(decoding: $0.content, as: UTF8.self).contains("MARKER-WELCOME") },
                      "the step, not the issue that is ready: a schedule publishes no issue")
        XCTAssertEqual(try remoteLog(remote).first, "gazette-bot|Sequence logs from schedule 1 [skip ci]")
        XCTAssertTrue(try remoteFiles(remote).contains("logs/sequences/welcome/welcome.jsonl"))
        try assertOnlyIgnoredPaths(remote)

        // The next hour's run, on a fresh runner: the committed log says everyone has the step.
        let second = try runSteps(steps, in: try clone(remote, as: "runner-2"), environment: ciEnvironment.merging(["GAZETTE_RUN": "schedule 2"]) { $1 })
        XCTAssertEqual(second.map(\.status), [0, 0, 0, 0, 0], second.map { "\($0.name): \($0.output)" }.joined(separator: "\n"))
        XCTAssertEqual(try server.receivedMessages().count, 6, "the second run sends nothing: \(second[2].output)")
        XCTAssertTrue(second[4].output.contains("nothing to commit"), second[4].output)
        XCTAssertEqual(try remoteLog(remote).count, 2, "one writer commit, one bot commit")
    }

    func testGitLabSequencesJobRunTwiceSendsEachStepOnce() throws {
        let server = try TestSMTPServer.start()
        addTeardownBlock { server.stop() }
        let remote = try makeRepository(.gitlab, prepare: writeWelcomeSequence)
        let job = try XCTUnwrap(try ciFile(.gitlab, in: try clone(remote, as: "look"))["sequences"])
        let script = (job["script"]?.array() ?? []).compactMap(\.string).joined(separator: "\n")
        let afterScript = (job["after_script"]?.array() ?? []).compactMap(\.string).joined(separator: "\n")
        let ciEnvironment = gitLabEnvironment(job, pipeline: 9, server: server)
        for run in 1...2 {
            let steps = try runSteps([("script", script, false), ("after_script", afterScript, true)], in: try clone(remote, as: "runner-\(run)"),
                                     environment: ciEnvironment)
            XCTAssertEqual(steps.map(\.status), [0, 0], steps.map { "\($0.name): \($0.output)" }.joined(separator: "\n"))
            XCTAssertEqual(try server.receivedMessages().count, 6, "run \(run)")
        }
        XCTAssertEqual(try remoteLog(remote), ["gazette-bot|Sequence logs from https://gitlab.example.org/p/-/pipelines/9 [skip ci]", "Writer|A newsletter with CI"])
        try assertOnlyIgnoredPaths(remote)
    }
}
