// Which arm of an A/B test won and why, for the report's outputs: the winner a winner-phase run recorded, or,
// before that, what `--ab-winner auto` would choose now (ABWinnerPicker, the same rule), or why it cannot yet.

extension ABTally {
    /// Where an A/B test stands.
    public enum Standing: Sendable, Equatable {
        /// The winner phase ran with this arm; `reason` as its run recorded it (`auto: …`, or chosen by hand).
        case won(letter: String, reason: String)
        /// No winner phase yet; `auto` would choose this arm now, for `reason`.
        case leading(letter: String, reason: String)
        /// No winner phase yet, and `auto` would refuse, for `reason`.
        case undecided(reason: String)

        /// `won`, `leading` or `undecided`: the JSON and CSV name.
        public var name: String {
            switch self {
            case .won: return "won"
            case .leading: return "leading"
            case .undecided: return "undecided"
            }
        }

        /// The arm that won or leads.
        public var letter: String? {
            switch self {
            case .won(let letter, _), .leading(let letter, _): return letter
            case .undecided: return nil
            }
        }

        public var reason: String {
            switch self {
            case .won(_, let reason), .leading(_, let reason), .undecided(let reason): return reason
            }
        }

        /// In words, for the text and the page: "the rest got B (auto: …), 800 sent".
        func sentence(restDelivered: Int) -> String {
            switch self {
            case .won(let letter, let reason): return "the rest got \(letter) (\(reason)), \(Report.number(restDelivered)) sent"
            case .leading(let letter, let reason): return "the rest waits for the winner; `auto` would choose \(letter) now (\(reason))"
            case .undecided(let reason): return "the rest waits for the winner; `auto` cannot choose yet: \(reason)"
            }
        }
    }

    /// Where the test stands now.
    public var standing: Standing {
        if let winner = recordedWinner { return .won(letter: winner.letter, reason: winner.reason ?? "chosen by hand") }
        do {
            let pick = try ABWinnerPicker.pick(self, issue: "ISSUE")
            return .leading(letter: arms[pick.arm].letter, reason: pick.reason)
        } catch let error as DiagnosticError {
            return .undecided(reason: error.diagnostics.first?.message ?? "no winner")
        } catch {
            return .undecided(reason: "\(error)")
        }
    }
}
