// One line of `gazette doctor`: a check, its outcome, what it found, and for a warning or failure what to do —
// usually a DNS record to publish, given whole so it can be pasted into the DNS provider's form.

/// The outcome of one check.
public struct DoctorFinding: Sendable, Equatable {
    public enum Status: String, Sendable, Comparable {
        case pass, warn, fail
        /// A look-up timed out or failed: nothing is known, which is neither a pass nor a failure.
        case unchecked = "could-not-check"

        private var rank: Int { [.pass: 0, .warn: 1, .unchecked: 2, .fail: 3][self] ?? 0 }
        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }
    }

    /// A DNS record that fixes the finding.
    public struct Record: Sendable, Equatable {
        public var name: String
        public var type: String
        public var value: String
    }

    /// A short identifier ("spf-authorised", "dkim-key"), stable for JSON and scripts.
    public var check: String
    /// The domain or name the check is about.
    public var subject: String
    public var status: Status
    /// What was found, in a sentence.
    public var message: String
    /// What to do, for a warning, a failure or a check that could not run.
    public var fix: String?
    /// The record to publish, when publishing one is the fix.
    public var record: Record?

    init(_ check: String, _ subject: String, _ status: Status, _ message: String, fix: String? = nil, record: Record? = nil) {
        self.check = check
        self.subject = subject
        self.status = status
        self.message = message
        self.fix = status == .pass ? nil : fix
        self.record = status == .pass ? nil : record
    }

    static func unchecked(_ check: String, _ subject: String, _ reason: String) -> DoctorFinding {
        DoctorFinding(check, subject, .unchecked, "could not check: \(reason)",
                      fix: "run `gazette doctor` again; if it keeps failing, try another resolver with --dns-server ADDRESS:PORT")
    }
}

/// Everything `gazette doctor` found.
public struct DoctorReport: Sendable {
    /// The From domain and the envelope (return-path) domain.
    public var fromDomain: String
    public var returnPathDomain: String
    /// How the addresses that were checked against SPF were found ("the relay smtp.example.net resolves to …").
    public var sendingAddressNote: String
    public var findings: [DoctorFinding]
    /// The delivery of the chain these checks were made for, and the others (`--via` checks one of those).
    public var checkedDelivery = ""
    public var otherDeliveries: [String] = []

    public var failures: Int { findings.filter { $0.status == .fail }.count }
    public var warnings: Int { findings.filter { $0.status == .warn }.count }
    public var unchecked: Int { findings.filter { $0.status == .unchecked }.count }
}
