// `--ab-winner auto`: the arm with the highest unique click rate over its delivered recipients; when clicks
// cannot decide, the highest unique human open rate. It refuses — with what to do — when there are no
// events, too few, or a tie, rather than crown an arm by noise.
import Foundation

/// Chooses the winner of an A/B test from its tally.
public enum ABWinnerPicker {
    /// Each arm needs this many delivered recipients before any rate of it is compared.
    public static let minimumDelivered = 20
    /// Clicks (or human opens) decide only with at least this many unique clicking (opening) recipients over
    /// all arms together.
    public static let minimumResponders = 10

    /// The chosen arm (0-based) and why, in words for the log and the summary.
    public struct Pick: Sendable, Equatable {
        public var arm: Int
        public var reason: String
    }

    /// The winner by click rate, then by human open rate; throws a diagnostic that says why not and what to do
    /// (`issue` is how the hint's commands name the issue: its number).
    public static func pick(_ tally: ABTally, issue: String) throws -> Pick {
        let arms = tally.arms
        let byHand = "choose by hand: gazette publish \(issue) --ab-winner \(arms.first?.letter ?? "A") (or `ab_winner:` in the front matter)"
        guard arms.count >= 2 else {
            throw refusal("the publish logs have no A/B test arms to compare", hint: "send the test phase first: gazette publish \(issue)")
        }
        if let small = arms.first(where: { $0.delivered < minimumDelivered }) {
            throw refusal("too few to decide: arm \(small.letter) has \(small.delivered) delivered recipients; `auto` needs at least \(minimumDelivered) in each arm",
                          hint: "raise `test_share:`, or \(byHand)")
        }
        let clickers = arms.reduce(0) { $0 + $1.clickers }, openers = arms.reduce(0) { $0 + $1.humanOpeners }
        if clickers == 0 && openers == 0 {
            throw refusal("there are no click or human open events of the test arms' recipients in events/",
                          hint: "engagement tracking must be on in `gazette serve` and its events files in events/; wait for readers, or \(byHand)")
        }
        var ties: [String] = []
        for (kind, count, value) in [("click", clickers, \ABTally.Arm.clickers), ("human open", openers, \ABTally.Arm.humanOpeners)] {
            guard count >= minimumResponders else { continue }
            // Rates compared exactly: a/n > b/m as a·m > b·n.
            guard let best = arms.indices.max(by: { arms[$0][keyPath: value] * arms[$1].delivered < arms[$1][keyPath: value] * arms[$0].delivered })
            else { continue }
            let tied = arms.indices.filter { $0 != best && arms[$0][keyPath: value] * arms[best].delivered == arms[best][keyPath: value] * arms[$0].delivered }
            if tied.isEmpty {
                let rates = arms.map { "\($0.letter) \($0[keyPath: value])/\($0.delivered) (\(percent(Double($0[keyPath: value]) / Double($0.delivered))))" }
                return Pick(arm: best, reason: "auto: highest unique \(kind) rate, \(rates.joined(separator: ", "))")
            }
            ties.append("\(kind)s tie between \(([best] + tied).map { arms[$0].letter }.joined(separator: " and ")) at \(percent(Double(arms[best][keyPath: value]) / Double(arms[best].delivered)))")
        }
        if !ties.isEmpty {
            throw refusal("no winner: " + ties.joined(separator: "; "), hint: "wait for more events, or \(byHand)")
        }
        throw refusal("too few to decide: \(clickers) clicking and \(openers) human opening recipients over the arms; `auto` needs at least \(minimumResponders) of one kind",
                      hint: "wait for more events, or \(byHand)")
    }

    static func percent(_ rate: Double) -> String { String(format: "%.1f%%", rate * 100) }

    private static func refusal(_ message: String, hint: String) -> DiagnosticError {
        DiagnosticError(.error("ab-winner-undecided", message, at: SourceLocation(path: EventsFile.directoryName), hint: hint))
    }
}
