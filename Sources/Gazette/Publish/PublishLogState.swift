// What a publish log says so far: its header, and for each recipient the last known status. A `sending`
// line without an outcome reads as `uncertain`; a torn last line (a crash mid-write) is ignored.
import Foundation

/// The state of an issue's publish, read back from its log.
public struct PublishLogState: Sendable {
    public var header: LogRecord?
    /// Last status per address key (see `AddressKey`).
    public private(set) var statuses: [UInt64: RecipientStatus] = [:]
    /// Times of every `sent` outcome, for per-hour and per-day caps.
    public private(set) var sentTimes: [Date] = []
    /// Lines that could not be read (other than a torn last line), with their numbers.
    public private(set) var unreadableLines: [Int] = []
    public private(set) var runs = 0
    /// Whether the last run began and never wrote its `run-end` line (killed, runner lost): a cut-off log.
    public private(set) var lastRunOpen = false
    /// The counts of the last run that ended (its `run-end` summary).
    public private(set) var lastRunSummary: [String: Int]?
    /// An A/B publish: when a test-phase run first ended having read its whole audience (nil: not yet).
    public private(set) var abTestFinishedAt: Date?
    /// An A/B publish: the winner its first winner-phase run recorded (`A`…), and how it was chosen.
    public private(set) var abWinner: String?
    public private(set) var abWinnerReason: String?
    /// An A/B publish: a winner-phase run ended having read its whole audience.
    public private(set) var abWinnerFinished = false
    /// The phase of the run that is being read.
    private var runPhase: ABPhase?

    public init() {}

    /// Reads `url` in chunks (a million recipients make a log of hundreds of MB); a missing file is an empty state.
    public init(reading url: URL, keepSentTimes: Bool = true) throws {
        try LogLineReader.forEachLine(in: url) { line, number in
            readLine(line, number: number, keepSentTimes: keepSentTimes)
        }
        // A line torn by a crash mid-write (no newline after it) is ignored by design.
    }

    mutating func readLine(_ line: ArraySlice<UInt8>, number: Int, keepSentTimes: Bool) {
        guard !line.isEmpty else { return }
        guard let record = LogLineReader.record(line) else {
            unreadableLines.append(number)
            return
        }
        apply(record, keepSentTimes: keepSentTimes)
    }

    mutating func apply(_ record: LogRecord, keepSentTimes: Bool) {
        switch record.event {
        case .header:
            if header == nil { header = record }
        case .runStart:
            runs += 1
            lastRunOpen = true
            runPhase = record.phase
            if abWinner == nil, let winner = record.winner {
                abWinner = winner
                abWinnerReason = record.winnerReason
            }
        case .runEnd:
            lastRunOpen = false
            lastRunSummary = record.summary
            // A run that read its whole audience: not stopped, nobody left unread for --limit or a cap.
            let complete = record.summary?["interrupted", default: 0] == 0 && record.summary?["not_attempted", default: 0] == 0
            switch record.phase ?? runPhase {
            case .test?: if complete, abTestFinishedAt == nil { abTestFinishedAt = LogRecord.date(record.time) }
            case .winner?: if complete { abWinnerFinished = true }
            case nil: break
            }
            runPhase = nil
        case .sending:
            guard let address = record.address else { return }
            // Until its outcome arrives, a message in flight counts as possibly delivered.
            statuses[AddressKey.hash64(AddressKey.normalize(address))] = .uncertain
        case .sent, .failed, .invalid, .deferred, .uncertain:
            guard let address = record.address, let status = record.status else { return }
            statuses[AddressKey.hash64(AddressKey.normalize(address))] = status
            if status == .sent, keepSentTimes, let time = LogRecord.date(record.time) { sentTimes.append(time) }
        }
    }

    /// How many recipients are in each state.
    public var counts: [RecipientStatus: Int] {
        var counts: [RecipientStatus: Int] = [:]
        for status in statuses.values { counts[status, default: 0] += 1 }
        return counts
    }

    public func status(ofKey key: UInt64) -> RecipientStatus? { statuses[key] }
}
