// Reads an events file back: one UnsubscribeEvent per line; a torn last line (a crash mid-write) is ignored,
// any other unreadable line is reported with its number, never silently dropped.
import Foundation

/// The events of one `events/<date>.jsonl` file.
public struct EventsReader: Sendable {
    public struct Entry: Sendable {
        public var event: UnsubscribeEvent
        /// 1-based line number.
        public var line: Int
    }

    public private(set) var entries: [Entry] = []
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
            if let event = try? decoder.decode(UnsubscribeEvent.self, from: Data(line)), event.event == "unsubscribe",
               !event.email.isEmpty {
                entries.append(Entry(event: event, line: number))
            } else {
                problems.append(.warning("events-line-unreadable", "line \(number) is not an unsubscribe event",
                                         at: SourceLocation(path: path, line: number),
                                         hint: "events files are written by `gazette serve`; check what else wrote here"))
            }
        }
        // Bytes after the last newline: a line torn by a crash, never acknowledged (the 200 follows the fsync).
    }
}
