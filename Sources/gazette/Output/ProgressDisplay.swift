// Progress of a publish: a bar with count, rate, ETA and failures on a terminal; a plain line every
// few seconds in CI or when output is not a terminal; nothing with --format json.
import Foundation
import Gazette

final class ProgressDisplay: @unchecked Sendable {
    let printer: DiagnosticPrinter
    let interactive: Bool
    private let lock = NSLock()
    private var total = 0
    private var started = Date()
    private var lastPlain = Date.distantPast
    private var drewBar = false

    init(printer: DiagnosticPrinter) {
        self.printer = printer
        interactive = isatty(1) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
    }

    func start(_ plan: Publisher.Plan) {
        lock.lock()
        total = plan.estimatedRecipients
        started = Date()
        lock.unlock()
        for warning in plan.warnings { printer.writeError(printer.line(for: warning)) }
        printer.say("Publishing \(plan.issue) via \(plan.transport)"
                    + (plan.resumed ? " (resuming \(plan.logPath ?? ""))" : plan.logPath.map { ", log \($0)" } ?? "")
                    + ": about \(plan.estimatedRecipients) recipients")
    }

    func update(_ summary: PublishSummary) {
        guard printer.format == .text else { return }
        lock.lock()
        defer { lock.unlock() }
        let done = summary.attempted + summary.alreadyDone + summary.suppressed + summary.duplicates + summary.composed
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let rate = Double(summary.attempted + summary.composed) / elapsed
        let remaining = max(total - done, 0)
        let eta = rate > 0 ? Self.duration(Double(remaining) / rate) : "--:--"
        let failures = summary.failed + summary.invalid
        if interactive {
            let width = 24
            let filled = total > 0 ? min(width, width * done / total) : 0
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            let line = "[\(bar)] \(done)/\(total)  \(Int(rate))/s  ETA \(eta)  failed \(failures)  deferred \(summary.deferred)"
            FileHandle.standardOutput.write(Data(("\r" + line + "\u{1B}[K").utf8))
            drewBar = true
        } else if Date().timeIntervalSince(lastPlain) >= 5 {
            lastPlain = Date()
            printer.say("progress: \(done)/\(total) done, \(summary.sent) sent, \(failures) failed, "
                        + "\(summary.deferred) deferred, \(Int(rate))/s, ETA \(eta)")
        }
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drewBar { FileHandle.standardOutput.write(Data("\n".utf8)) }
        drewBar = false
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 3600 ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
            : String(format: "%d:%02d", whole / 60, whole % 60)
    }

    static func summaryLine(_ summary: PublishSummary, dryRun: Bool, issue: String = "ISSUE") -> String {
        if dryRun {
            return "Dry run: \(summary.composed) messages composed, \(summary.invalid) invalid, "
                + "\(summary.suppressed) suppressed, \(summary.duplicates) duplicates, \(summary.alreadyDone) already done"
                + (summary.abHeld > 0 ? ", \(summary.abHeld) held for the A/B winner" : "") + "; nothing sent"
        }
        var parts = ["\(summary.sent) sent", "\(summary.deferred) deferred", "\(summary.failed) failed",
                     "\(summary.invalid) invalid", "\(summary.uncertain) uncertain", "\(summary.suppressed) suppressed",
                     "\(summary.duplicates) duplicates", "\(summary.alreadyDone) already done"]
        if summary.rowProblems > 0 { parts.append("\(summary.rowProblems) unreadable rows") }
        if summary.notAttempted > 0 { parts.append("\(summary.notAttempted) not attempted") }
        if summary.abWaitingForWinner { parts.append("\(summary.abHeld) held for the A/B winner") }
        var line = "Done: " + parts.joined(separator: ", ")
        let left = summary.deferred > 0 || summary.uncertain > 0 || summary.notAttempted > 0
        if let reason = summary.stopReason { line += " (stopped: run again to continue)\nstopped: \(reason)" }
        else if summary.interrupted { line += " (interrupted: run again to continue)" }
        else if left { line += " (run again to retry the rest)" }
        if summary.suppressionNotRecorded > 0 {
            line += "\nwarning: \(summary.suppressionNotRecorded) hard bounces could not be added to subscribers/suppressed.csv "
                + "(is it writable?); their failures are in the publish log: run `gazette subscribers sync` to suppress them"
        }
        if let winner = summary.abWinner {
            line += "\nA/B winner phase: the rest gets subject \(winner) (\(summary.abWinnerReason ?? "chosen"))"
        } else if summary.abWaitingForWinner, !summary.interrupted {
            line += "\nA/B test phase sent; \(summary.abHeld) recipients wait for the winner. When the results are in, send them: "
                + "gazette publish \(issue) --ab-winner A|B|auto (or set `ab_winner:` in the front matter). `gazette report \(issue)` shows the arms."
        }
        return line
    }
}
