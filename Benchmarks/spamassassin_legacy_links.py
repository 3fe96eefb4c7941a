# Rewrites each outbox message's opaque unsubscribe links into the legacy form (list=…&email=…&token=<HMAC>),
# as issues were sent before, so SpamAssassin can score both forms of the same messages.
import base64, email, email.policy, hashlib, hmac, re, sys, pathlib
secret = sys.argv[1].encode(); src = pathlib.Path(sys.argv[2]); dst = pathlib.Path(sys.argv[3])
for path in sorted(src.glob("*.eml")):
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    address = msg["To"].addresses[0].addr_spec.lower()
    tok = base64.urlsafe_b64encode(hmac.new(secret, (address + "\nmain").encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
    esc = "".join(c if re.match(r"[A-Za-z0-9._~-]", c) else "%%%02X" % b for c in address for b in [ord(c)] ) if address.isascii() else address
    legacy_q = "list=main&email=" + esc + "&token=" + tok
    def fix(text, amp="&"):
        return re.sub(r"token=[A-Za-z0-9_-]{40,}", legacy_q.replace("&", amp), text)
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            body = part.get_content()
            amp = "&amp;" if part.get_content_subtype() == "html" else "&"
            part.set_content(fix(body, amp), subtype=part.get_content_subtype(), cte="quoted-printable")
    lu = msg["List-Unsubscribe"]
    del msg["List-Unsubscribe"]; msg["List-Unsubscribe"] = fix(str(lu))
    del msg["DKIM-Signature"]
    (dst / path.name).write_bytes(msg.as_bytes())
