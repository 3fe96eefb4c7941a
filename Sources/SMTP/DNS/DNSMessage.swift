// Reads a DNS reply through libresolv's parser (ns_initparse, ns_parserr, ns_name_uncompress), which
// checks every length against the end of the packet. Nothing of the C structures outlives `init`.
internal import CResolv

/// The parts of a reply the resolver uses.
struct DNSMessage {
    /// One resource record of the answer section, decoded for the types we ask for.
    enum RecordData: Equatable {
        case mx(preference: Int, exchange: String)
        case name(String)            // PTR, CNAME
        case strings([[UInt8]])      // TXT character-strings
        case address(String)         // A, AAAA
        case other
    }

    struct Record: Equatable {
        let type: UInt16
        let ttl: Int
        let data: RecordData
    }

    let id: UInt16
    let isResponse: Bool
    let truncated: Bool
    /// RFC 1035 §4.1.1 RCODE: 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED…
    let rcode: Int
    let answers: [Record]
    /// RFC 2308 §5: the negative-caching TTL, min(SOA TTL, SOA MINIMUM) from the authority section.
    let negativeTTL: Int?

    /// The id and flags alone (12 bytes), to match a reply to its query before parsing the rest.
    static func header(_ bytes: [UInt8]) -> (id: UInt16, isResponse: Bool, truncated: Bool, rcode: Int)? {
        guard bytes.count >= 12 else { return nil }
        return (UInt16(bytes[0]) << 8 | UInt16(bytes[1]), bytes[2] & 0x80 != 0, bytes[2] & 0x02 != 0, Int(bytes[3] & 0x0F))
    }

    /// Parses the whole reply; throws malformedAnswer (naming `name`) when any part does not fit.
    init(_ bytes: [UInt8], name: String) throws(DNSFailure) {
        guard let header = Self.header(bytes) else { throw .malformedAnswer("\(name): a reply of \(bytes.count) bytes") }
        (id, isResponse, truncated, rcode) = header
        var answers: [Record] = []
        var negativeTTL: Int?
        let parsed: Bool = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            var message = ns_msg()
            guard ns_initparse(base, Int32(buffer.count), &message) == 0 else { return false }
            let answerCount = Int(gazette_ns_msg_count(&message, ns_s_an))
            for index in 0..<min(answerCount, 4096) {
                var record = ns_rr()
                guard ns_parserr(&message, ns_s_an, Int32(index), &record) == 0 else { return false }
                guard record.rr_class == UInt16(ns_c_in.rawValue) else { continue }
                guard let data = Self.decode(record, message: &message) else { return false }
                answers.append(Record(type: record.type, ttl: Int(record.ttl), data: data))
            }
            let authorityCount = Int(gazette_ns_msg_count(&message, ns_s_ns))
            for index in 0..<min(authorityCount, 64) {
                var record = ns_rr()
                guard ns_parserr(&message, ns_s_ns, Int32(index), &record) == 0 else { return false }
                if record.type == DNSRecordType.soa.rawValue, let minimum = Self.soaMinimum(record, message: &message) {
                    negativeTTL = min(Int(record.ttl), minimum)
                }
            }
            return true
        }
        guard parsed else { throw .malformedAnswer("\(name): the reply does not parse (lengths or names out of bounds)") }
        self.answers = answers
        self.negativeTTL = negativeTTL
    }

    private static func decode(_ record: ns_rr, message: inout ns_msg) -> RecordData? {
        let length = Int(record.rdlength)
        guard let rdata = record.rdata else { return length == 0 ? .other : nil }
        switch DNSRecordType(rawValue: record.type) {
        case .mx:
            guard length >= 3 else { return nil }
            let preference = Int(rdata[0]) << 8 | Int(rdata[1])
            guard let (exchange, _) = uncompress(rdata + 2, message: &message) else { return nil }
            return .mx(preference: preference, exchange: exchange)
        case .ptr, .cname:
            guard let (target, _) = uncompress(rdata, message: &message) else { return nil }
            return .name(target)
        case .txt:
            var strings: [[UInt8]] = []
            var offset = 0
            while offset < length {
                let count = Int(rdata[offset])
                guard offset + 1 + count <= length else { return nil }
                strings.append(Array(UnsafeBufferPointer(start: rdata + offset + 1, count: count)))
                offset += 1 + count
            }
            return .strings(strings)
        case .a:
            guard length == 4 else { return nil }
            return .address((0..<4).map { String(rdata[$0]) }.joined(separator: "."))
        case .aaaa:
            guard length == 16 else { return nil }
            var text = [CChar](repeating: 0, count: 64)
            guard inet_ntop(AF_INET6, rdata, &text, socklen_t(text.count)) != nil else { return nil }
            return .address(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        default:
            return .other
        }
    }

    /// A domain name at `pointer` (compression followed, bounded by libresolv), without the trailing
    /// dot ("" for the root), and the bytes it took in place.
    private static func uncompress(_ pointer: UnsafePointer<UInt8>, message: inout ns_msg) -> (String, Int)? {
        var text = [CChar](repeating: 0, count: Int(NS_MAXDNAME) + 1)
        let used = ns_name_uncompress(gazette_ns_msg_base(&message), gazette_ns_msg_end(&message), pointer, &text, text.count)
        guard used > 0 else { return nil }
        var name = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if name == "." { name = "" }
        if name.hasSuffix(".") { name.removeLast() }
        return (name, Int(used))
    }

    /// The MINIMUM field of an SOA record: after two names, the fifth 32-bit number.
    private static func soaMinimum(_ record: ns_rr, message: inout ns_msg) -> Int? {
        guard let rdata = record.rdata else { return nil }
        let length = Int(record.rdlength)
        guard let (_, first) = uncompress(rdata, message: &message), first < length,
            let (_, second) = uncompress(rdata + first, message: &message), first + second + 20 <= length
        else { return nil }
        let offset = first + second + 16
        return (0..<4).reduce(0) { $0 << 8 | Int(rdata[offset + $1]) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
