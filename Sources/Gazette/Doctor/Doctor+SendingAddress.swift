// Which addresses SPF must authorise: the relay's (its host resolved) for smtp:// and smtps://, this host's
// outgoing address for direct delivery — known locally only as the source address of the default route.
import SMTP

extension Doctor {
    /// The addresses mail leaves from, as far as they can be known here, and how they were found.
    struct SendingAddresses {
        var addresses: [IPAddress] = []
        /// How the addresses were found, or why there are none.
        var note: String
        /// When no address could be found: a failure, a warning or a failed look-up.
        var problem: DoctorFinding.Status?
    }

    /// A public address whose route is the default route (RFC 5737 TEST-NET-2; a UDP connect sends nothing).
    static let routeProbe = "198.51.100.1"

    /// A relay on this host or a private network hands mail on from another, public, address.
    static let privateRelayNote = "; it is on this host or a private network, so what the Internet sees is the address it sends onward from: check SPF for that one too"

    func sendingAddresses(_ route: Route) -> SendingAddresses {
        switch route {
        case .relay(let relay):
            if let address = IPAddress(relay.host) {
                return SendingAddresses(addresses: [address], note: "the relay's address \(relay.host) (delivery.via)"
                    + (address.isPrivate ? Self.privateRelayNote : ""))
            }
            switch LookupResult({ try lookups.addresses(relay.host) }) {
            case .found(let texts):
                let addresses = texts.compactMap(IPAddress.init)
                return SendingAddresses(addresses: addresses, note: "the relay \(relay.host) (delivery.via) resolves to "
                    + addresses.map(\.text).joined(separator: ", ")
                    + "; a relay may send onward from other addresses, which the SPF include its documentation names covers"
                    + (addresses.allSatisfy(\.isPrivate) ? Self.privateRelayNote : ""))
            case .absent:
                return SendingAddresses(note: "the relay \(relay.host) (delivery.via) has no address in DNS", problem: .fail)
            case .failed(let reason):
                return SendingAddresses(note: "the relay \(relay.host) could not be resolved: \(reason)", problem: .unchecked)
            }
        case .direct:
            guard let text = outgoingAddress(Self.routeProbe), let address = IPAddress(text) else {
                return SendingAddresses(note: "this host has no route to the Internet, so its sending address is unknown", problem: .warn)
            }
            if address.isPrivate {
                return SendingAddresses(note: "this host's outgoing address \(text) (the source of its default route) is private: "
                    + "behind NAT the Internet sees another address, which cannot be known from here; check that one's SPF, PTR and EHLO name",
                    problem: .warn)
            }
            return SendingAddresses(addresses: [address],
                                    note: "this host's outgoing address \(text), the source of its default route (direct delivery)")
        case .outbox:
            return SendingAddresses(note: "delivery.via is an outbox: nothing is sent from here, so no sending address is checked", problem: .warn)
        case .unknown(let via):
            return SendingAddresses(note: "delivery.via \"\(via)\" is neither an outbox, a relay URL nor direct", problem: .fail)
        }
    }
}
