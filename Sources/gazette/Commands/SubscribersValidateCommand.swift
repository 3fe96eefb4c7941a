// `gazette subscribers validate` and `stats`: read-only reports over the lists.
import ArgumentParser
import Foundation
import Gazette

struct SubscribersValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check every list: readable rows, valid addresses, duplicates, role addresses, typos.",
        discussion: """
        Errors are rows publish would skip; warnings are rows that are probably unwanted. Each is one line, file:line, with a hint. Exit 1 with errors (with warnings too under --strict).

        Examples:
          gazette subscribers validate
          gazette subscribers validate --list main --strict --format json
          gazette subscribers validate --check-mx

        --check-mx asks DNS (once per domain) whether each domain receives mail: a null
        MX (RFC 7505), a domain that does not exist, or one with neither MX nor address
        is an error (every message to it would bounce); a look-up that fails is a warning.
        """
    )

    @Option(help: ArgumentHelp("Only this list (repeatable; default: every list).", valueName: "list"))
    var list: [String] = []

    @Flag(help: "Fail on warnings too.")
    var strict = false

    @Flag(help: "Look up each domain's MX (network): null MX, no such domain, no mail host.")
    var checkMx = false

    @Option(help: ArgumentHelp("The DNS server for --check-mx (default: /etc/resolv.conf's).", valueName: "ip[:port]"))
    var dnsServer: String?

    func validate() throws {
        if let dnsServer {
            guard checkMx else { throw ValidationError("--dns-server goes with --check-mx") }
            do { _ = try ListMXCheck(dnsServer: dnsServer) } catch { throw ValidationError("--dns-server: \(error)") }
        }
    }

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        try SubscribersCommand.run(printer: printer) {
            let mxCheck = checkMx ? try ListMXCheck(dnsServer: dnsServer) : nil
            let report = try ListValidation(root: project.root).run(lists: list.isEmpty ? nil : list, mxCheck: mxCheck)
            let failed = report.errors > 0 || (strict && report.warnings > 0)
            if printer.format == .json {
                printer.printJSON([
                    "ok": !failed, "errors": report.errors, "warnings": report.warnings, "suppressed": report.suppressed,
                    "lists": report.lists.map { ["name": $0.name, "path": $0.path, "rows": $0.rows, "valid": $0.valid] as [String: Any] },
                    "diagnostics": report.diagnostics.map(DiagnosticPrinter.json),
                ].merging(mxCheck.map { ["domains_checked": $0.domainsChecked, "dns_lookups": $0.resolver.statistics.lookups] } ?? [:]) { $1 })
            } else {
                printer.print(report.diagnostics)
                for list in report.lists { printer.say("\(list.path): \(list.rows) rows, \(list.valid) distinct valid addresses") }
                if let mxCheck {
                    printer.say("--check-mx: \(mxCheck.domainsChecked) domains, \(mxCheck.resolver.statistics.lookups) DNS look-ups")
                }
                printer.say("\(report.errors) error\(report.errors == 1 ? "" : "s"), \(report.warnings) warning\(report.warnings == 1 ? "" : "s")")
            }
            if failed { throw ExitCode(1) }
        }
    }
}

struct SubscribersStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Per list: subscribers, suppressed, the biggest domains, growth per month (subscribed_at).",
        discussion: """
        Example:
          gazette subscribers stats --list main --format json
        """
    )

    @Option(help: ArgumentHelp("Only this list (repeatable; default: every list).", valueName: "list"))
    var list: [String] = []

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        try SubscribersCommand.run(printer: printer) {
            let lists = try ListStats(root: project.root).run(lists: list.isEmpty ? nil : list)
            if printer.format == .json {
                printer.printJSON(["lists": lists.map { figures -> [String: Any] in
                    [
                        "name": figures.name, "path": figures.path, "rows": figures.rows, "subscribers": figures.subscribers,
                        "suppressed": figures.suppressed, "unusable_rows": figures.problems, "undated": figures.undated,
                        "domains": figures.domains.map { ["domain": $0.domain, "count": $0.count] as [String: Any] },
                        "growth": figures.growth.map { ["month": $0.month, "count": $0.count] as [String: Any] },
                    ]
                }])
                return
            }
            for figures in lists {
                printer.say("\(figures.name) (\(figures.path)): \(figures.subscribers) subscribers, \(figures.suppressed) suppressed, "
                            + "\(figures.subscribers - figures.suppressed) reachable; \(figures.problems) unusable rows")
                printer.say("  domains: " + figures.domains.map { "\($0.domain) \($0.count)" }.joined(separator: ", "))
                if figures.growth.isEmpty {
                    printer.say("  growth: no subscribed_at dates")
                } else {
                    printer.say("  growth: " + figures.growth.map { "\($0.month) +\($0.count)" }.joined(separator: ", ")
                                + (figures.undated > 0 ? " (\(figures.undated) undated)" : ""))
                }
            }
        }
    }
}
