// MX of the From and return-path domains: replies go to From, bounces to the return path, and receivers
// distrust a sender domain that cannot receive mail. A null MX (RFC 7505) says it never does.
import SMTP

extension Doctor {
    func checkMX(_ domain: String) -> DoctorFinding {
        let suggestion = DoctorFinding.Record(name: domain, type: "MX", value: "10 mail.\(domain).")
        switch LookupResult({ try lookups.mx(domain) }) {
        case .failed(let reason):
            return .unchecked("mx", domain, reason)
        case .found(let records) where !records.isEmpty:
            let usable = records.filter { !$0.exchange.isEmpty && $0.exchange != "." }
            guard !usable.isEmpty else {
                return DoctorFinding("mx", domain, .warn,
                    "\(domain) publishes a null MX (RFC 7505): it accepts no mail, so replies and bounces to it are lost, "
                        + "and some receivers refuse mail from such a domain",
                    fix: "publish the MX of the mailbox that reads replies and bounces instead of the null MX", record: suggestion)
            }
            let listed = usable.sorted { $0.preference < $1.preference }.map { "\($0.preference) \($0.exchange)" }
            return DoctorFinding("mx", domain, .pass, "MX " + listed.joined(separator: ", "))
        case .found, .absent:
            switch LookupResult({ try lookups.addresses(domain) }) {
            case .failed(let reason): return .unchecked("mx", domain, "no MX; its addresses: \(reason)")
            case .found(let addresses) where !addresses.isEmpty:
                return DoctorFinding("mx", domain, .warn,
                    "\(domain) has no MX, so mail to it goes to its address \(addresses.joined(separator: ", ")) (the implicit MX, RFC 5321 §5.1)",
                    fix: "publish an MX record for the server that receives replies and bounces", record: suggestion)
            case .found, .absent:
                return DoctorFinding("mx", domain, .fail, "\(domain) has neither an MX nor an address: replies and bounces cannot reach it",
                                     fix: "publish an MX record for the server that receives its mail", record: suggestion)
            }
        }
    }
}
