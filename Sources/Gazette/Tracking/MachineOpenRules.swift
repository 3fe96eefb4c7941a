// Which opens a person did not make: fetches from the networks in tracking/machine-ranges.txt (Apple Mail
// Privacy Protection's proxies), the bare `Mozilla/5.0` User-Agent those proxies send, and fetches within a few
// seconds of the send (mail security scanners prefetch every image as the message arrives). A heuristic,
// documented as one in docs/tracking.md: it flags, it never drops an open.
import Foundation

/// Decides whether an open is a machine's.
public struct MachineOpenRules: Sendable {
    let ranges: [IPRange]
    /// Opens this soon after the message was made are a scanner's prefetch.
    public var prefetchWindow: TimeInterval = 10

    /// The User-Agent of Apple's MPP image proxy: the product token alone, no platform or engine.
    static let proxyUserAgent = "Mozilla/5.0"

    /// Ranges from the text of a ranges file: `17.0.0.0/8`, `2620:149::/32` or an address a line, `#` comments.
    /// Lines that are none of these come back as warnings naming `path` and the line.
    public init(text: String, path: String) {
        var ranges: [IPRange] = [], problems: [Diagnostic] = []
        for (offset, raw) in text.textLines().enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?
                .trimmingCharacters(in: .whitespaces) ?? ""
            guard !line.isEmpty else { continue }
            if let range = IPRange(line) {
                ranges.append(range)
            } else {
                problems.append(.warning("machine-range-invalid", "\"\(line)\" is not an IP range; ignored",
                                         at: SourceLocation(path: path, line: offset + 1),
                                         hint: "write one range a line in CIDR form, like 17.0.0.0/8 or 2620:149::/32"))
            }
        }
        self.ranges = ranges
        self.problems = problems
    }

    /// What reading the ranges file found wrong.
    public let problems: [Diagnostic]

    /// The project's ranges file (`tracking.machine_ranges`), or the list `gazette init` writes when it has none.
    public init(project: Project) {
        let path = project.configuration.tracking.machineRanges
        if let text = try? String(contentsOf: project.url(path), encoding: .utf8) {
            self.init(text: text, path: path)
        } else {
            self.init(text: DefaultFiles.project["tracking/machine-ranges.txt"] ?? "", path: "(built-in) tracking/machine-ranges.txt")
        }
    }

    /// Whether an open from `client` with `userAgent`, `now`, of a message made at `sent`, is a machine's.
    public func isMachine(client: String?, userAgent: String?, sent: Date, now: Date) -> Bool {
        if let userAgent, userAgent.trimmingCharacters(in: .whitespaces) == Self.proxyUserAgent { return true }
        let age = now.timeIntervalSince(sent)
        if age >= 0, age < prefetchWindow { return true }
        guard let client, let address = IPAddress(client) else { return false }
        return ranges.contains { $0.contains(address) }
    }
}
