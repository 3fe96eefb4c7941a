// check_host() of RFC 7208 §4: is an address authorised by a domain's SPF record? Follows include and
// redirect, counts DNS-querying terms against the limit of 10 (§4.6.4) and void look-ups against 2.
import SMTP

/// The result of check_host() and the directive that decided it.
struct SPFResult: Sendable, Equatable {
    enum Kind: String, Sendable { case pass, fail, softfail, neutral, none, permerror, temperror }
    var kind: Kind
    /// "`ip4:192.0.2.0/24` in the record of _spf.relay.example" or, for errors, why.
    var detail: String
}

/// What a domain publishes as SPF.
enum SPFFetch {
    case record(SPFRecord)
    case none
    /// RFC 7208 §4.5: more than one `v=spf1` record is a permerror.
    case several([String])
    case invalid(String, SPFRecord.SyntaxError)
    case failed(String)

    static func fetch(_ domain: String, lookups: any DoctorLookups) -> SPFFetch {
        switch LookupResult({ try lookups.txt(domain) }) {
        case .failed(let reason): return .failed(reason)
        case .absent: return .none
        case .found(let strings):
            let records = strings.filter(SPFRecord.isSPF)
            guard records.count <= 1 else { return .several(records) }
            guard let text = records.first else { return .none }
            do {
                return .record(try SPFRecord(text))
            } catch {
                return .invalid(text, error)
            }
        }
    }
}

/// Runs check_host() with one look-up budget.
final class SPFEvaluator {
    static let lookupLimit = 10
    static let voidLimit = 2

    private let lookups: any DoctorLookups
    private(set) var lookupCount = 0
    private(set) var voidCount = 0
    /// What matched inside the include that matched last, for the detail of the directive around it.
    private var includeDetail: String?

    init(lookups: any DoctorLookups) { self.lookups = lookups }

    /// Whether `address` may send mail from `sender` (whose domain is `domain`) with EHLO `helo`.
    func checkHost(address: IPAddress, domain: String, sender: String, helo: String) -> SPFResult {
        lookupCount = 0
        voidCount = 0
        return evaluate(domain: domain, context: SPFMacro.Context(sender: sender, domain: domain, address: address, helo: helo), depth: 0)
    }

    private struct Stop: Error { let result: SPFResult }

    private func evaluate(domain: String, context: SPFMacro.Context, depth: Int) -> SPFResult {
        let record: SPFRecord
        switch SPFFetch.fetch(domain, lookups: lookups) {
        case .record(let found): record = found
        case .none: return SPFResult(kind: .none, detail: "\(domain) publishes no SPF record")
        case .several: return SPFResult(kind: .permerror, detail: "\(domain) publishes more than one SPF record")
        case .invalid(_, let error): return SPFResult(kind: .permerror, detail: "the SPF record of \(domain) is invalid: \(error)")
        case .failed(let reason): return SPFResult(kind: .temperror, detail: "the SPF record of \(domain) could not be read: \(reason)")
        }
        var context = context
        context.domain = domain
        do {
            for directive in record.directives {
                includeDetail = nil
                if try matches(directive, context: context, depth: depth) {
                    let inner = includeDetail.map { ", where \($0)" } ?? ""
                    return SPFResult(kind: Self.kind(directive.qualifier),
                                     detail: "`\(directive.text)` in the record of \(domain)\(inner)")
                }
            }
            if let redirect = record.redirect {
                try count(lookup: "redirect=\(redirect)")
                let target = try SPFMacro.expand(redirect, context: context, term: "redirect=\(redirect)")
                guard depth < Self.lookupLimit else { throw Stop(result: SPFResult(kind: .permerror, detail: "SPF records redirect in a loop")) }
                let result = evaluate(domain: target, context: context, depth: depth + 1)
                if result.kind == .none {
                    return SPFResult(kind: .permerror, detail: "redirect=\(redirect) names a domain with no SPF record")
                }
                return result
            }
            return SPFResult(kind: .neutral, detail: "nothing in the record of \(domain) matched (and it has no `all`)")
        } catch let stop as Stop {
            return stop.result
        } catch let error as SPFRecord.SyntaxError {
            return SPFResult(kind: .permerror, detail: "a macro in the record of \(domain): \(error)")
        } catch {
            return SPFResult(kind: .permerror, detail: "\(error)")
        }
    }

    private static func kind(_ qualifier: SPFRecord.Qualifier) -> SPFResult.Kind {
        switch qualifier {
        case .pass: .pass
        case .fail: .fail
        case .softfail: .softfail
        case .neutral: .neutral
        }
    }

    private func count(lookup term: String) throws {
        lookupCount += 1
        if lookupCount > Self.lookupLimit {
            throw Stop(result: SPFResult(kind: .permerror,
                                         detail: "more than \(Self.lookupLimit) DNS look-ups (at `\(term)`; RFC 7208 §4.6.4)"))
        }
    }

    private func void(_ term: String) throws {
        voidCount += 1
        if voidCount > Self.voidLimit {
            throw Stop(result: SPFResult(kind: .permerror,
                                         detail: "more than \(Self.voidLimit) look-ups found nothing (at `\(term)`; RFC 7208 §4.6.4)"))
        }
    }

    /// Answers of a look-up that counts: a failure stops with temperror, nothing found counts as void.
    private func resolve<Value: Sendable>(_ term: String, _ body: () throws -> DNSAnswer<Value>) throws -> Value? {
        switch LookupResult(body) {
        case .found(let value): return value
        case .absent:
            try void(term)
            return nil
        case .failed(let reason):
            throw Stop(result: SPFResult(kind: .temperror, detail: "`\(term)` could not be looked up: \(reason)"))
        }
    }

    private func matches(_ directive: SPFRecord.Directive, context: SPFMacro.Context, depth: Int) throws -> Bool {
        let term = directive.text
        let address = context.address.unmapped
        func target(_ spec: String?) throws -> String {
            guard let spec else { return context.domain }
            return try SPFMacro.expand(spec, context: context, term: term)
        }
        func contains(_ texts: [String], v4: Int, v6: Int) -> Bool {
            texts.compactMap(IPAddress.init).contains { address.isIn($0, prefix: $0.unmapped.isIPv4 ? v4 : v6) }
        }
        switch directive.mechanism {
        case .all:
            return true
        case .ip4(let network, let prefix), .ip6(let network, let prefix):
            return address.isIn(network, prefix: prefix)
        case .a(let spec, let v4, let v6):
            try count(lookup: term)
            let name = try target(spec)
            return contains(try resolve(term) { try lookups.addresses(name) } ?? [], v4: v4, v6: v6)
        case .mx(let spec, let v4, let v6):
            try count(lookup: term)
            let name = try target(spec)
            let exchanges = (try resolve(term) { try lookups.mx(name) } ?? []).map(\.exchange).filter { !$0.isEmpty && $0 != "." }
            guard exchanges.count <= 10 else {
                throw Stop(result: SPFResult(kind: .permerror, detail: "`\(term)`: \(name) has more than 10 MX hosts (RFC 7208 §4.6.4)"))
            }
            for exchange in exchanges {
                if case .found(let texts) = LookupResult({ try lookups.addresses(exchange) }), contains(texts, v4: v4, v6: v6) {
                    return true
                }
            }
            return false
        case .ptr(let spec):
            try count(lookup: term)
            let domain = try target(spec).lowercased()
            let names = try resolve(term) { try lookups.ptr(address.text) } ?? []
            for name in names.prefix(10) {
                let lower = name.lowercased().hasSuffix(".") ? String(name.lowercased().dropLast()) : name.lowercased()
                guard lower == domain || lower.hasSuffix("." + domain) else { continue }
                if case .found(let texts) = LookupResult({ try lookups.addresses(name) }), contains(texts, v4: 32, v6: 128) {
                    return true
                }
            }
            return false
        case .exists(let spec):
            try count(lookup: term)
            let name = try target(spec)
            return !(try resolve(term) { try lookups.addresses(name) } ?? []).isEmpty
        case .include(let spec):
            try count(lookup: term)
            let name = try target(spec)
            guard depth < Self.lookupLimit else { throw Stop(result: SPFResult(kind: .permerror, detail: "SPF includes loop")) }
            let result = evaluate(domain: name, context: context, depth: depth + 1)
            switch result.kind {
            case .pass:
                includeDetail = result.detail
                return true
            case .fail, .softfail, .neutral: return false
            case .temperror: throw Stop(result: result)
            case .none: throw Stop(result: SPFResult(kind: .permerror, detail: "`\(term)` names a domain with no SPF record"))
            case .permerror: throw Stop(result: result)
            }
        }
    }
}
