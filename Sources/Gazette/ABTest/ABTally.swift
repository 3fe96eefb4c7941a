// Per arm of an issue's A/B subject test: who was delivered the test subject (from every log of the issue,
// shards summed) and who of them clicked or opened (from the events files, through EventsReader). The `auto` winner and the
// report's per-arm section both read it, so they always agree.
import Foundation

/// What an issue's A/B test did, arm by arm.
public struct ABTally: Sendable {
    /// One arm of the test.
    public struct Arm: Sendable, Equatable {
        /// `A`…`D`.
        public var letter: String
        /// The arm's subject as the log header wrote it (nil when no header names it).
        public var subject: String?
        /// Recipients of the test phase whose message was accepted (`sent`): the rates' denominator.
        public var delivered = 0
        /// Test-phase recipients whose outcome was anything but sent (deferred, failed, invalid, uncertain).
        public var notDelivered = 0
        /// Delivered recipients with at least one click on the issue.
        public var clickers = 0
        /// Delivered recipients with at least one open by a person (machine opens are left out).
        public var humanOpeners = 0
        /// Delivered recipients whose only opens were machine opens.
        public var machineOnlyOpeners = 0

        public var clickRate: Double { delivered == 0 ? 0 : Double(clickers) / Double(delivered) }
        public var openRate: Double { delivered == 0 ? 0 : Double(humanOpeners) / Double(delivered) }
    }

    public var arms: [Arm] = []
    /// Recipients the winner phase delivered (the rest, with the winning subject).
    public var restDelivered = 0
    /// The winner a winner-phase run recorded (in any of the issue's logs), how it was chosen, and in which log.
    public var recordedWinner: (letter: String, reason: String?, log: String)?
    /// Whether a log of the issue says it is an A/B test (a header with `subjects`, or arm lines).
    public var isABTest = false
    /// Click and open events of this issue read, and what the events files ran into.
    public var issueEvents = 0
    public var problems: [Diagnostic] = []

    public init() {}

    /// Reads the logs of the issue `slug` in `project`'s logs/ and (unless `readingEvents` is false: the arms'
    /// delivered counts and the recorded winner only) its events in events/.
    public init(project: Project, slug: String, readingEvents: Bool = true) throws {
        let logsFolder = project.url("logs")
        var recipients: [UInt64: (arm: UInt8, sent: Bool)] = [:]
        var subjects: [String]?
        var maxArm = -1
        let eventPattern = LogLineReader.keyPattern("event"), addressPattern = LogLineReader.keyPattern("address")
        let armPattern = LogLineReader.keyPattern("arm"), phasePattern = LogLineReader.keyPattern("phase")
        var rest: [UInt64: Bool] = [:]
        for url in PublishLogSet.files(ofIssue: slug, in: logsFolder) {
            let path = "logs/\(url.lastPathComponent)"
            try LogLineReader.forEachLine(in: url) { line, _ in
                guard let event = LogLineReader.stringValue(matching: eventPattern, in: line) else { return }
                switch event {
                case "header":
                    if subjects == nil, let record = LogLineReader.record(line), let named = record.subjects {
                        subjects = named
                        isABTest = true
                    }
                case "run-start":
                    if recordedWinner == nil, let record = LogLineReader.record(line), let winner = record.winner {
                        recordedWinner = (winner, record.winnerReason, path)
                    }
                case "sending", "sent", "deferred", "failed", "invalid", "uncertain":
                    guard let letter = LogLineReader.stringValue(matching: armPattern, in: line), let arm = SubjectTest.arm(named: letter),
                          let address = LogLineReader.stringValue(matching: addressPattern, in: line) else { return }
                    isABTest = true
                    let key = AddressKey(address).hash64
                    let sent = event == "sent"
                    if LogLineReader.stringValue(matching: phasePattern, in: line) == ABPhase.winner.rawValue {
                        rest[key] = sent
                    } else {
                        recipients[key] = (UInt8(arm), sent)
                        maxArm = max(maxArm, arm)
                    }
                default:
                    return
                }
            }
        }
        guard isABTest else { return }
        let count = max(subjects?.count ?? 0, maxArm + 1)
        arms = (0..<count).map { index in
            Arm(letter: SubjectTest.letter(ofArm: index), subject: subjects.flatMap { $0.indices.contains(index) ? $0[index] : nil })
        }
        for entry in recipients.values {
            if entry.sent { arms[Int(entry.arm)].delivered += 1 } else { arms[Int(entry.arm)].notDelivered += 1 }
        }
        restDelivered = rest.values.filter { $0 }.count

        guard readingEvents else { return }
        // Each delivered recipient counts once per kind, however often they clicked or opened.
        var clicked = Set<UInt64>(), opened = Set<UInt64>(), machineOpened = Set<UInt64>()
        let reading = EventsReader.forEachEngagement(in: project) { event, _, _ in
            guard event.issue == slug else { return }
            issueEvents += 1
            let key = AddressKey(event.email).hash64
            guard let recipient = recipients[key], recipient.sent else { return }
            switch event.event {
            case .click:
                if clicked.insert(key).inserted { arms[Int(recipient.arm)].clickers += 1 }
            case .open where event.machine == true:
                machineOpened.insert(key)
            case .open:
                if opened.insert(key).inserted { arms[Int(recipient.arm)].humanOpeners += 1 }
            }
        }
        for key in machineOpened.subtracting(opened) {
            if let recipient = recipients[key] { arms[Int(recipient.arm)].machineOnlyOpeners += 1 }
        }
        problems = reading
    }
}
