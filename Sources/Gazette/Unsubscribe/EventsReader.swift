// Reads an events file back: unsubscribes, confirmed subscriptions and the engagement events of tracking
// (click, open) by line; a torn last line (a crash mid-write) is ignored, any other unreadable line is reported
// with its number, never silently dropped. Engagement lines are decoded only when asked for (the report, the
// A/B test); sync skips them.
import Foundation

/// The events of one `events/<date>.jsonl` file.
public struct EventsReader: Sendable {
    public struct Entry: Sendable {
        public var event: UnsubscribeEvent
        /// 1-based line number.
        public var line: Int
    }

    /// A confirmed subscription and its line.
    public struct Confirmation: Sendable {
        public var event: SubscribeConfirmedEvent
        public var line: Int
    }

    /// A click or an open and its line.
    public struct Engagement: Sendable {
        public var event: EngagementEvent
        public var line: Int
    }

    private struct Kind: Decodable { var event: String }

    public private(set) var entries: [Entry] = []
    public private(set) var confirmations: [Confirmation] = []
    /// Clicks and opens, when read with `engagement: true`.
    public private(set) var engagements: [Engagement] = []
    public private(set) var problems: [Diagnostic] = []

    /// Reads `url`; `path` names it in diagnostics. With `engagement`, clicks and opens are decoded and checked
    /// too; without, they are skipped unread.
    public init(url: URL, path: String, engagement: Bool = false) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DiagnosticError(.error("events-unreadable", "cannot read \(path): \(error.localizedDescription)",
                                         at: SourceLocation(path: path)))
        }
        let bytes = Array(data)
        let decoder = JSONDecoder()
        var start = 0, number = 0
        while let newline = bytes[start...].firstIndex(of: 0x0A) {
            number += 1
            let line = bytes[start..<newline]
            start = newline + 1
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) else { continue }
            let kind = try? decoder.decode(Kind.self, from: Data(line))
            if kind?.event == "unsubscribe", let event = try? decoder.decode(UnsubscribeEvent.self, from: Data(line)), !event.email.isEmpty {
                entries.append(Entry(event: event, line: number))
            } else if kind?.event == SubscribeConfirmedEvent.type,
                      let event = try? decoder.decode(SubscribeConfirmedEvent.self, from: Data(line)), !event.email.isEmpty, !event.list.isEmpty {
                confirmations.append(Confirmation(event: event, line: number))
            } else if kind?.event == "click" || kind?.event == "open" {
                guard engagement else { continue }
                if let event = try? decoder.decode(EngagementEvent.self, from: Data(line)), event.isComplete {
                    engagements.append(Engagement(event: event, line: number))
                } else {
                    problems.append(.warning("events-line-unreadable", "line \(number) is a \(kind?.event ?? "") event without its issue, address, time or \(kind?.event == "click" ? "url" : "machine flag")",
                                             at: SourceLocation(path: path, line: number),
                                             hint: "click and open events are written by `gazette serve`; check what else wrote here"))
                }
            } else {
                problems.append(.warning("events-line-unreadable", "line \(number) is not an event gazette knows",
                                         at: SourceLocation(path: path, line: number),
                                         hint: "events files are written by `gazette serve`; check what else wrote here"))
            }
        }
        // Bytes after the last newline: a line torn by a crash, never acknowledged (the 200 follows the fsync).
    }
}
