// Validate's duplicate check: the first row of every address across the lists, by the address's key
// (AddressKey's normalised form, made by ListRowChecker), kept whole. It takes rows a batch at a time, so that
// the table's cache misses overlap, and puts each late finding (a duplicate, --check-mx) right after its row's
// other findings.

/// Remembers the first row of every address and reports every later one.
struct ListDuplicateFinder {
    // Key → list index << 40 | line. Keys are kept whole, so two different addresses are never taken for one.
    private let firstSeen = ByteKeyTable()
    private var paths: [String] = []
    private var hashes: [UInt64] = []
    /// Rows whose slots are read together: enough cache misses in flight to fill the memory system.
    private static let warmCount = 32

    /// Starts the list at `path` (list index: the number of lists started before), of about `expectedRows` rows.
    mutating func startList(path: String, expectedRows: Int) {
        paths.append(path)
        firstSeen.reserveCapacity(firstSeen.count + min(expectedRows, 50_000_000), keyLength: 32)  // pages never touched cost no memory
    }

    /// Appends `batch`'s findings to `diagnostics` with its duplicates' warnings (and, with `mxCheck`, each new
    /// address's mail-host finding) among them; returns how many of its rows are the first of their address.
    mutating func finish(_ batch: ListRowBatch, mxCheck: ListMXCheck? = nil, into diagnostics: inout [Diagnostic]) -> Int {
        var late: [(index: Int, diagnostic: Diagnostic)] = []
        var distinct = 0
        batch.bytes.withUnsafeBufferPointer { bytes in
            var start = 0
            while start < batch.rows.count {
                let rows = batch.rows[start..<min(start + Self.warmCount, batch.rows.count)]
                hashes.removeAll(keepingCapacity: true)
                for row in rows { hashes.append(ByteKeyTable.hash(UnsafeBufferPointer(rebasing: bytes[row.key]))) }
                hashes.withUnsafeBufferPointer { firstSeen.warmSlots($0) }
                for (row, hash) in zip(rows, hashes) {
                    let first = firstSeen.insertIfAbsent(UnsafeBufferPointer(rebasing: bytes[row.key]), row.line, hash: hash)
                    let email = UnsafeBufferPointer(rebasing: bytes[row.email])
                    if first != row.line {
                        late.append((row.diagnosticIndex, duplicateWarning(email, line: row.line, first: first)))
                        continue
                    }
                    distinct += 1
                    // --check-mx (network, opt-in): once per address, on its cleaned form; lookups are cached per domain.
                    if let mxCheck, case .success(let address) = ListAddress.clean(String(decoding: email, as: UTF8.self)),
                       let diagnostic = mxCheck.diagnostic(for: address, at: location(row.line)) {
                        late.append((row.diagnosticIndex, diagnostic))
                    }
                }
                start += rows.count
            }
        }
        var cursor = 0
        for (index, diagnostic) in late {
            diagnostics += batch.diagnostics[cursor..<index]
            diagnostics.append(diagnostic)
            cursor = index
        }
        diagnostics += batch.diagnostics[cursor...]
        return distinct
    }

    private func location(_ line: UInt64) -> SourceLocation {
        SourceLocation(path: paths[Int(line >> 40)], line: Int(line & 0xFF_FFFF_FFFF))
    }

    /// The warning for the row at `line` (list << 40 | line), whose address is `email`, first seen at `first`.
    private func duplicateWarning(_ email: UnsafeBufferPointer<UInt8>, line: UInt64, first: UInt64) -> Diagnostic {
        let list = Int(line >> 40), firstList = Int(first >> 40), firstLine = Int(first & 0xFF_FFFF_FFFF)
        let where_ = firstList == list ? "line \(firstLine)" : "\(paths[firstList]):\(firstLine)"
        return .warning(
            firstList == list ? "address-duplicate" : "address-duplicate-across-lists",
            "\(ListRowChecker.cleanedAddress(email)) is already on \(where_)", at: location(line),
            hint: firstList == list
                ? "delete one of the rows: publish sends once, from the first"
                : "fine if the subscriber chose both lists: an issue to both is sent once")
    }
}
