// What a publish of an A/B issue sends: the test phase (each arm's recipients their arm's subject, the rest
// held back), or — with a winner from `--ab-winner`, `ab_winner:` or a winner an earlier run recorded — the
// winner phase (the rest with the winning subject, and any arm recipient still left with their own).
import Foundation

/// The phase and winner of one publish run of an issue with `subjects:`.
public struct ABPublishPlan: Sendable {
    public var split: ABSplit
    public var phase: ABPhase
    /// The winning arm (0-based), in the winner phase.
    public var winner: Int?
    /// How the winner was chosen ("--ab-winner B", "auto: highest unique click rate …").
    public var winnerReason: String?

    public var winnerLetter: String? { winner.map(SubjectTest.letter(ofArm:)) }

    /// Decides the run. `choice` is `--ab-winner` as typed (nil: the front matter's `ab_winner:`, if any).
    /// Throws when a winner is asked for but cannot be had yet, or conflicts with the one already recorded.
    static func decide(project: Project, issue: IssueSource, prepared: PreparedIssue, state: PublishLogState,
                       choice typed: String?) throws -> ABPublishPlan? {
        let here = SourceLocation(path: issue.path, line: issue.subjectTest?.location?.line ?? 1)
        guard let test = issue.subjectTest, let split = prepared.abSplit else {
            if let typed {
                throw DiagnosticError(.error("ab-not-a-test", "--ab-winner \(typed): \(issue.path) has no A/B subject test", at: here,
                                             hint: "give the issue `subjects: [\"…\", \"…\"]` to test subjects, or leave --ab-winner out"))
            }
            return nil
        }
        let arms = test.subjects.count
        let number = String(issue.number)
        var choice: SubjectTest.WinnerChoice?
        var source = "ab_winner: in the front matter"
        if let typed {
            guard let parsed = SubjectTest.WinnerChoice(parsing: typed, arms: arms) else {
                throw DiagnosticError(.error("ab-winner", "--ab-winner \(typed) names no subject of this test", at: here,
                                             hint: SubjectTest.WinnerChoice.hint(arms: arms)))
            }
            choice = parsed
            source = "--ab-winner \(typed)"
        } else {
            choice = test.winner
        }
        // A winner once recorded (in this log or another shard's) is the winner: shards never disagree, and a
        // later `auto` with more events cannot change what part of the rest already got.
        let tally = try ABTally(project: project, slug: prepared.slug, readingEvents: choice == .auto)
        let recorded = state.abWinner.map { ($0, state.abWinnerReason, "this log") }
            ?? tally.recordedWinner.map { ($0.letter, $0.reason, $0.log) }
        guard choice != nil || recorded != nil else {
            return ABPublishPlan(split: split, phase: .test)
        }
        if state.abTestFinishedAt == nil {
            // `ab_winner:` written before the test went out: the test phase goes first all the same.
            if typed == nil, recorded == nil { return ABPublishPlan(split: split, phase: .test) }
            throw DiagnosticError(.error("ab-test-unfinished", "the A/B test phase of \(issue.name) has not been sent to the end yet, so no winner can be sent",
                                         at: here, hint: "run `gazette publish \(number)` without a winner first; it sends the test arms and stops"))
        }
        if let (letter, reason, log) = recorded, let recordedArm = SubjectTest.arm(named: letter), recordedArm < arms {
            if case .arm(let chosen)? = choice, chosen != recordedArm {
                throw DiagnosticError(.error("ab-winner-conflict",
                                             "\(source) chooses \(SubjectTest.letter(ofArm: chosen)), but \(log) already sends the rest with \(letter)",
                                             at: here, hint: "the winner of a begun winner phase stays: use --ab-winner \(letter), or leave it out"))
            }
            return ABPublishPlan(split: split, phase: .winner, winner: recordedArm, winnerReason: reason ?? "recorded in \(log)")
        }
        switch choice {
        case .arm(let arm)?:
            return ABPublishPlan(split: split, phase: .winner, winner: arm, winnerReason: source)
        case .auto?:
            let pick = try ABWinnerPicker.pick(tally, issue: number)
            return ABPublishPlan(split: split, phase: .winner, winner: pick.arm, winnerReason: pick.reason)
        case nil:
            return ABPublishPlan(split: split, phase: .test)
        }
    }
}
