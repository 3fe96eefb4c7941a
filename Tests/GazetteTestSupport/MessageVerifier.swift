// Reads messages the way receivers do, with independent tools: Python's email package (policy=default) for
// structure and defects, and dkimpy for DKIM signatures, with the public key given directly (no DNS).
import Foundation

public enum MessageVerifier {
    /// What the tools said of one message.
    public struct Report: Decodable, Sendable {
        public var file: String
        public var defects: [String]
        public var to: String
        public var subject: String
        public var messageID: String
        public var listUnsubscribe: String
        public var listUnsubscribePost: String
        public var partTypes: [String]
        public var text: String
        public var html: String
        /// nil when no key was given; otherwise whether dkimpy verified the signature.
        public var dkim: Bool?
        public var longestLine: Int
    }

    static let script = #"""
import sys, json, base64, email, email.policy, os
from email.parser import BytesParser
record = sys.argv[1].encode() if len(sys.argv) > 1 and sys.argv[1] else None
if record:
    import dkim
reports = []
for path in sys.stdin.read().split("\n"):
    if not path:
        continue
    data = open(path, "rb").read()
    msg = BytesParser(policy=email.policy.default).parsebytes(data)
    defects = []
    for part in msg.walk():
        defects += ["%s: %s" % (type(d).__name__, d) for d in part.defects]
        for name, value in part.items():
            defects += ["%s: %s: %s" % (name, type(d).__name__, d) for d in getattr(value, "defects", ())]
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    ok = None
    if record:
        try:
            ok = bool(dkim.verify(data, dnsfunc=lambda name, timeout=5: record))
        except Exception:
            ok = False
    reports.append({"file": os.path.basename(path), "defects": defects, "to": str(msg["to"] or ""),
        "subject": str(msg["subject"] or ""), "messageID": str(msg["message-id"] or ""),
        "listUnsubscribe": str(msg["list-unsubscribe"] or ""), "listUnsubscribePost": str(msg["list-unsubscribe-post"] or ""),
        "partTypes": [p.get_content_type() for p in msg.walk()],
        "text": text.get_content() if text else "", "html": html.get_content() if html else "", "dkim": ok,
        "longestLine": max(len(l) for l in data.split(b"\r\n"))})
print(json.dumps(reports))
"""#

    /// Reads every file in `files`; `dkimRecord` is the TXT record (`v=DKIM1; k=…; p=…`) when signatures must verify.
    public static func verify(_ files: [URL], dkimRecord: String? = nil) throws -> [Report] {
        try PythonTools.require(dkimRecord == nil ? ["email"] : ["dkim", "nacl"])
        let input = Data(files.map(\.path).joined(separator: "\n").utf8)
        let output = try PythonTools.output(script, arguments: [dkimRecord ?? ""], stdin: input, timeout: 300)
        return try JSONDecoder().decode([Report].self, from: output)
    }
}
