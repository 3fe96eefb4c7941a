// `gazette bounces import PATH…`: bounces and complaints from .eml files, Maildir folders and mbox files into
// subscribers/suppressed.csv and logs/bounces.jsonl. Parses, calls BounceImporter, prints.
import ArgumentParser
import Foundation
import Gazette

struct BouncesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bounces",
        abstract: "Read bounces and complaints into the suppression list.",
        subcommands: [BouncesImportCommand.self]
    )
}

struct BouncesImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Classify bounces and complaints and suppress the addresses they condemn.",
        discussion: """
        Examples:
          gazette bounces import ~/Maildir/.Bounces
          gazette bounces import bounces.mbox failed.eml --dry-run
          gazette bounces import bounces.mbox --soft-limit 5 --soft-window 14
        Reads delivery status notifications (RFC 3464), complaints (ARF, RFC 5965),
        bounces written in free text, and Amazon SES notifications; auto-replies
        (RFC 3834) are recognised and ignored. Hard bounces (user unknown, no such
        domain) and complaints are added to subscribers/suppressed.csv at once.
        Soft bounces (mailbox full, greylisting, a policy block, …) are counted in
        logs/bounces.jsonl and suppress an address after --soft-limit of them within
        --soft-window days (bounces.soft_limit and bounces.soft_window_days in
        gazette.yml; 3 in 30 days by default). The VERP return path that publish
        writes names the recipient when the bounce does not. Apple Mail's
        unsubscribe messages count as opt-out complaints. Importing the same
        message again changes nothing. Messages that cannot be read are skipped and listed.
        Exit status: 0 done (with or without skipped messages), 1 a path does not
        exist or a file cannot be written, 2 bad usage. See docs/bounces.md.
        """
    )

    @Argument(help: ArgumentHelp("Message files, Maildir folders, folders of messages, mbox files.", valueName: "path"))
    var paths: [String]

    @Flag(help: "Classify and report; write neither suppressed.csv nor logs/bounces.jsonl.")
    var dryRun = false

    @Option(help: ArgumentHelp("Soft bounces within the window that suppress an address (default: bounces.soft_limit in gazette.yml, else 3).",
                               valueName: "n"))
    var softLimit: Int?

    @Option(help: ArgumentHelp("The soft-bounce window in days (default: bounces.soft_window_days in gazette.yml, else 30).",
                               valueName: "days"))
    var softWindow: Int?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let softLimit, softLimit < 1 { throw ValidationError("--soft-limit must be 1 or more") }
        if let softWindow, softWindow < 1 { throw ValidationError("--soft-window must be 1 day or more") }
    }

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        let settings = project.configuration.bounces
        let softWindow = self.softWindow ?? settings.softWindowDays
        let importer = BounceImporter(project: project, options: .init(dryRun: dryRun, softLimit: softLimit ?? settings.softLimit,
                                                                       softWindowDays: softWindow))
        let result: BounceImporter.Result
        do {
            result = try importer.runHoldingProjectLock(paths: paths, currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(1)
        }
        if global.format == .json {
            printer.printJSON(json(result))
            return
        }
        printer.print(result.skipped)
        for outcome in result.outcomes {
            guard let recipient = outcome.recipient, outcome.action != .ignored else { continue }
            let why = [recipient.status, recipient.reason].compactMap { $0 }.joined(separator: " ")
            let count = outcome.softCount.map { ", \($0) in \(softWindow) days" } ?? ""
            printer.say("\(outcome.origin): \(recipient.address.isEmpty ? "(no recipient)" : recipient.address): \(recipient.bounceClass.rawValue) (\(why)\(count)) → \(outcome.action.rawValue)")
        }
        let verb = dryRun ? "would suppress" : "suppressed"
        printer.say("\(result.messages) messages: \(result.count(.hard)) hard, \(result.count(.soft)) soft, \(result.count(.complaint)) complaints, "
                    + "\(result.outcomes.filter { $0.recipient == nil || $0.recipient?.bounceClass == .notABounce }.count) not bounces, "
                    + "\(result.skipped.count) skipped; \(verb) \(result.count(.suppressed)), \(result.count(.duplicate)) seen before"
                    + (dryRun ? " (dry run: nothing written)" : ""))
    }

    func json(_ result: BounceImporter.Result) -> [String: Any] {
        let records: [[String: Any]] = result.outcomes.map { outcome in
            var object: [String: Any] = ["source": outcome.origin, "method": outcome.method.rawValue, "action": outcome.action.rawValue]
            if let recipient = outcome.recipient {
                object["email"] = recipient.address
                object["class"] = recipient.bounceClass.rawValue
                object["reason"] = recipient.reason
                if let status = recipient.status { object["status"] = status }
                if let reply = recipient.replyCode { object["reply_code"] = reply }
                if let diagnostic = recipient.diagnostic { object["diagnostic"] = diagnostic }
            } else {
                object["class"] = BounceClass.notABounce.rawValue
            }
            if let count = outcome.softCount { object["soft_count"] = count }
            return object
        }
        return [
            "messages": result.messages, "dry_run": dryRun, "records": records,
            "counts": ["hard": result.count(.hard), "soft": result.count(.soft), "complaint": result.count(.complaint),
                       "suppressed": result.count(.suppressed), "duplicate": result.count(.duplicate)],
            "skipped": result.skipped.map(DiagnosticPrinter.json),
        ]
    }
}
