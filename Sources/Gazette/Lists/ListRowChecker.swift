// The checks validate makes on each row of a list, on the row's bytes: the address cleaned (ListAddress's rules),
// role and typo warnings (ListAddressLint's), the subscribed_at date (ListDate's), and duplicates by AddressKey's
// hash. A plain ASCII local part takes a path with no allocation; every other address takes ListAddress.clean.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Mail

/// Checks rows one at a time and remembers the first row of every address, across lists.
struct ListRowChecker {
    /// A domain as written, cleaned once: a list holds few distinct domains and a million rows. Its bytes live in
    /// `domainBytes`, so that looking one up retains nothing.
    private struct Domain {
        var written: Range<Int>
        /// Lower-cased, in A-labels; nil when DomainName refuses it (the row then takes the full path for its error).
        var cleaned: Range<Int>?
        /// The cleaned domain as a string and the provider it is probably a typo of.
        var typo: (domain: String, fix: String)?
    }

    private var lint = ListAddressLint()
    private var domainIndex = HashedKeyTable()  // FNV of the written domain → index in `domains`
    private var domains: [Domain] = []
    private var domainBytes: [UInt8] = []
    // First row of each address across the lists: key hash → list index << 40 | line, 16 bytes an entry. A 64-bit
    // collision could only add a false duplicate warning (odds about n²/2⁶⁵).
    private var firstSeen = HashedKeyTable()
    private var paths: [String] = []
    private var listIndex = 0
    private var dateColumn: Int?

    /// Starts the list `path`, whose `subscribed_at` column (if any) is `dateColumn`.
    mutating func startList(index: Int, path: String, dateColumn: Int?, expectedRows: Int) {
        listIndex = index
        paths.append(path)
        self.dateColumn = dateColumn
        firstSeen.reserveCapacity(firstSeen.count + min(expectedRows, 50_000_000))
    }

    /// Checks `record` (whose trimmed email field is `email`), adding its findings to `diagnostics`; true when
    /// the row has a usable address not seen before. `location` is called only when there is a finding.
    mutating func check(_ record: CSVRawRecord, email: UnsafeBufferPointer<UInt8>, location: () -> SourceLocation,
                        into diagnostics: inout [Diagnostic]) -> Bool {
        let key: UInt64
        if let fast = fastCheck(email, location: location, into: &diagnostics) {
            key = fast
        } else {
            let raw = String(decoding: email, as: UTF8.self)
            switch ListAddress.clean(raw) {
            case .failure(let problem):
                diagnostics.append(.error("address-invalid", problem.message, at: location(), hint: problem.hint))
                return false
            case .success(let address):
                diagnostics += lint.warnings(for: address, at: location())
                key = AddressKey(address).hash64
            }
        }
        if let dateColumn {
            let value = SubscriberListReader.trimmed(record.field(dateColumn))
            if !value.isEmpty, !ListDate.isDate(value) {
                diagnostics.append(.warning("subscribed-at-invalid", "subscribed_at \"\(String(decoding: value, as: UTF8.self))\" is not an ISO 8601 date",
                                            at: location(), hint: "write dates as 2026-03-14 or 2026-03-14T09:30:00Z"))
            }
        }
        let line = UInt64(listIndex) << 40 | UInt64(record.line)
        let packed = firstSeen.insertIfAbsent(key, line)
        if packed != line {
            let first = (list: Int(packed >> 40), line: Int(packed & 0xFF_FFFF_FFFF))
            let address = cleanedAddress(email)
            let where_ = first.list == listIndex ? "line \(first.line)" : "\(paths[first.list]):\(first.line)"
            diagnostics.append(.warning(
                first.list == listIndex ? "address-duplicate" : "address-duplicate-across-lists",
                "\(address) is already on \(where_)", at: location(),
                hint: first.list == listIndex
                    ? "delete one of the rows: publish sends once, from the first"
                    : "fine if the subscriber chose both lists: an issue to both is sent once"))
            return false
        }
        return true
    }

    /// The key hash of an address whose local part is plain ASCII dot-atom and whose domain cleans, after its role
    /// and typo warnings; nil for any other address (the caller takes ListAddress.clean).
    private mutating func fastCheck(_ email: UnsafeBufferPointer<UInt8>, location: () -> SourceLocation,
                                    into diagnostics: inout [Diagnostic]) -> UInt64? {
        guard let at = email.lastIndex(of: UInt8(ascii: "@")), at + 1 < email.count, email[at + 1] < 0x80 else { return nil }
        let local = UnsafeBufferPointer(rebasing: email[..<at])
        guard ListAddress.isDotAtomLocalPart(local) else { return nil }
        guard let index = domain(UnsafeBufferPointer(rebasing: email[(at + 1)...])), let cleaned = domains[index].cleaned else { return nil }
        if let role = ListAddressLint.role(ofLocalPart: local) {
            diagnostics.append(ListAddressLint.roleWarning(cleanedAddress(email), role: role, at: location()))
        }
        if let typo = domains[index].typo {
            diagnostics.append(ListAddressLint.typoWarning(cleanedAddress(email), domain: typo.domain, fix: typo.fix, at: location()))
        }
        // AddressKey of the cleaned address, in pieces: the local part lower-cased, "@", the cleaned domain.
        var hash = AddressKey.fnv1a64(local, lowercasing: true)
        hash = withUnsafeBytes(of: UInt8(ascii: "@")) { AddressKey.fnv1a64($0.bindMemory(to: UInt8.self), lowercasing: false, from: hash) }
        return domainBytes.withUnsafeBufferPointer { AddressKey.fnv1a64(UnsafeBufferPointer(rebasing: $0[cleaned]), lowercasing: false, from: hash) }
    }

    /// The index in `domains` of `written`, cleaned on first sight; nil past 100,000 domains or for the second of
    /// two domains with one hash (the row then takes ListAddress.clean).
    private mutating func domain(_ written: UnsafeBufferPointer<UInt8>) -> Int? {
        let hash = AddressKey.fnv1a64(written, lowercasing: false)
        if let known = domainIndex.value(for: hash).map({ Int($0) }) {
            let range = domains[known].written
            let same = range.count == written.count && domainBytes.withUnsafeBufferPointer { bytes in
                memcmp(bytes.baseAddress! + range.lowerBound, written.baseAddress!, range.count) == 0
            }
            return same ? known : nil
        }
        guard domains.count < 100_000 else { return nil }
        let start = domainBytes.count
        domainBytes += written
        var entry = Domain(written: start..<domainBytes.count)
        var cleaned: [UInt8]?
        if let upper = ListAddress.asciiDomainHasUpperCase(written) {
            cleaned = upper ? written.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 } : Array(written)
        } else if let ascii = try? DomainName.ascii(String(decoding: written, as: UTF8.self)) {
            cleaned = Array(ascii.utf8)
        }
        if let cleaned {
            let cleanedStart = domainBytes.count
            domainBytes += cleaned
            entry.cleaned = cleanedStart..<domainBytes.count
            let name = String(decoding: cleaned, as: UTF8.self)
            entry.typo = lint.typo(of: name).map { (name, $0) }
        }
        domains.append(entry)
        _ = domainIndex.insertIfAbsent(hash, UInt64(domains.count - 1))
        return domains.count - 1
    }

    /// The cleaned form of `email` (for a message), the slow way: only rows with a finding come here.
    private func cleanedAddress(_ email: UnsafeBufferPointer<UInt8>) -> String {
        let raw = String(decoding: email, as: UTF8.self)
        if case .success(let address) = ListAddress.clean(raw) { return address }
        return raw
    }
}
