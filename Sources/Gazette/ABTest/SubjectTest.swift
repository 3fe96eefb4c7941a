// An issue's A/B subject test as its front matter writes it: `subjects: [A, B]` (2–4), `test_share: 20%`,
// and optionally `ab_winner:` and `ab_wait:`. Mistakes are diagnostics at their line; the split is ABSplit's.
import Foundation

/// The subject test of one issue.
public struct SubjectTest: Sendable, Equatable {
    /// The subjects, one per arm, in the order written (arm A is the first).
    public var subjects: [String]
    /// The share of the audience in the test, in basis points (2000 = 20 %), split evenly over the arms.
    public var shareBasisPoints: Int
    /// `ab_winner:` — who wins, decided in the front matter (a CI merge); nil: not decided there.
    public var winner: WinnerChoice?
    /// `ab_wait:` — after this long past the test phase, `gazette ci publish` picks the winner by `auto`.
    public var wait: TimeSpan?
    /// Where `subjects:` is, for diagnostics about the test as a whole.
    public var location: SourceLocation?

    public static let defaultShareBasisPoints = 2000
    public static let armRange = 2...4
    public static let frontMatterKeys = ["subjects", "test_share", "ab_winner", "ab_wait"]

    public init(subjects: [String], shareBasisPoints: Int = SubjectTest.defaultShareBasisPoints, winner: WinnerChoice? = nil,
                wait: TimeSpan? = nil, location: SourceLocation? = nil) {
        self.subjects = subjects
        self.shareBasisPoints = shareBasisPoints
        self.winner = winner
        self.wait = wait
        self.location = location
    }

    /// `A`, `B`, `C`, `D`: how arms are named in logs, reports and on the command line.
    public static func letter(ofArm arm: Int) -> String {
        arm >= 0 && arm < 26 ? String(UnicodeScalar(UInt8(65 + arm))) : String(arm + 1)
    }

    /// The 0-based arm named `letter` (`A`…), or nil.
    public static func arm(named letter: String) -> Int? {
        let text = letter.trimmingCharacters(in: .whitespaces).uppercased()
        guard text.count == 1, let scalar = text.unicodeScalars.first, scalar.value >= 65, scalar.value < 65 + 26 else { return nil }
        return Int(scalar.value) - 65
    }

    /// `20%` (or `12.5%`).
    public var shareDescription: String { Self.describe(basisPoints: shareBasisPoints) }

    static func describe(basisPoints: Int) -> String {
        basisPoints % 100 == 0 ? "\(basisPoints / 100)%" : String(format: "%g%%", Double(basisPoints) / 100)
    }

    /// Who wins the test: an arm, or `auto` (by click rate, then by human open rate, from the events files).
    public enum WinnerChoice: Sendable, Equatable, CustomStringConvertible {
        case arm(Int)
        case auto

        /// `A`…`D`, `1`…`4` or `auto` (any case); nil for anything else or an arm past `arms`.
        public init?(parsing text: String, arms: Int) {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.lowercased() == "auto" { self = .auto; return }
            if let index = Int(trimmed) {
                guard index >= 1, index <= arms else { return nil }
                self = .arm(index - 1)
                return
            }
            guard let arm = SubjectTest.arm(named: trimmed), arm < arms else { return nil }
            self = .arm(arm)
        }

        public var description: String {
            switch self {
            case .arm(let arm): SubjectTest.letter(ofArm: arm)
            case .auto: "auto"
            }
        }

        /// What to write instead of a bad value.
        static func hint(arms: Int) -> String {
            let letters = (0..<arms).map { SubjectTest.letter(ofArm: $0) }.joined(separator: ", ")
            return "name the winning subject by letter (\(letters)) or number (1–\(arms)), or write auto"
        }
    }
}

extension SubjectTest {
    /// Reads the test from an issue's front matter; nil when there is no `subjects:`. Mistakes go to `errors`.
    static func read(frontMatter reader: YAMLReader, errors: inout [Diagnostic]) -> SubjectTest? {
        guard reader.contains("subjects") else {
            for key in frontMatterKeys.dropFirst() where reader.contains(key) {
                errors.append(.error("ab-without-subjects", "`\(key):` belongs to an A/B subject test, but there is no `subjects:`",
                                     at: reader.location(ofKey: key),
                                     hint: "add `subjects: [\"first subject\", \"second subject\"]`, or remove `\(key):`"))
            }
            return nil
        }
        let location = reader.location(ofKey: "subjects")
        var subjects: [String] = []
        do {
            let items = try reader.locatedStrings("subjects") ?? []
            var seen: [String: Int] = [:]
            for (index, item) in items.enumerated() {
                let text = item.value.trimmingCharacters(in: .whitespacesAndNewlines)
                if text.isEmpty {
                    errors.append(.error("ab-subject-empty", "subject \(letter(ofArm: index)) of `subjects:` is empty",
                                         at: item.location, hint: "write the subject, or remove the empty entry"))
                } else if let first = seen[text.lowercased()] {
                    errors.append(.error("ab-subject-duplicate",
                                         "subject \(letter(ofArm: index)) repeats subject \(letter(ofArm: first)): \"\(text)\"",
                                         at: item.location, hint: "an A/B test compares different subjects: change or remove one"))
                } else {
                    seen[text.lowercased()] = index
                }
                subjects.append(item.value)
            }
            if items.count < armRange.lowerBound {
                errors.append(.error("ab-subjects-count", "`subjects:` has \(items.count) subject\(items.count == 1 ? "" : "s"); an A/B test needs 2 to 4",
                                     at: location, hint: "add another subject to compare, or write a single subject as `subject:`"))
            } else if items.count > armRange.upperBound {
                errors.append(.error("ab-subjects-count", "`subjects:` has \(items.count) subjects; at most 4 can be tested at once",
                                     at: location, hint: "keep the 4 you most want to compare"))
            }
        } catch let error as DiagnosticError {
            errors += error.diagnostics
        } catch {}
        if reader.contains("subject") {
            errors.append(.error("ab-subject-and-subjects", "`subject:` and `subjects:` are both set",
                                 at: reader.location(ofKey: "subject"),
                                 hint: "an A/B test sends the subjects of `subjects:`; remove `subject:` (`title:` stays the archive title)"))
        }
        var test = SubjectTest(subjects: subjects, location: location)
        if reader.contains("test_share") {
            let shareLocation = reader.location(ofKey: "test_share")
            let text = (try? reader.string("test_share")) ?? nil
            if let text, let basisPoints = parseShare(text) {
                if basisPoints >= 1, basisPoints <= 10_000 {
                    test.shareBasisPoints = basisPoints
                } else {
                    errors.append(.error("ab-test-share", "`test_share:` is \(text.trimmingCharacters(in: .whitespaces)); it must be above 0 % and at most 100 %",
                                         at: shareLocation, hint: "write a percentage such as `test_share: 20%` (100% splits everyone over the arms)"))
                }
            } else {
                errors.append(.error("ab-test-share", "`test_share:` is not a percentage: \"\(text ?? "(a list or mapping)")\"",
                                     at: shareLocation, hint: "write it like `test_share: 20%`"))
            }
        }
        let arms = max(armRange.lowerBound, min(armRange.upperBound, subjects.count))
        if let text = (try? reader.string("ab_winner")) ?? nil {
            if let choice = WinnerChoice(parsing: text, arms: arms) {
                test.winner = choice
            } else {
                errors.append(.error("ab-winner", "`ab_winner:` \"\(text)\" names no subject of this test",
                                     at: reader.location(ofKey: "ab_winner"), hint: WinnerChoice.hint(arms: arms)))
            }
        } else if reader.contains("ab_winner"), (try? reader.string("ab_winner")) == nil {
            errors.append(.error("ab-winner", "`ab_winner:` should be a single value", at: reader.location(ofKey: "ab_winner"),
                                 hint: WinnerChoice.hint(arms: arms)))
        }
        if reader.contains("ab_wait") {
            let text = (try? reader.string("ab_wait")) ?? nil
            if let text, let span = TimeSpan(text) {
                test.wait = span
            } else {
                errors.append(.error("ab-wait", "`ab_wait:` is not a length of time: \"\(text ?? "")\"",
                                     at: reader.location(ofKey: "ab_wait"), hint: TimeSpan.hint))
            }
        }
        return test
    }

    /// `20%`, `20 %` or `12.5%` → basis points; nil when it is not a number with a percent sign (a bare `20`
    /// or `0.2` is refused: which of 20 %, 0.2 % or 2 000 % was meant cannot be told).
    static func parseShare(_ text: String) -> Int? {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix("%") else { return nil }
        trimmed = String(trimmed.dropLast()).trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(trimmed), value.isFinite else { return nil }
        return Int((value * 100).rounded())
    }
}
