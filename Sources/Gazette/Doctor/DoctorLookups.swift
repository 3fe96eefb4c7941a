// The DNS look-ups the doctor makes, as a protocol SMTP's DNSResolver answers (tests may answer it too), and the one place
// that decides what a failed look-up means: "nothing published" (NXDOMAIN, no data) or "could not check".
import SMTP

/// The four record types the doctor reads.
protocol DoctorLookups: Sendable {
    func txt(_ name: String) throws -> DNSAnswer<[String]>
    func mx(_ domain: String) throws -> DNSAnswer<[MXRecord]>
    func addresses(_ host: String) throws -> DNSAnswer<[String]>
    func ptr(_ address: String) throws -> DNSAnswer<[String]>
}

extension DNSResolver: DoctorLookups {}

/// What a look-up gave: records, nothing published, or no usable answer.
enum LookupResult<Value: Sendable> {
    case found(Value)
    /// NXDOMAIN or no records of the type: the name really has none.
    case absent
    /// Timeout, SERVFAIL, a malformed answer or no resolver: nothing can be concluded.
    case failed(String)

    init(_ body: () throws -> DNSAnswer<Value>) {
        do {
            self = .found(try body().value)
        } catch let failure as DNSFailure {
            self = failure.isPermanent ? .absent : .failed(failure.description)
        } catch {
            self = .failed("\(error)")
        }
    }

    /// The records, with an absent name as none.
    var values: Value? {
        if case .found(let value) = self { return value }
        return nil
    }
}
