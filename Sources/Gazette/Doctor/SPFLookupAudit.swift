// Counts an SPF record's DNS-querying terms over its whole include/redirect tree and the look-ups in it
// that find nothing, as receivers count them (RFC 7208 §4.6.4: at most 10, and at most 2 void).
// Unlike check_host(), which stops at the first match, this walks everything, so a record that passes for
// one address but breaks for another is still reported.
import SMTP

struct SPFLookupAudit: Sendable, Equatable {
    /// include, a, mx, ptr, exists and redirect, in the record and everything it includes.
    var lookupTerms = 0
    /// Look-ups that found no record (a name with no address, an include with no SPF record).
    var voidLookups = 0
    /// `ptr` terms seen (RFC 7208 §5.5: "SHOULD NOT be used").
    var ptrTerms = 0
    /// Problems found on the way ("include:_spf.gone.example has no SPF record").
    var problems: [String] = []
    /// Look-ups that failed (timeout, SERVFAIL): the counts are then lower bounds.
    var failures: [String] = []

    static func audit(_ record: SPFRecord, domain: String, lookups: any DoctorLookups) -> SPFLookupAudit {
        var audit = SPFLookupAudit()
        var visited: Set<String> = [domain.lowercased()]
        audit.walk(record, domain: domain, lookups: lookups, visited: &visited, depth: 0)
        return audit
    }

    private mutating func walk(_ record: SPFRecord, domain: String, lookups: any DoctorLookups,
                               visited: inout Set<String>, depth: Int) {
        lookupTerms += record.lookupTerms
        // Beyond the limit every receiver has stopped already; no need to fetch more.
        guard depth < 12, lookupTerms <= SPFEvaluator.lookupLimit * 2 else { return }
        var targets: [(String, String)] = record.directives.compactMap { directive in
            if case .include(let name) = directive.mechanism { return (name, directive.text) }
            return nil
        }
        if let redirect = record.redirect { targets.append((redirect, "redirect=\(redirect)")) }
        for directive in record.directives {
            switch directive.mechanism {
            case .ptr: ptrTerms += 1
            case .a(let spec, _, _), .mx(let spec, _, _):
                let name = spec ?? domain
                guard !name.contains("%") else { continue }
                let isMX = if case .mx = directive.mechanism { true } else { false }
                let result: LookupResult<Int> = isMX
                    ? LookupResult { let answer = try lookups.mx(name); return DNSAnswer(value: answer.value.count, ttl: answer.ttl) }
                    : LookupResult { let answer = try lookups.addresses(name); return DNSAnswer(value: answer.value.count, ttl: answer.ttl) }
                note(result, term: directive.text, what: isMX ? "no MX records" : "no address")
            default: break
            }
        }
        for (name, term) in targets where !name.contains("%") {
            guard visited.insert(name.lowercased()).inserted else {
                problems.append("`\(term)` includes \(name) a second time (a loop or a duplicate)")
                continue
            }
            switch SPFFetch.fetch(name, lookups: lookups) {
            case .record(let included): walk(included, domain: name, lookups: lookups, visited: &visited, depth: depth + 1)
            case .none:
                voidLookups += 1
                problems.append("`\(term)`: \(name) publishes no SPF record")
            case .several: problems.append("`\(term)`: \(name) publishes more than one SPF record")
            case .invalid(_, let error): problems.append("`\(term)`: the record of \(name) is invalid: \(error)")
            case .failed(let reason): failures.append("`\(term)`: \(reason)")
            }
        }
    }

    private mutating func note(_ result: LookupResult<Int>, term: String, what: String) {
        switch result {
        case .found(let count) where count > 0: break
        case .found, .absent:
            voidLookups += 1
            problems.append("`\(term)` finds \(what)")
        case .failed(let reason): failures.append("`\(term)`: \(reason)")
        }
    }
}
