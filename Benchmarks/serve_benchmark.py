"""The serve benchmark (scripts/benchmark-serve): each endpoint of `gazette serve` under wrk on loopback —
one-click unsubscribe POSTs, tracked-link clicks (GET /c/<token>), open pixels (GET /o/<token>.gif) and
subscribe form POSTs — requests per second and latency percentiles, then a check that every acknowledged
request left its trace: the event in the events file, or the confirmation message in the outbox. The tokens are
sealed here, independently of Gazette, with the `cryptography` package (AES-256-GCM, keys and nonce from
HMAC-SHA256 of the secret under each purpose's label), so the run also checks that the token formats are as
documented.

  python serve_benchmark.py GAZETTE PROJECT [--seconds S] [--connections C] [--threads T] [--tokens N]
                            [--endpoints one-click,click,open,subscribe]

Every request carries a token (or an address) of its own (thread t takes t, t+T, t+2T, …): each answer is a
new line written and fsync'd before it (a new message for subscribe), never a repeat answered from memory.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SECRET = b"benchmark-secret"


def seal_text(purpose, text):
    key = hmac.new(SECRET, b"gazette %s token v1: AES-256-GCM key" % purpose, hashlib.sha256).digest()
    nonce_key = hmac.new(SECRET, b"gazette %s token v1: nonce key" % purpose, hashlib.sha256).digest()
    plaintext = text.encode()
    nonce = hmac.new(nonce_key, plaintext, hashlib.sha256).digest()[:12]
    sealed = AESGCM(key).encrypt(nonce, plaintext, b"\x01")
    return base64.urlsafe_b64encode(b"\x01" + nonce + sealed).rstrip(b"=").decode()


def seal(address, list_name):
    return seal_text(b"unsubscribe", address.lower() + "\n" + list_name)


SENT = int(time.time()) - 86400  # a day before: no open counts as a scanner's prefetch

# Per endpoint: the request line (path, body) of request `number`, the status that acknowledges it, and the method.
ENDPOINTS = {
    "one-click": ("POST", 200, lambda n: ("/unsubscribe?token=" + seal("reader%d@example.org" % n, "main"), "List-Unsubscribe=One-Click")),
    "click": ("GET", 302, lambda n: ("/c/" + seal_text(b"click", "001-hello\nreader%d@example.org\nhttps://example.org/article/%d" % (n, n % 10)), "")),
    "open": ("GET", 200, lambda n: ("/o/" + seal_text(b"open", "001-hello\nreader%d@example.org\n%d" % (n, SENT)) + ".gif", "")),
    "subscribe": ("POST", 200, lambda n: ("/subscribe", "email=new%d%%40example.org&name=New&list=main" % n)),
}


LUA = r"""
local requests = {}
for line in io.lines("%(paths)s") do
  local tab = line:find("\t", 1, true)
  requests[#requests + 1] = { line:sub(1, tab - 1), line:sub(tab + 1) }
end
local counter = 1
local threads = {}
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  index = id
  ok, other, wrapped = 0, 0, 0
end
function request()
  local entry = requests[index]
  index = index + %(threads)d
  if index > #requests then index = id; wrapped = wrapped + 1 end
  if "%(method)s" == "POST" then
    return wrk.format("POST", entry[1], { ["Content-Type"] = "application/x-www-form-urlencoded" }, entry[2])
  end
  return wrk.format("GET", entry[1])
end
function response(status, headers, body)
  if status == %(expected)d then ok = ok + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local total_ok, total_other, total_wrapped = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_other = total_other + thread:get("other")
    total_wrapped = total_wrapped + thread:get("wrapped")
  end
  io.write(string.format("RESULT ok=%%d other=%%d wrapped=%%d p50=%%d p90=%%d p99=%%d max=%%d\n", total_ok, total_other, total_wrapped,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def traces(work, endpoint):
    """What the server left for the acknowledged requests: distinct events of the kind, or messages in the outbox."""
    if endpoint == "subscribe":
        folder = os.path.join(work, "outbox", "new")
        return len(os.listdir(folder)) if os.path.isdir(folder) else 0
    kind = {"one-click": "unsubscribe", "click": "click", "open": "open"}[endpoint]
    seen = set()
    events = os.path.join(work, "events")
    for name in os.listdir(events) if os.path.isdir(events) else []:
        with open(os.path.join(events, name)) as file:
            for text in file:
                event = json.loads(text)
                if event["event"] == kind:
                    seen.add((event["email"], event.get("url")))
    return len(seen)


def run_endpoint(options, endpoint, work, url):
    method, expected, make = ENDPOINTS[endpoint]
    paths = os.path.join(work, "requests-%s.txt" % endpoint)
    with open(paths, "w") as file:
        for number in range(options.tokens):
            path, body = make(number)
            file.write("%s\t%s\n" % (path, body))
    script = os.path.join(work, "%s.lua" % endpoint)
    with open(script, "w") as file:
        file.write(LUA % {"paths": paths, "threads": options.threads, "method": method, "expected": expected})
    run = subprocess.run(["wrk", "-t", str(options.threads), "-c", str(options.connections), "-d", "%ds" % options.seconds,
                          "--timeout", "10s", "--latency", "-s", script, url], capture_output=True, text=True, check=True)
    result = dict(re.findall(r"(\w+)=(\d+)", re.search(r"RESULT .*", run.stdout).group(0)))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", run.stdout).group(1))
    return rate, {key: int(value) for key, value in result.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("gazette")
    parser.add_argument("project")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=200_000)
    parser.add_argument("--endpoints", default="one-click,click,open,subscribe")
    options = parser.parse_args()
    endpoints = options.endpoints.split(",")
    for endpoint in endpoints:
        if endpoint not in ENDPOINTS:
            raise SystemExit("unknown endpoint %r; known: %s" % (endpoint, ", ".join(ENDPOINTS)))

    work = tempfile.mkdtemp(prefix="gazette-serve-bench-")
    try:
        for name in ["gazette.yml", "templates", "subscribers"]:
            source = os.path.join(options.project, name)
            (shutil.copytree if os.path.isdir(source) else shutil.copy)(source, os.path.join(work, name))
        environment = dict(os.environ, GAZETTE_UNSUBSCRIBE_SECRET=SECRET.decode())
        # The subscribe form sends each confirmation through the example's delivery: the outbox (a Maildir).
        server = subprocess.Popen([options.gazette, "serve", "--port", "0", "--rate-limit", "0"], cwd=work, env=environment,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            server.kill()
            raise SystemExit("serve did not start: %r" % line)
        url = "http://127.0.0.1:%s/" % match.group(1)
        print("wrk -t%d -c%d -d%ds on loopback, %s build; every request with its own token or address"
              % (options.threads, options.connections, options.seconds, "release" if "/release/" in options.gazette else "debug"))
        print("%-10s %10s %9s %9s %9s %9s %12s %s" % ("endpoint", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "acknowledged", "traces (events or messages)"))
        failed = False
        for endpoint in endpoints:
            rate, result = run_endpoint(options, endpoint, work, url)
            acknowledged, found = result["ok"], traces(work, endpoint)
            complete = found >= acknowledged and result["wrapped"] == 0
            failed = failed or not complete
            print("%-10s %10.0f %9.2f %9.2f %9.2f %9.2f %12d %d%s%s" % (
                endpoint, rate, result["p50"] / 1000, result["p90"] / 1000, result["p99"] / 1000, result["max"] / 1000,
                acknowledged, found, "" if complete else "  MISSING", "  (other answers: %d)" % result["other"] if result["other"] else ""))
        server.terminate()
        server.wait(timeout=20)
        print("every acknowledged request left its trace: %s" % ("NO (or tokens ran out: raise --tokens)" if failed else "yes"))
        if failed:
            raise SystemExit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
