// Reads an events file back: unsubscribes and confirmed subscriptions by line; the engagement events of
// `gazette serve` (click, open) are left to the reports; a torn last line (a crash mid-write) is ignored,
// any other unreadable line is reported with its number, never silently dropped.
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

    /// Event types other readers own: skipped here without a warning.
    static let otherTypes: Set<String> = ["click", "open"]

    private struct Kind: Decodable { var event: String }

    public private(set) var entries: [Entry] = []
    public private(set) var confirmations: [Confirmation] = []
    public private(set) var problems: [Diagnostic] = []

    /// Reads `url`; `path` names it in diagnostics.
    public init(url: URL, path: String) throws {
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
            } else if let kind, Self.otherTypes.contains(kind.event) {
                continue
            } else {
                problems.append(.warning("events-line-unreadable", "line \(number) is not an event gazette knows",
                                         at: SourceLocation(path: path, line: number),
                                         hint: "events files are written by `gazette serve`; check what else wrote here"))
            }
        }
        // Bytes after the last newline: a line torn by a crash, never acknowledged (the 200 follows the fsync).
    }
}
