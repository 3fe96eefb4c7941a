"""The serve benchmark (scripts/benchmark-serve): one-click POSTs under wrk on loopback against `gazette serve`,
requests per second and latency percentiles, then a check that every acknowledged unsubscribe is in the events
file. The tokens are sealed here, independently of Gazette, with the `cryptography` package (AES-256-GCM,
keys and nonce from HMAC-SHA256 of the secret), so the run also checks that the token format is as documented.

  python serve_benchmark.py GAZETTE PROJECT [--seconds S] [--connections C] [--threads T] [--tokens N]

Every request carries a token of its own (thread t takes tokens t, t+T, t+2T, …): each 200 is a new line,
written and fsync'd before the answer, never a repeat the server answers from memory.
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


def seal(address, list_name):
    key = hmac.new(SECRET, b"gazette unsubscribe token v1: AES-256-GCM key", hashlib.sha256).digest()
    nonce_key = hmac.new(SECRET, b"gazette unsubscribe token v1: nonce key", hashlib.sha256).digest()
    plaintext = (address.lower() + "\n" + list_name).encode()
    nonce = hmac.new(nonce_key, plaintext, hashlib.sha256).digest()[:12]
    sealed = AESGCM(key).encrypt(nonce, plaintext, b"\x01")
    return base64.urlsafe_b64encode(b"\x01" + nonce + sealed).rstrip(b"=").decode()


LUA = r"""
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
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
  wrk.method = "POST"
  wrk.body = "List-Unsubscribe=One-Click"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
function request()
  local path = paths[index]
  index = index + %(threads)d
  if index > #paths then index = id; wrapped = wrapped + 1 end
  return wrk.format(nil, path)
end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 else other = other + 1 end
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("gazette")
    parser.add_argument("project")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=200_000)
    options = parser.parse_args()

    work = tempfile.mkdtemp(prefix="gazette-serve-bench-")
    try:
        for name in ["gazette.yml", "templates"]:
            source = os.path.join(options.project, name)
            (shutil.copytree if os.path.isdir(source) else shutil.copy)(source, os.path.join(work, name))
        paths = os.path.join(work, "paths.txt")
        with open(paths, "w") as file:
            for number in range(options.tokens):
                file.write("/unsubscribe?token=%s\n" % seal("reader%d@example.org" % number, "main"))
        script = os.path.join(work, "one-click.lua")
        with open(script, "w") as file:
            file.write(LUA % {"paths": paths, "threads": options.threads})

        environment = dict(os.environ, GAZETTE_UNSUBSCRIBE_SECRET=SECRET.decode())
        server = subprocess.Popen([options.gazette, "serve", "--port", "0", "--rate-limit", "0"], cwd=work, env=environment,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            server.kill()
            raise SystemExit("serve did not start: %r" % line)
        url = "http://127.0.0.1:%s/" % match.group(1)
        run = subprocess.run(["wrk", "-t", str(options.threads), "-c", str(options.connections), "-d", "%ds" % options.seconds,
                              "--timeout", "10s", "--latency", "-s", script, url], capture_output=True, text=True, check=True)
        server.terminate()
        server.wait(timeout=20)

        result = dict(re.findall(r"(\w+)=(\d+)", re.search(r"RESULT .*", run.stdout).group(0)))
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", run.stdout).group(1))
        emails = set()
        lines = 0
        events = os.path.join(work, "events")
        for name in os.listdir(events):
            with open(os.path.join(events, name)) as file:
                for text in file:
                    lines += 1
                    emails.add(json.loads(text)["email"])
        acknowledged = int(result["ok"])
        print("input: %d one-click POSTs, each with its own token; wrk -t%d -c%d -d%ds on loopback, %s build"
              % (acknowledged + int(result["other"]), options.threads, options.connections, options.seconds,
                 "release" if "/release/" in options.gazette else "debug"))
        print("requests per second      %10.0f" % rate)
        print("latency p50 / p90 / p99  %7.2f / %.2f / %.2f ms   (max %.2f ms)" % tuple(int(result[key]) / 1000 for key in ["p50", "p90", "p99", "max"]))
        print("acknowledged (200)       %10d   other answers %d" % (acknowledged, int(result["other"])))
        print("events file              %10d lines, %d addresses" % (lines, len(emails)))
        wrapped = int(result["wrapped"]) > 0
        complete = len(emails) >= acknowledged and not wrapped
        print("every acknowledged event in the file: %s%s" % ("yes" if complete else "NO",
              " (tokens ran out: raise --tokens)" if wrapped else ""))
        if not complete:
            raise SystemExit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
