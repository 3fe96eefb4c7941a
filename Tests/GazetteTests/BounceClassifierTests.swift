// The classifier on enmime's DSNs (every field of expected.json that decides suppression: recipient, status,
// class) and on small made-up messages for the rules the corpora do not pin down: VERP, auto-replies, SES.
import Foundation
import GazetteTestSupport
import Mail
import XCTest
@testable import Gazette

final class BounceClassifierTests: XCTestCase {
    static let enmime = TestPaths.corpora.appendingPathComponent("bounces/enmime-dsn")

    /// The class each enmime recipient must get: its Action and Diagnostic-Code decide (see docs/bounces.md).
    static let expectedClasses: [String: [BounceClass]] = [
        "simple_dsn.raw": [.soft],                       // 4.0.0, 426 connection timed out
        "simple_dsn_with_html.raw": [.soft],
        // not a registered user; delayed; a bare "550 user unknown" with 5.0.0 and no command (Sisimai: filtered)
        "multi_recipient_dsn.raw": [.hard, .soft, .soft],
        "delayed_dsn.raw": [.soft],
        "dsn_with_multipart_alternative.raw": [.hard],   // 5.1.10 RecipientNotFound
    ]

    func testEnmimeDSNsExactly() throws {
        let url = Self.enmime.appendingPathComponent("expected.json")
        try TestPaths.requireCorpus(url)
        let data = try Data(contentsOf: url)
        let expected = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var recipients = 0, exact = 0
        for (name, classes) in Self.expectedClasses.sorted(by: { $0.key < $1.key }) {
            let entry = try XCTUnwrap(expected[name] as? [String: Any], name)
            let rows = try XCTUnwrap(entry["per_recipient"] as? [[String: String]], name)
            let report = try BounceClassifier.classify(bytes: [UInt8](Data(contentsOf: Self.enmime.appendingPathComponent(name))))
            XCTAssertEqual(report.method, .deliveryStatus, name)
            XCTAssertEqual(report.recipients.count, rows.count, name)
            for (index, row) in rows.enumerated() where index < report.recipients.count {
                let got = report.recipients[index]
                let field = row["Original-Recipient"] ?? row["Final-Recipient"] ?? ""
                let address = String(field.split(separator: ";").last ?? "").trimmingCharacters(in: .whitespaces)
                recipients += 1
                if got.address == address { exact += 1 }
                XCTAssertEqual(got.address, address, "\(name) #\(index + 1)")
                // "5.0.0 (permanent failure)": the comment is not part of the code.
                XCTAssertEqual(got.status, row["Status"].map { String($0.split(separator: " ")[0]) }, "\(name) #\(index + 1)")
                XCTAssertEqual(got.bounceClass, classes[index], "\(name) #\(index + 1): \(got.reason)")
            }
        }
        XCTAssertEqual(recipients, 7)
        XCTAssertEqual(exact, recipients)
    }

    static func message(_ headers: String, body: String) -> [UInt8] {
        Array((headers + "\n\n" + body).utf8)
    }

    func testVERPNamesTheRecipientWhenTheBounceDoesNot() throws {
        let bytes = Self.message("""
            From: MAILER-DAEMON@mx.example.net
            To: bounces+ada=example.org@news.example.com
            Subject: failure notice
            """, body: "Sorry, we were unable to deliver your message: 550 5.1.1 mailbox unknown.\n")
        let report = try BounceClassifier.classify(bytes: bytes)
        XCTAssertEqual(report.recipients.map(\.address), ["ada@example.org"])
        XCTAssertEqual(report.bounceClass, .hard)
        XCTAssertEqual(report.recipients.first?.status, "5.1.1")
    }

    func testAutoRepliesAreIgnored() throws {
        let vacation = Self.message("""
            From: Ada <ada@example.org>
            To: news@example.com
            Subject: Out of Office: Issue 12
            Auto-Submitted: auto-replied
            """, body: "I am away until Monday and will answer when I am back.\n")
        XCTAssertEqual(try BounceClassifier.classify(bytes: vacation).bounceClass, .notABounce)
        XCTAssertEqual(try BounceClassifier.classify(bytes: vacation).method, .autoReply)
        let person = Self.message("From: Bob <bob@example.org>\nSubject: Re: Issue 12", body: "Thanks, great issue!\n")
        XCTAssertEqual(try BounceClassifier.classify(bytes: person).method, .none)
    }

    func testMailboxFullIsSoftAndUserUnknownHard() throws {
        func classify(_ line: String) throws -> BounceClass {
            try BounceClassifier.classify(bytes: Self.message("From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nSubject: Undelivered Mail",
                                                             body: "<ada@example.org>: host mx.example.org said: \(line)\n")).bounceClass
        }
        XCTAssertEqual(try classify("552 5.2.2 Mailbox full"), .soft)
        XCTAssertEqual(try classify("550 5.1.1 User unknown"), .hard)
        XCTAssertEqual(try classify("450 4.7.1 Greylisted, try again later"), .soft)
        XCTAssertEqual(try classify("550 5.7.1 Message rejected as spam"), .soft)
        XCTAssertEqual(try classify("550 Host or domain name not found"), .hard)
    }

    /// RFC 3463 X.2.1 is "mailbox disabled": beside "User Unknown" only a reply to RCPT TO makes it hard.
    /// A specific code (5.3.0) yields to "No such user" in a reply to RCPT TO, not otherwise.
    func testTheSMTPCommandDecidesBetweenAStatusAndAPhrase() {
        func classify(_ text: String, status: String?) -> BounceClass {
            BounceReasoning.classify(text: text, status: status, replyCode: 550, permanent: true).0
        }
        XCTAssertEqual(classify("550 5.2.1 <a@example.org>... User Unknown (in reply to RCPT TO command)", status: "5.2.1"), .hard)
        XCTAssertEqual(classify("550 5.2.1 <a@example.org>... User Unknown", status: "5.2.1"), .soft)
        XCTAssertEqual(classify("SMTP:RCPT host 192.0.2.8: 553 5.3.0 <a@example.org>... No such user here", status: "5.3.0"), .hard)
        XCTAssertEqual(classify("553 5.3.0 <a@example.org>... No such user here", status: "5.3.0"), .soft)
        // Refusing the address itself (Postfix's recipient access table, Exchange Online's directory) is hard.
        XCTAssertEqual(classify("after RCPT TO: 550 5.7.1 <a@example.org>: Recipient address rejected: Access denied", status: "5.7.1"), .hard)
        XCTAssertEqual(classify("after end of data: 550 5.7.1 Message rejected: Access denied", status: "5.7.1"), .soft)
        XCTAssertEqual(classify("<a@example.org>: Name service error for domain example.org: Host not found, try again", status: nil), .soft)
        XCTAssertEqual(classify("Command died with status 1: procmail. Command output: cannot create", status: "5.1.1"), .soft)
    }

    /// KDDI's au leaves the address out when its subscriber's filter refuses the mail; a missing mailbox has it.
    func testAnAddresslessUserUnknownIsAFiltersAnswer() {
        func classify(_ text: String) -> BounceClass {
            BounceReasoning.classify(text: text, status: "5.0.0", replyCode: 550, permanent: true).0
        }
        XCTAssertEqual(classify("smtp; 550 : User unknown"), .soft)
        XCTAssertEqual(classify("550: : User unknown"), .soft)
        XCTAssertEqual(classify("smtp; 550 <neko@ezweb.ne.jp>: User unknown"), .hard)
        XCTAssertEqual(classify("<neko@example.org>: User unknown"), .hard)
        XCTAssertEqual(classify("Recipient address rejected: User unknown in local recipient table"), .hard)
    }

    /// A report that lists its recipients one after the other (OpenSMTPD) explains each on its own line, and a
    /// generic Status (5.0.0) yields to the code on that line.
    func testEachRecipientIsReadFromItsOwnLine() throws {
        let explanation = "An error has occurred for these recipients:\n\nann@example.org: 550 5.1.1 <ann@example.org>: User unknown\n"
            + "bob@example.org: 552 5.2.2 <bob@example.org>: Mailbox full\n\nBelow is a copy"
        var report = DeliveryStatusReport(bytes: Array("Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; ann@example.org\nAction: failed\nStatus: 5.0.0\n\nFinal-Recipient: rfc822; bob@example.org\nAction: failed\nStatus: 5.0.0\n".utf8)[...])
        XCTAssertEqual(report.records.count, 2)
        let recipients = report.recipients(explanation: explanation)
        XCTAssertEqual(recipients.map(\.bounceClass), [.hard, .soft])
        XCTAssertEqual(recipients.map(\.status), ["5.1.1", "5.2.2"])
        report.records.removeLast()
        XCTAssertEqual(report.recipients(explanation: explanation.replacingOccurrences(of: "\n", with: "\r\n")).map(\.status), ["5.1.1"])
    }

    func testStatusCodesInProse() {
        XCTAssertEqual(StatusCodeScanner.firstStatus(in: "smtp; 550 #5.1.0 Address rejected"), "5.1.0")
        XCTAssertEqual(StatusCodeScanner.firstStatus(in: "5.1.10 RecipientNotFound"), "5.1.10")
        XCTAssertNil(StatusCodeScanner.firstStatus(in: "version 15.20.4.1 and 192.0.2.5"))
        XCTAssertEqual(StatusCodeScanner.firstReplyCode(in: "host said: 550-5.1.1 The email account"), 550)
        XCTAssertNil(StatusCodeScanner.firstReplyCode(in: "port 5500 and id 4501x"))
        XCTAssertEqual(StatusCodeScanner.failureStatus(in: "Out: 250 2.1.0 Ok\nOut: 451 4.3.0 Error: queue file write error"), "4.3.0")
        XCTAssertEqual(VERPAddress.recipient(in: "bounces+ada=example.org@news.example.com"), "ada@example.org")
        XCTAssertNil(VERPAddress.recipient(in: "ada+tag@example.org"))
    }

    /// AOL leaves out the empty line between two recipients' blocks: each recipient keeps its own fields.
    func testRecipientBlocksWithoutAnEmptyLineBetweenThem() {
        let report = DeliveryStatusReport(bytes: Array("""
            Reporting-MTA: dns; mx.aol.com

            Final-Recipient: rfc822; ann@example.org
            Action: failed
            Status: 5.2.2
            Diagnostic-Code: smtp; 550 5.2.2 <ann@example.org>... Mailbox Full
            Final-Recipient: rfc822; bob@example.org
            Original-Recipient: rfc822;bob@example.org
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 <bob@example.org>... User Unknown
            """.utf8)[...])
        let recipients = report.recipients(explanation: "")
        XCTAssertEqual(recipients.map(\.address), ["ann@example.org", "bob@example.org"])
        XCTAssertEqual(recipients.map(\.bounceClass), [.soft, .hard])
    }

    /// sendmail's transcript tells which command a recipient's failure answered: a "User unknown" in reply to
    /// DATA is a filter's answer unless its status is an addressing one (5.1.1).
    func testTheTranscriptsCommandForARecipient() {
        let transcript = """
            ----- Transcript of session follows -----
            ... while talking to mx.example.org.:
            >>> RCPT To:<ann@example.org>
            <<< 250 2.1.5 Ok
            >>> DATA
            <<< 550 5.0.0 <ann@example.org>... User unknown
            >>> RCPT To:<bob@example.org>
            <<< 553 Invalid recipient bob@example.org
            """
        XCTAssertEqual(SessionTranscript.command(answeredFor: "ann@example.org", in: transcript), ">>> data")
        XCTAssertEqual(SessionTranscript.command(answeredFor: "BOB@example.org", in: transcript), ">>> rcpt to:<bob@example.org>")
        XCTAssertNil(SessionTranscript.command(answeredFor: "cy@example.org", in: transcript))
        func classify(status: String) -> BounceClass {
            BounceReasoning.classify(text: "550 \(status) <ann@example.org>... User unknown", context: ">>> data", status: status,
                                     replyCode: 550, permanent: true).0
        }
        XCTAssertEqual(classify(status: "5.0.0"), .soft)
        XCTAssertEqual(classify(status: "5.1.1"), .hard)
        // Yahoo refuses a mailbox that does not exist at DATA, in words that say so.
        XCTAssertEqual(BounceReasoning.classify(text: "554 delivery error: dd This user doesn't have a yahoo.com account (a@yahoo.com) [0]",
                                                context: ">>> data", status: "5.0.0", replyCode: 554, permanent: true).0, .hard)
    }

    /// A 4.1.1 that the reporting MTA gave up on is final; a 4.x.x about anything else stays soft; RFC 7504's 521
    /// and 556 say the domain takes no mail.
    func testGivenUpAddressingFailuresAndNullMXReplies() {
        XCTAssertEqual(BounceReasoning.classify(text: "450 4.1.1 <a@example.org>: Recipient address rejected: User unknown in virtual alias table",
                                                status: "4.1.1", replyCode: 450, permanent: true).0, .hard)
        XCTAssertEqual(BounceReasoning.classify(text: "450 4.1.1 <a@example.org>: Recipient address rejected: User unknown",
                                                status: "4.1.1", replyCode: 450, permanent: false).0, .soft)
        XCTAssertEqual(BounceReasoning.classify(text: "Host or domain name not found", status: "4.0.0", replyCode: nil, permanent: true).0, .soft)
        XCTAssertEqual(BounceReasoning.classify(text: "521 5.3.2 <a@example.org>: System not accepting network messages",
                                                status: "5.3.2", replyCode: 521, permanent: nil).0, .hard)
    }

    /// Exim writes a recipient's address three times and Mail.ru its whole report twice: each recipient is read
    /// up to the next mention of another one, never from the next recipient's lines.
    func testARecipientsTextEndsAtAnotherRecipientsMention() throws {
        let report = try BounceClassifier.classify(bytes: Self.message("""
            From: mailer-daemon@mail.example.ru
            Subject: Mail delivery failed: returning message to sender
            X-Failed-Recipients: ann@example.org, bob@example.org
            """, body: """
            This message was created automatically by mail delivery software.
              ann@example.org
                SMTP error from remote mail server after RCPT TO:<ann@example.org>:
                host mx.example.org [192.0.2.12]: 550 5.2.2 <ann@example.org>... Mailbox Full
              bob@example.org
                SMTP error from remote mail server after RCPT TO:<bob@example.org>:
                host mx.example.org [192.0.2.12]: 550 5.1.1 <bob@example.org>... User Unknown
            The same in English:
              ann@example.org
                host mx.example.org [192.0.2.12]: 550 5.2.2 <ann@example.org>... Mailbox Full
            """))
        XCTAssertEqual(report.recipients.map(\.address), ["ann@example.org", "bob@example.org"])
        XCTAssertEqual(report.recipients.map(\.bounceClass), [.soft, .hard])
    }

    /// Apple Mail's unsubscribe message is an opt-out from its sender; an SES notification cut by sendmail's
    /// line-length limit ("!", a line break and a space) is still read.
    func testAppleMailUnsubscribeAndACutSESNotification() throws {
        let apple = try BounceClassifier.classify(bytes: Self.message("""
            From: ada@icloud.com
            To: opt-out-42@news.example.com
            Subject: unsubscribe
            Auto-Submitted: auto-replied
            X-Apple-Unsubscribe: true
            """, body: "Apple Mail sent this email to unsubscribe from the message \u{201C}Issue 12\u{201D}.\n"))
        XCTAssertEqual(apple.bounceClass, .complaint)
        XCTAssertEqual(apple.feedbackType, "opt-out")
        XCTAssertEqual(apple.recipients.map(\.address), ["ada@icloud.com"])

        let json = #"{"notificationType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"ada@example.org"}],"feedbackId":"0101","mail":{"destination":["ada@exa!\n mple.org"]}}}"#
        let ses = try BounceClassifier.classify(bytes: Self.message("From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message", body: json + "\n"))
        XCTAssertEqual(ses.bounceClass, .complaint)
        XCTAssertEqual(ses.recipients.map(\.address), ["ada@example.org"])
    }

    /// A separator line `From sender date` starts a message even without an empty line before it; a body line
    /// that starts with "From " does not.
    func testMboxSeparatorsWithoutAnEmptyLineBefore() throws {
        let folder = try TemporaryDirectory()
        let mbox = folder.url.appendingPathComponent("bounces.mbox")
        try Data("""
            From MAILER-DAEMON  Thu Jul  2 12:05:05 2020
            Subject: one

            The body says
            From here on, at 10:00:00 on Thu Jul  2, things went wrong in 2020
            --boundary--
            From double-bounce@example.com  Thu Jul  2 12:05:06 2020
            Subject: two

            body
            """.utf8).write(to: mbox)
        var subjects: [String] = []
        _ = try BounceSource.forEachMessage(at: mbox, named: "bounces.mbox") { input in
            subjects.append((try? MIMEReader.read(input.bytes))?.header("Subject") ?? "?")
        }
        XCTAssertEqual(subjects, ["one", "two"])
        XCTAssertTrue(MboxReader.isSeparator(Array("From a@example.com Sat Jan  3 01:05:34 1996\n".utf8)[...]))
        XCTAssertFalse(MboxReader.isSeparator(Array("From here on, at 10:00:00 on Thu Jul  2, things went wrong in 2020\n".utf8)[...]))
    }

    /// A bare "user unknown" with no addressing status and no sign of RCPT TO is what filters and appliances also
    /// answer (Sisimai: filtered): soft. An addressing status, RCPT TO, the address beside the phrase, or Postfix's
    /// recipient-table wording (given only at RCPT TO) make it the verdict on the address.
    func testABareUserUnknownIsHardOnlyWithEvidence() {
        func classify(_ text: String, status: String? = nil, context: String = "") -> BounceClass {
            BounceReasoning.classify(text: text, context: context, status: status, replyCode: 550, permanent: true).0
        }
        XCTAssertEqual(classify("550 kijitora@example.com... No such user", status: "5.0.0"), .soft)
        XCTAssertEqual(classify("Server mx.example.org failed with: 550 <a@example.org> No such user here"), .soft)
        XCTAssertEqual(classify("550 Requested action not taken: mailbox unavailable"), .soft)
        XCTAssertEqual(classify("Recipient Not Found"), .soft)
        XCTAssertEqual(classify("550 5.1.1 a@example.com... No such user", status: "5.1.1"), .hard)
        XCTAssertEqual(classify("550 No such user (in reply to RCPT TO command)"), .hard)
        XCTAssertEqual(classify("550 No such user", context: ">>> rcpt to:<a@example.org>"), .hard)
        XCTAssertEqual(classify("550 <a@ezweb.ne.jp>: User unknown", status: "5.0.0"), .hard)
        XCTAssertEqual(classify("Unknown user: a@example.com"), .hard)
        XCTAssertEqual(classify("550 <a@example.jp>: Recipient address rejected: User unknown in local recipient table"), .hard)
        XCTAssertEqual(classify("The email account that you tried to reach does not exist.", status: "5.0.0"), .hard)
    }

    /// "Access denied" is a policy refusal, soft, unless it refuses the recipient address; RFC 7504's "does not
    /// accept mail" is hard whatever the code beside it; a local delivery program's output (x-unix) is the program
    /// failing, not the address.
    func testAccessDeniedNullMXWordingAndLocalPrograms() {
        XCTAssertEqual(BounceReasoning.classify(text: "5.1.0 - Unknown address error 550-'5.7.1 <a@example.org>... Access denied'",
                                                status: "5.1.0", replyCode: 550, permanent: true).0, .soft)
        XCTAssertEqual(BounceReasoning.classify(text: "550 5.4.1 Recipient address rejected: Access denied. [AM0PR01]",
                                                status: "5.4.1", replyCode: 550, permanent: true).0, .hard)
        XCTAssertEqual(BounceReasoning.classify(text: "550 Host does not accept mail", status: "5.7.27", replyCode: 550, permanent: true).0, .hard)
        let report = DeliveryStatusReport(bytes: Array("""
            Reporting-MTA: dns; mx.example.jp

            Final-Recipient: rfc822; r@example.jp
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: x-unix; procmail: Couldn't create "/var/spool/mail/r": No such user
            """.utf8)[...])
        XCTAssertEqual(report.records.first?.diagnosticType, "x-unix")
        XCTAssertEqual(report.recipients(explanation: "").map(\.bounceClass), [.soft])
    }

    /// sendmail's reports: the server's reply to a recipient's command is its verdict, whatever line follows; a
    /// `NNN <address>... text` line stands alone; message IDs and the envelope sender are not recipients; and the
    /// bare address in the list of failed ones is explained by the transcript paragraph below it.
    func testSendmailTranscriptsAndVerdictLines() throws {
        let report = try BounceClassifier.classify(bytes: Self.message("""
            From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>
            Subject: Returned mail: see transcript for details
            References: <200904290210.0000@mx.example.jp>
            """, body: """
            > Message-Id: <200904290210.0000@mx.example.jp>
               ----- Transcript of session follows -----
            While talking to smtp.example.org:
            >>> RCPT To:<ann@example.org>
            <<< 550 <ann@example.org>, User Unknown
            421 example.org (smtp)... Deferred: Connection timed out during user open with example.org
            554 <bob@example.edu>... Remote protocol error
            550 example.edu (smtp)... 550 Host unknown
            """))
        XCTAssertEqual(report.recipients.map(\.address), ["ann@example.org", "bob@example.edu"])
        XCTAssertEqual(report.recipients.map(\.bounceClass), [.hard, .soft])

        let server = try BounceClassifier.classify(bytes: Self.message("""
            From: MAILER-DAEMON@mx.example.com (Mail Delivery System)
            Subject: Postfix SMTP server: errors from localhost[127.0.0.1]
            """, body: """
            Transcript of session follows.

             In:  MAIL
                 FROM:<sender=example.net@err.example.co.jp> SIZE=20088
             Out: 250 2.1.0 Ok
             In:  RCPT TO:<ann@example.org>
             Out: 250 2.1.5 Ok
             In:  DATA
             Out: 451 4.3.0 Error: queue file write error
            """))
        XCTAssertEqual(server.recipients.map(\.address), ["ann@example.org"])
        XCTAssertEqual(server.recipients.map(\.bounceClass), [.soft])

        let dsn = DeliveryStatusReport(bytes: Array("Final-Recipient: RFC822; <ann@example.net>\nAction: failed\nStatus: 5.5.0\n".utf8)[...])
        let explanation = """
               ----- The following addresses had permanent fatal errors -----
            <ann@example.net>

               ----- Transcript of session follows -----
            mail.local: unknown user: ann
            554 <ann@example.net>... Service unavailable
            """
        XCTAssertEqual(dsn.recipients(explanation: explanation).map(\.bounceClass), [.hard])
    }

    /// The hand-written Date reader agrees with Foundation's DateFormatter on every Date field of the corpus that
    /// the formatter reads, and reads RFC 5322's obsolete forms.
    func testMessageDatesAsDateFormatterReadsThem() throws {
        let utc = { (text: String) in MessageDateReader.date(text)?.timeIntervalSince1970 }
        XCTAssertEqual(utc("Mon, 6 Jan 2025 07:00:30 +0900 (JST)"), 1_736_114_430)
        XCTAssertEqual(utc("6 Jan 25 07:00 GMT"), 1_736_146_800)
        XCTAssertEqual(utc("Thu, 29 Apr 1999 23:34:45 EST"), 925_446_885)
        XCTAssertEqual(utc("29 Feb 2024 00:00:00 -0130"), 1_709_170_200)
        XCTAssertNil(utc("yesterday"))
        XCTAssertNil(utc("32 Jan 2025 07:00:30 +0000"))
        XCTAssertNil(utc("6 Jan 2025 25:00:30 +0000"))

        let folder = TestPaths.corpora.appendingPathComponent("bounces/sisimai/bsd")
        try TestPaths.requireCorpus(folder)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        var compared = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().prefix(800) {
            let message = try MIMEReader.read([UInt8](Data(contentsOf: folder.appendingPathComponent(name))))
            guard let value = message.header("Date") else { continue }
            var text = value
            if let comment = text.firstIndex(of: "(") { text = String(text[..<comment]) }
            if let comma = text.firstIndex(of: ",") { text = String(text[text.index(after: comma)...]) }
            let joined = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).prefix(5).joined(separator: " ")
            formatter.dateFormat = "d MMM yyyy HH:mm:ss Z"
            guard let expected = formatter.date(from: joined) else { continue }
            XCTAssertEqual(MessageDateReader.date(value), expected, "\(name): \(value)")
            compared += 1
        }
        XCTAssertGreaterThan(compared, 500)
    }

    /// An HTML explanation is read as text: tags become spaces, the four entities bounces use are decoded once.
    func testHTMLExplanationsAsText() {
        XCTAssertEqual(FreeTextBounce.stripTags("<p>550&nbsp;5.1.1 &lt;a@b&gt; &amp;lt; caf\u{E9}</p>"), " 550 5.1.1 <a@b> &lt; caf\u{E9} ")
        XCTAssertEqual(FreeTextBounce.stripTags("a & b &gt"), "a & b &gt")
    }

    /// The addresses a bounce was delivered to (To, X-Original-To) are ours, unless the text names no other: then
    /// the one it names is the failed recipient (DragonFly's dma puts it in X-Original-To).
    func testTheBouncesOwnRecipientOnlyWhenTheTextNamesNoOther() throws {
        let dma = try BounceClassifier.classify(bytes: Self.message("""
            X-Original-To: <gone@example.org>
            From: MAILER-DAEMON <>
            To: news@example.com
            Subject: Mail delivery failed
            """, body: """
            There was an error delivering your mail to <gone@example.org>.
            mbox.example.org [192.0.2.25] did not like our RCPT TO:
            550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown
            """))
        XCTAssertEqual(dma.recipients.map(\.address), ["gone@example.org"])
        XCTAssertEqual(dma.recipients.map(\.bounceClass), [.hard])
        let usual = try BounceClassifier.classify(bytes: Self.message("""
            Delivered-To: bounces@example.com
            From: MAILER-DAEMON@mx.example.net
            To: bounces@example.com
            Subject: failure notice
            """, body: "Your message for bounces@example.com to <ann@example.org> failed: 550 5.1.1 user unknown\n"))
        XCTAssertEqual(usual.recipients.map(\.address), ["ann@example.org"])
    }
}
