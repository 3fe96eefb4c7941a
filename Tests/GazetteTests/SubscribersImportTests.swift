// `gazette subscribers import`, `export`, `validate` and `stats` on real files, run as users run them:
// every problem row named by file and line, nothing written after an error, formula cells neutralised.
import Foundation
import GazetteTestSupport
import XCTest

final class SubscribersImportTests: ListProjectTestCase {

    func testImportMapsColumnsMergesAndReportsEveryRow() throws {
        try directory.write("""
            \u{FEFF}Email Address,First Name,Plan\r
            cy@Example.ORG,Cy,pro\r
            ada@example.org,Ada again,free\r
            abuse@example.net,,free\r
            dee@hotmial.com,Dee,free\r
            CY@example.org,Cy twice,pro\r
            gone@example.org,Gone,free\r

            """, to: "export.csv")
        try directory.write("email,reason,date,detail\ngone@example.org,unsubscribed,2026-01-01,\n", to: "subscribers/suppressed.csv")
        let dry = try gazette("subscribers", "import", "export.csv", "--map", "Email Address=email", "--map", "First Name=name",
                              "--dry-run", "--format", "json")
        XCTAssertEqual(dry.status, 0, dry.stderr + dry.stdout)
        let before = try bytes("subscribers/main.csv")
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["rows"] as? Int, 6)
        XCTAssertEqual(report["added"] as? Int, 3)
        XCTAssertEqual(report["already_on_list"] as? Int, 1)
        XCTAssertEqual(report["duplicates_in_file"] as? Int, 1)
        XCTAssertEqual(report["suppressed"] as? Int, 1)
        XCTAssertEqual(report["written"] as? Bool, false)
        let found = (report["diagnostics"] as? [[String: Any]] ?? []).map { "\($0["line"] ?? "-") \($0["code"] ?? "")" }
        XCTAssertEqual(found, ["4 address-role", "5 address-domain-typo", "6 import-duplicate", "7 import-suppressed"])
        XCTAssertEqual(try bytes("subscribers/main.csv"), before, "--dry-run writes nothing")

        let run = try gazette("subscribers", "import", "export.csv", "--map", "Email Address=email", "--map", "First Name=name")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("export.csv:6: warning: CY@example.org is on line 2 already"), run.stderr)
        XCTAssertTrue(run.stdout.contains("Imported export.csv into subscribers/main.csv: 6 rows, 3 new, 1 already on the list"), run.stdout)
        XCTAssertEqual(try directory.read("subscribers/main.csv"), """
            email,name,Plan,subscribed_at
            abuse@example.net,,free,\(today)
            ada@example.org,Ada,,
            cy@example.org,Cy,pro,\(today)
            dee@hotmial.com,Dee,free,\(today)
            zoe@example.org,"Ångström, Zoë",,

            """)
        let again = try gazette("subscribers", "import", "export.csv", "--map", "Email Address=email", "--map", "First Name=name")
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stdout.contains("0 new"), again.stdout)
    }

    func testABadRowAnywhereMeansNothingIsImported() throws {
        var text = "email,name\n"
        for index in 0..<2000 { text += "person\(index)@example.org,Person \(index)\n" }
        text += "broken@example.org,\"Ops \"Team\" Ltd\"\nragged@example.org,a,b\nnot-an-address,x\n"
        text += "late@example.org,\"never closed\n"
        try directory.write(text, to: "big.csv")
        var invalid = Data("email\nok@example.org\nbad\u{FF}@example.org\n".utf8)
        invalid[invalid.count - 10] = 0xFF
        try directory.write(invalid, to: "latin1.csv")
        let before = try bytes("subscribers/main.csv")
        let run = try gazette("subscribers", "import", "big.csv")
        XCTAssertEqual(run.status, 1)
        for expected in ["big.csv:2002: error: text follows a closing quote inside a field",
                         "big.csv:2003: error: the row has 3 fields but the header has 2 columns",
                         "big.csv:2004: error: \"not-an-address\" has no @",
                         "big.csv:2005: error: a quoted field that starts on this line is never closed",
                         "big.csv: error: 4 of 2004 rows cannot be imported: nothing was written"] {
            XCTAssertTrue(run.stderr.contains(expected), "missing \(expected) in \(run.stderr)")
        }
        XCTAssertTrue(run.stdout.contains("Not imported"), run.stdout)
        XCTAssertEqual(try bytes("subscribers/main.csv"), before)
        let utf = try gazette("subscribers", "import", "latin1.csv")
        XCTAssertEqual(utf.status, 1)
        XCTAssertTrue(utf.stderr.contains("latin1.csv:3: error: field 1 is not valid UTF-8"), utf.stderr)
        XCTAssertTrue(utf.stderr.contains("hint: save the file as UTF-8"), utf.stderr)
        let missing = try gazette("subscribers", "import", "nothere.csv")
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("nothere.csv: error: cannot open the file"), missing.stderr)
        let badMap = try gazette("subscribers", "import", "big.csv", "--map", "Mail=email")
        XCTAssertEqual(badMap.status, 1)
        XCTAssertTrue(badMap.stderr.contains("--map names columns the file does not have: Mail"), badMap.stderr)
    }

    func testExportNeutralisesFormulasAndSpeaksJSON() throws {
        try directory.write("email,name,note\nada@example.org,=HYPERLINK(\"http://x\"),+1\nbob@example.org,@SUM(A1),-2\n",
                            to: "subscribers/main.csv")
        try directory.write("email\ncy@example.org\n", to: "subscribers/weekly.csv")
        let csv = try gazette("subscribers", "export", "--list", "main")
        XCTAssertEqual(csv.status, 0, csv.stderr)
        XCTAssertEqual(csv.stdout, "email,name,note\nada@example.org,\"'=HYPERLINK(\"\"http://x\"\")\",'+1\nbob@example.org,'@SUM(A1),'-2\n")
        let all = try gazette("subscribers", "export", "--format", "json")
        XCTAssertEqual(all.status, 0, all.stderr)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [[String: String]])
        XCTAssertEqual(rows.map { $0["list"] ?? "" }, ["main", "main", "weekly"])
        XCTAssertEqual(rows[0]["name"], "=HYPERLINK(\"http://x\")", "JSON is data, not a spreadsheet: values as they are")
        XCTAssertEqual(rows[2]["note"], "")
        let bad = try gazette("subscribers", "export", "--format", "xml")
        XCTAssertEqual(bad.status, 2)
    }

    func testValidateNamesEveryProblemRow() throws {
        try directory.write("""
            email,name,subscribed_at
            ada@example.org,Ada,2026-01-05
            ADA@example.org,Ada twice,2026-01-05T10:00:00Z
            no-at-sign,X,
            Bob@EXAMPLE.org,Bob,last week
            webmaster@example.org,,
            "unclosed@example.org,x,

            """, to: "subscribers/main.csv")
        try directory.write("email\nbob@example.org\n", to: "subscribers/weekly.csv")
        let run = try gazette("subscribers", "validate", "--format", "json")
        XCTAssertEqual(run.status, 1, run.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let found = (report["diagnostics"] as? [[String: Any]] ?? []).map { "\($0["file"] ?? ""):\($0["line"] ?? "-") \($0["code"] ?? "")" }
        XCTAssertEqual(found, [
            "subscribers/main.csv:3 address-duplicate",
            "subscribers/main.csv:4 address-invalid",
            "subscribers/main.csv:5 subscribed-at-invalid",
            "subscribers/main.csv:6 address-role",
            "subscribers/main.csv:7 subscriber-row-unreadable",
            "subscribers/weekly.csv:2 address-duplicate-across-lists",
        ])
        XCTAssertEqual(report["errors"] as? Int, 2)
        let text = try gazette("subscribers", "validate", "--list", "weekly")
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertEqual(text.stdout, "subscribers/weekly.csv: 1 rows, 1 distinct valid addresses\n0 errors, 0 warnings\n")
        let strict = try gazette("subscribers", "validate", "--list", "main", "--strict")
        XCTAssertEqual(strict.status, 1)
        XCTAssertTrue(strict.stderr.contains("subscribers/main.csv:4: error: \"no-at-sign\" has no @"), strict.stderr)
        let stats = try gazette("subscribers", "stats", "--list", "main")
        XCTAssertEqual(stats.status, 0, stats.stderr)
        XCTAssertEqual(stats.stdout, """
            main (subscribers/main.csv): 3 subscribers, 0 suppressed, 3 reachable; 2 unusable rows
              domains: example.org 3
              growth: 2026-01 +1 (2 undated)

            """)
    }

    func testHugeRowsAndBinaryFilesAreReportedNotFatal() throws {
        var big = Data("email,name\nada@example.org,Ada\nhuge@example.org,".utf8)
        big.append(Data(repeating: UInt8(ascii: "x"), count: 3 * 1024 * 1024))
        big.append(Data("\nafter@example.org,After\n".utf8))
        try directory.write(big, to: "subscribers/main.csv")
        var binary = Data("email\n".utf8)
        binary.append(Data((0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 7919) }))
        try directory.write(binary, to: "subscribers/binary.csv")
        let run = try gazette("subscribers", "validate")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("subscribers/main.csv:3: error: the row is longer than 1024 KB"), run.stderr)
        XCTAssertTrue(run.stdout.contains("subscribers/main.csv: 3 rows, 2 distinct valid addresses"), run.stdout)
        XCTAssertTrue(run.stderr.contains("subscribers/binary.csv:"), run.stderr)
        let before = try bytes("subscribers/main.csv")
        let add = try gazette("subscribers", "add", "cy@example.org")
        XCTAssertEqual(add.status, 1)
        XCTAssertEqual(try bytes("subscribers/main.csv"), before, "a list with an unreadable row is not rewritten")
    }
}
