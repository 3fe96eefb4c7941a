// `gazette doctor`: SPF, DKIM, DMARC and MX of the sending domain, and the Gmail/Yahoo bulk-sender rules,
// each a pass/warn/fail line with the DNS record that fixes it. The checks live in Gazette's Doctor.
import ArgumentParser
import Foundation
import Gazette

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the sending domain's SPF, DKIM, DMARC and MX records and the Gmail/Yahoo bulk-sender rules.",
        discussion: """
        Looks up what the From domain (sender.address) and the return-path domain publish in DNS, compares it \
        with gazette.yml and the DKIM key in GAZETTE_DKIM_KEY or GAZETTE_DKIM_KEY_FILE, and prints one line per \
        check with what to publish to fix it. See docs/doctor.md.

        Examples:
          gazette doctor
          gazette doctor --dns-server 1.1.1.1   # one resolver only
          gazette doctor --format json

        Exit status: 0 no failure, 1 a check failed, 2 bad usage, 75 a look-up failed (timeout, SERVFAIL) \
        and nothing failed: run it again.
        """
    )

    @Option(name: .customLong("dns-server"), help: ArgumentHelp("Ask this DNS server instead of the system's resolvers.", valueName: "address[:port]"))
    var dnsServer: String?

    @Option(help: ArgumentHelp("Check this delivery of the chain (a name from delivery.transports, or a URL) instead of the first.", valueName: "name"))
    var via: String?

    @Option(help: ArgumentHelp("Seconds to wait for each DNS answer.", valueName: "seconds"))
    var timeout: Double = 3

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard timeout > 0, timeout <= 60 else { throw ValidationError("--timeout must be more than 0 and at most 60 seconds") }
    }

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        let doctor: Doctor
        do {
            doctor = try Doctor(project: project, environment: ProcessInfo.processInfo.environment, dnsServer: dnsServer, timeout: timeout, via: via)
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(2)
        }
        let report = doctor.run()
        if global.format == .json {
            printer.printJSON(Self.json(report))
        } else {
            print(report, colour: !global.noColor && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(1) == 1)
        }
        if report.failures > 0 { throw ExitCode(1) }
        if report.unchecked > 0 { throw ExitCode(75) }
    }

    private func print(_ report: DoctorReport, colour: Bool) {
        Swift.print("Sending domain \(report.fromDomain)"
            + (report.returnPathDomain == report.fromDomain ? "" : ", return path \(report.returnPathDomain)"))
        if !report.otherDeliveries.isEmpty {
            Swift.print("Delivery checked: \(report.checkedDelivery), the first of the chain; check the others with "
                + report.otherDeliveries.map { "`gazette doctor --via \($0)`" }.joined(separator: ", "))
        }
        if !report.sendingAddressNote.isEmpty { Swift.print("Sending address: \(report.sendingAddressNote)") }
        var section = ""
        for finding in report.findings {
            let heading = Self.section(of: finding.check)
            if heading != section {
                section = heading
                Swift.print("\n\(heading)")
            }
            let label = Self.label(finding.status, colour: colour)
            Swift.print("  \(label) \(finding.check) \(finding.subject): \(finding.message)")
            if let fix = finding.fix { Swift.print("        fix: \(fix)") }
            if let record = finding.record { Swift.print("        publish: \(record.name) \(record.type) \"\(record.value)\"") }
        }
        Swift.print("\n\(report.findings.count - report.failures - report.warnings - report.unchecked) passed, "
            + "\(report.warnings) warning\(report.warnings == 1 ? "" : "s"), \(report.failures) failed, "
            + "\(report.unchecked) could not be checked")
    }

    static func section(of check: String) -> String {
        if check.hasPrefix("spf") { return "SPF" }
        if check.hasPrefix("dkim") { return "DKIM" }
        if check.hasPrefix("dmarc") { return "DMARC" }
        if check == "mx" { return "MX" }
        if check == "sender" { return "Sender" }
        return "Gmail and Yahoo bulk-sender requirements"
    }

    /// A fixed-width label: "pass ", "warn ", "FAIL ", "?    ", coloured on a terminal.
    static func label(_ status: DoctorFinding.Status, colour: Bool) -> String {
        let (text, code) = switch status {
        case .pass: ("pass ", "32")
        case .warn: ("warn ", "33")
        case .fail: ("FAIL ", "31")
        case .unchecked: ("???? ", "35")
        }
        return colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    static func json(_ report: DoctorReport) -> [String: Any] {
        [
            "ok": report.failures == 0 && report.unchecked == 0,
            "from_domain": report.fromDomain,
            "return_path_domain": report.returnPathDomain,
            "sending_address": report.sendingAddressNote,
            "delivery": report.checkedDelivery,
            "other_deliveries": report.otherDeliveries,
            "counts": ["pass": report.findings.count - report.failures - report.warnings - report.unchecked,
                       "warn": report.warnings, "fail": report.failures, "could_not_check": report.unchecked],
            "findings": report.findings.map { finding -> [String: Any] in
                var object: [String: Any] = ["check": finding.check, "subject": finding.subject,
                                             "status": finding.status.rawValue, "message": finding.message]
                if let fix = finding.fix { object["fix"] = fix }
                if let record = finding.record { object["record"] = ["name": record.name, "type": record.type, "value": record.value] }
                return object
            },
        ]
    }
}
