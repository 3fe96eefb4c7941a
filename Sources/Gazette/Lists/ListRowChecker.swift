// The checks validate makes on each row of a list, on the row's bytes: the address cleaned (ListAddress's rules),
// role and typo warnings (ListAddressLint's), the subscribed_at date (ListDate's), and the address's key
// (AddressKey's normalised form) for ListDuplicateFinder. A plain ASCII local part takes a path with no
// allocation; every other address takes ListAddress.clean.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Mail

/// Rows checked and waiting for their duplicate check (ListDuplicateFinder), with their findings so far: what
/// validate's reading thread hands to the thread that finds duplicates.
struct ListRowBatch: Sendable {
    /// A row with a usable address. Its key and address are copied into `bytes`: the record they come from is
    /// only lent until the next read.
    struct Row: Sendable {
        var key: Range<Int>, email: Range<Int>
        /// list index << 40 | line, what the finder keeps for the first row of each address.
        var line: UInt64
        /// Where the row's later findings (a duplicate, `--check-mx`) go in `diagnostics`: after its others.
        var diagnosticIndex: Int
    }
    var rows: [Row] = []
    var bytes: [UInt8] = []
    /// The findings of the batch's rows (and the reader's problems between them), in line order.
    var diagnostics: [Diagnostic] = []
    /// Rows read, usable or not.
    var rowsRead = 0
}

/// Checks rows one at a time, on their bytes, into a batch.
struct ListRowChecker {
    /// A domain as written, cleaned once: a list holds few distinct domains and a million rows. Its cleaned bytes
    /// live in `domainBytes`, so that looking one up retains nothing.
    private struct Domain {
        /// Lower-cased, in A-labels; nil when DomainName refuses it (the row then takes the full path for its error).
        var cleaned: Range<Int>?
        /// The cleaned domain as a string and the provider it is probably a typo of.
        var typo: (domain: String, fix: String)?
    }

    private var lint = ListAddressLint()
    private let domainIndex = ByteKeyTable()  // the domain as written → index in `domains`
    private var domains: [Domain] = []
    private var domainBytes: [UInt8] = []
    private var listIndex = 0
    private var dateColumn: Int?
    /// The key of the row being checked, on the fast path: local part lower-cased, "@", cleaned domain.
    private var key = [UInt8](repeating: 0, count: 64 + 1 + 253)
    private let localPartBytes = ListRowChecker.localPartTable

    /// Each byte as it appears in a key's dot-atom local part: lower-cased; "@" and "." as themselves; 0 for a byte
    /// that no ASCII dot-atom holds (RFC 5322 atext, the set Mailbox.isASCIIDotAtom accepts).
    private static let localPartTable: [UInt8] = (0..<256).map { value in
        let byte = UInt8(value)
        if byte == UInt8(ascii: "@") || byte == UInt8(ascii: ".") { return byte }
        guard withUnsafeBytes(of: byte, { Mailbox.isASCIIDotAtom($0.bindMemory(to: UInt8.self)) }) else { return 0 }
        return byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// Starts the list number `index`, whose `subscribed_at` column (if any) is `dateColumn`.
    mutating func startList(index: Int, dateColumn: Int?) {
        listIndex = index
        self.dateColumn = dateColumn
    }

    /// Checks `record` (whose trimmed email field is `email`), adding its findings to `batch`; true when the row
    /// has a usable address, which is then added to the batch for its duplicate check. `location` is called
    /// only when there is a finding.
    @discardableResult
    mutating func check(_ record: CSVRawRecord, email: UnsafeBufferPointer<UInt8>, location: () -> SourceLocation,
                        into batch: inout ListRowBatch) -> Bool {
        var slowKey: String?
        let keyLength: Int
        if let fast = fastKey(email, location: location, into: &batch.diagnostics) {
            keyLength = fast
        } else {
            let raw = String(decoding: email, as: UTF8.self)
            switch ListAddress.clean(raw) {
            case .failure(let problem):
                batch.diagnostics.append(.error("address-invalid", problem.message, at: location(), hint: problem.hint))
                return false
            case .success(let address):
                batch.diagnostics += lint.warnings(for: address, at: location())
                slowKey = AddressKey(address).normalized
                keyLength = 0
            }
        }
        if let dateColumn {
            let value = SubscriberListReader.trimmed(record.field(dateColumn))
            if !value.isEmpty, !ListDate.isDate(value) {
                batch.diagnostics.append(.warning("subscribed-at-invalid", "subscribed_at \"\(String(decoding: value, as: UTF8.self))\" is not an ISO 8601 date",
                                            at: location(), hint: "write dates as 2026-03-14 or 2026-03-14T09:30:00Z"))
            }
        }
        let keyStart = batch.bytes.count
        if let slowKey {
            batch.bytes += slowKey.utf8
        } else {
            key.withUnsafeBufferPointer { batch.bytes += UnsafeBufferPointer(rebasing: $0[..<keyLength]) }  // no slice to retain
        }
        let keyEnd = batch.bytes.count
        batch.bytes += email
        batch.rows.append(ListRowBatch.Row(key: keyStart..<keyEnd, email: keyEnd..<batch.bytes.count,
                                           line: UInt64(listIndex) << 40 | UInt64(record.line), diagnosticIndex: batch.diagnostics.count))
        return true
    }

    /// For an address whose local part is plain ASCII dot-atom and whose domain cleans: its role and typo warnings,
    /// and its key written into `key` (the length returned), the bytes of AddressKey(cleaned address).normalized.
    /// nil for any other address (the caller takes ListAddress.clean).
    private mutating func fastKey(_ email: UnsafeBufferPointer<UInt8>, location: () -> SourceLocation,
                                  into diagnostics: inout [Diagnostic]) -> Int? {
        // One pass over the local part, up to the first "@": each byte checked and lower-cased into `key` by one
        // table. A dot-atom of 1 to 64 bytes (RFC 5321 §4.5.3.1.1), no dot first, last or twice in a row. An
        // address with a second "@" fails later, in its domain.
        let at: Int? = localPartBytes.withUnsafeBufferPointer { table in
            key.withUnsafeMutableBufferPointer { output in
                var previous = UInt8(ascii: ".")
                for index in 0..<min(email.count, 65) {
                    let byte = table[Int(email[index])]
                    if byte == UInt8(ascii: "@") { return index > 0 && previous != UInt8(ascii: ".") ? index : nil }
                    if byte == 0 || (byte == UInt8(ascii: ".") && previous == byte) { return nil }
                    output[index] = byte
                    previous = byte
                }
                return nil
            }
        }
        guard let at, at + 1 < email.count, email[at + 1] < 0x80 else { return nil }
        guard let index = domain(UnsafeBufferPointer(rebasing: email[(at + 1)...])), let cleaned = domains[index].cleaned else { return nil }
        let local = UnsafeBufferPointer(rebasing: email[..<at])
        if let role = ListAddressLint.role(ofLocalPart: local) {
            diagnostics.append(ListAddressLint.roleWarning(Self.cleanedAddress(email), role: role, at: location()))
        }
        if let typo = domains[index].typo {
            diagnostics.append(ListAddressLint.typoWarning(Self.cleanedAddress(email), domain: typo.domain, fix: typo.fix, at: location()))
        }
        // at ≤ 64 and a cleaned domain ≤ 253 bytes: the key fits.
        return domainBytes.withUnsafeBufferPointer { bytes in
            key.withUnsafeMutableBufferPointer { output -> Int? in
                guard let source = bytes.baseAddress, let target = output.baseAddress else { return nil }
                target[at] = UInt8(ascii: "@")
                (target + at + 1).update(from: source + cleaned.lowerBound, count: cleaned.count)
                return at + 1 + cleaned.count
            }
        }
    }

    /// The index in `domains` of `written`, cleaned on first sight; nil past 100,000 domains (the row then takes
    /// ListAddress.clean).
    private mutating func domain(_ written: UnsafeBufferPointer<UInt8>) -> Int? {
        if let known = domainIndex.value(for: written) { return Int(known) }
        guard domains.count < 100_000 else { return nil }
        var entry = Domain()
        var cleaned: [UInt8]?
        if let upper = ListAddress.asciiDomainHasUpperCase(written) {
            cleaned = upper ? written.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 } : Array(written)
        } else if !written.contains(UInt8(ascii: "@")), let ascii = try? DomainName.ascii(String(decoding: written, as: UTF8.self)) {
            cleaned = Array(ascii.utf8)
        }
        if let cleaned, cleaned.count <= 253 {
            let cleanedStart = domainBytes.count
            domainBytes += cleaned
            entry.cleaned = cleanedStart..<domainBytes.count
            let name = String(decoding: cleaned, as: UTF8.self)
            entry.typo = lint.typo(of: name).map { (name, $0) }
        }
        domains.append(entry)
        _ = domainIndex.insertIfAbsent(written, UInt64(domains.count - 1))
        return domains.count - 1
    }

    /// The cleaned form of `email` (for a message), the slow way: only rows with a finding come here.
    static func cleanedAddress(_ email: UnsafeBufferPointer<UInt8>) -> String {
        let raw = String(decoding: email, as: UTF8.self)
        if case .success(let address) = ListAddress.clean(raw) { return address }
        return raw
    }
}
