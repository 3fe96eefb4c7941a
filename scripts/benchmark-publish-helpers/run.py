#!/usr/bin/env python3
"""The publish benchmark (issue 4, "Speed"), called by scripts/benchmark-publish after setup and the build.

In one run, against Postfix's smtp-sink on 127.0.0.1 (a fresh sink on a free port for every measurement,
same options each time), with the same message size and 4 connections for everyone:
  1. Postfix's smtp-source (the C load generator: our practical limit) sending Gazette's own message;
  2. `gazette publish` (release build) without DKIM, with ed25519 DKIM and with rsa-2048 DKIM;
  3. `openssl speed -multi NPROC rsa2048` and `… ed25519` signs/s over all cores, and for each the combined
     limit of a signed send, 1/(1/smtp-source + 1/openssl), which gazette's DKIM rate is compared with;
     with --before BINARY, an older gazette build's DKIM publishes run in the same rounds (before/after);
  4. the PyPI tool mailmerge (left out with --skip-mailmerge) with an equivalent HTML+text message (one process, as it is meant to be used,
     and four processes in parallel, so that it too has 4 connections);
  5. peak memory of `gazette publish` for a million recipients (--dry-run), the outbox for 100,000, and
     smtp-sink for a million (or 200,000 when the measured rate says a million would take over 10 minutes).
The throughput runs are repeated (--repeat, interleaved round-robin so that noise hits everyone alike) and
the median is reported. Prints every figure and the ratios, and writes them as JSON with --json PATH.
With --profile it instead profiles a 2,000-recipient publish to smtp-sink (callgrind and perf).

Standard library only; every command runs with a timeout; every sink is stopped on exit.
"""
import argparse
import atexit
import csv
import email
import email.policy
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GAZETTE = ROOT / ".build" / "release" / "gazette"
MAILMERGE = ROOT / ".venv-bench" / "bin" / "mailmerge"
TIMEOUT = 900  # seconds, for every command this script starts
CONCURRENCY = 4
SECRET = "benchmark-unsubscribe-secret-0123456789abcdef"
DKIM_YAML = "\ndkim:\n  domain: lighthouse.example.org\n  selector: bench\n"

sinks = []  # every smtp-sink started, stopped at exit whatever happens


def stop_all_sinks():
    for process in sinks:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


atexit.register(stop_all_sinks)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def say(text=""):
    print(text, flush=True)


def run(command, *, env=None, cwd=None, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True, timeout=TIMEOUT,
        ok=(0,)):
    """Runs a command under timeout(1) and a Python timeout; returns (CompletedProcess, wall seconds)."""
    command = ["timeout", "-k", "10", str(timeout)] + [str(part) for part in command]
    global window
    before = machine_cpu()
    started = time.monotonic()
    result = subprocess.run(command, env=env, cwd=cwd, stdout=stdout, stderr=stderr, timeout=timeout + 30)
    wall = time.monotonic() - started
    after = machine_cpu()
    window = (after[0] - before[0], after[1] - before[1])
    if check and result.returncode not in ok:
        sys.stderr.write(f"command failed ({result.returncode}): {' '.join(command)}\n")
        for stream in (result.stdout, result.stderr):
            if stream:
                sys.stderr.write(stream.decode(errors="replace")[-3000:] + "\n")
        sys.exit(1)
    return result, wall


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """Postfix's smtp-sink on a free loopback port (or the given host and port); counts the messages it
    received (-c)."""

    def __init__(self, work, host="127.0.0.1", port=None):
        self.host = host
        self.port = port or free_port()
        self.output = Path(tempfile.mktemp(prefix="sink-", suffix=".out", dir=work))
        command = ["timeout", "-k", "10", str(TIMEOUT * 2), "smtp-sink", "-c"]
        if os.geteuid() == 0:
            command += ["-u", "nobody"]  # required when it runs as root
        command += [f"{self.host}:{self.port}", "256"]
        self.handle = open(self.output, "wb")
        self.process = subprocess.Popen(command, stdout=self.handle, stderr=subprocess.STDOUT)
        sinks.append(self.process)
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as connection:
                    connection.recv(100)  # the 220 greeting
                    connection.sendall(b"QUIT\r\n")
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"smtp-sink did not start on port {self.port}: {self.output.read_text(errors='replace')}")
                time.sleep(0.05)

    @property
    def url(self):
        return f"smtp://{self.host}:{self.port}?tls=none"

    def cpu_seconds(self):
        """CPU time (user + system) smtp-sink used so far, from /proc (the sink is timeout(1)'s child)."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            fields = Path(f"/proc/{children[0]}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None

    def stop(self):
        """Stops the sink; returns how many messages it received."""
        time.sleep(0.2)  # the last "." may still be in flight for the counter
        self.cpu = self.cpu_seconds()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.handle.close()
        with open(self.output, "rb") as counts:
            counts.seek(max(0, self.output.stat().st_size - 400))
            tail = counts.read().decode(errors="replace")
        self.output.unlink()
        found = re.findall(r"mesg=(\d+)", tail)
        return int(found[-1]) if found else 0


def machine_cpu():
    """(busy, stolen) CPU seconds of the whole machine so far, all cores, from /proc/stat: busy is what ran
    here (any process), stolen is what the hypervisor gave to other virtual machines."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, steal / tick


window = (0.0, 0.0)  # (busy, stolen) CPU seconds of the machine during the last run()


def write_subscribers(project, count):
    """subscribers/main.csv with `count` distinct addresses, and an empty suppression list."""
    with open(project / "subscribers" / "main.csv", "w", newline="") as out:
        out.write("email,name,joined\n")
        chunk = []
        for index in range(count):
            chunk.append(f"reader{index:07d}@example.org,Reader Number {index},2026-09-12\n")
            if len(chunk) == 10000:
                out.write("".join(chunk))
                chunk = []
        out.write("".join(chunk))
    (project / "subscribers" / "suppressed.csv").write_text("email,reason,date\n")


def make_project(work):
    """A temporary copy of the example newsletter (gazette.yml, content, templates)."""
    project = work / "newsletter"
    project.mkdir()
    shutil.copy(ROOT / "gazette.yml", project / "gazette.yml")
    shutil.copytree(ROOT / "content", project / "content")
    shutil.copytree(ROOT / "templates", project / "templates")
    (project / "subscribers").mkdir()
    return project


def set_dkim(project, algorithm, keys):
    """Writes gazette.yml with or without the dkim section; returns the environment for gazette."""
    base = (ROOT / "gazette.yml").read_text()
    env = dict(os.environ, GAZETTE_UNSUBSCRIBE_SECRET=SECRET, NO_COLOR="1")
    env.pop("GAZETTE_DKIM_KEY", None)
    env.pop("GAZETTE_DKIM_KEY_FILE", None)
    if algorithm:
        (project / "gazette.yml").write_text(base + DKIM_YAML)
        env["GAZETTE_DKIM_KEY_FILE"] = str(keys[algorithm])
    else:
        (project / "gazette.yml").write_text(base)
    return env


def clean_publish_state(project):
    """Deletes the logs (and any outbox) so the next variant starts a fresh publish."""
    for name in ("logs", "outbox-bench"):
        shutil.rmtree(project / name, ignore_errors=True)


def max_rss_kb(stderr):
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return int(found.group(1)) if found else None


def cpu_seconds(stderr):
    """User + system CPU seconds from /usr/bin/time -v."""
    user = re.search(r"User time \(seconds\): ([\d.]+)", stderr)
    system = re.search(r"System time \(seconds\): ([\d.]+)", stderr)
    return float(user.group(1)) + float(system.group(1)) if user and system else None


def gazette_publish(project, issue, env, via, extra=(), binary=None):
    """One `gazette publish` under /usr/bin/time -v; returns wall seconds, peak RSS (KB) and the JSON summary.
    `binary`: another gazette build (--before) instead of this tree's release build."""
    command = ["/usr/bin/time", "-v", binary or GAZETTE, "publish", issue, "--project", project, "--format", "json",
               "--concurrency", CONCURRENCY] + (["--via", via] if via else []) + list(extra)
    # --limit leaves the rest of the audience for a later run: exit 75, as documented.
    result, wall = run(command, env=env, cwd=project, ok=(0, 75) if "--limit" in extra else (0,))
    stderr = result.stderr.decode(errors="replace")
    summary = json.loads(result.stdout.decode())
    global last_cpu
    last_cpu = cpu_seconds(stderr)
    return wall, max_rss_kb(stderr), summary


last_cpu = None  # CPU seconds of the last gazette_publish


def measure_message(project, issue, env):
    """Publishes to one recipient in the outbox; returns the message's path (CRLF, as on the wire)."""
    run([GAZETTE, "publish", issue, "--project", project, "--via", "outbox:outbox-bench", "--limit", "1"], env=env, cwd=project,
        ok=(0, 75))
    messages = sorted((project / "outbox-bench" / "new").glob("*.eml"))
    if len(messages) != 1:
        sys.exit(f"expected one outbox message, found {len(messages)}")
    return messages[0]


def smtp_source(work, message, count):
    """Postfix's smtp-source with Gazette's message (-F: lines get CRLF, so we hand it LF lines), 4 sessions,
    each reusing its connection (-d). Returns (wall seconds, messages the sink counted)."""
    lf = work / "message.lf"
    lf.write_bytes(message.read_bytes().replace(b"\r\n", b"\n"))
    sink = Sink(work)
    result, wall = run(["/usr/bin/time", "-v", "smtp-source", "-s", CONCURRENCY, "-d", "-m", count, "-F", lf,
                        "-f", "news@lighthouse.example.org", "-t", "reader@example.org", f"127.0.0.1:{sink.port}"])
    received = sink.stop()
    return wall, received, cpu_seconds(result.stderr.decode(errors="replace")), sink.cpu


def gazette_to_sink(project, issue, env, count, binary=None):
    clean_publish_state(project)
    sink = Sink(project.parent)
    wall, rss, summary = gazette_publish(project, issue, env, sink.url, binary=binary)
    received = sink.stop()
    if summary.get("sent") != count or received != count:
        sys.exit(f"gazette publish: {summary.get('sent')} sent, {received} received by smtp-sink, expected {count}")
    clean_publish_state(project)
    return wall, rss, last_cpu, sink.cpu


# --- mailmerge ---------------------------------------------------------------------------------------

def jinja_literal(text):
    """Text that Jinja2 passes through unchanged."""
    if "endraw" in text:
        sys.exit("the message contains 'endraw', which the mailmerge template cannot quote")
    return "{% raw %}" + text + "{% endraw %}"


def mailmerge_template(message_path, encoding):
    """A mailmerge template for the same message as Gazette's: the same headers, the same text and HTML parts,
    with the recipient's name, address and unsubscribe token as template fields wherever they appear whole.
    encoding "qp": the parts quoted-printable as Gazette sends them, so the size on the wire is the same (but
    mailmerge, seeing an ASCII template, labels them us-ascii: the bytes are right, the label is not).
    encoding "native": the decoded UTF-8 parts, which mailmerge labels utf-8 and base64-encodes itself, as it
    would for a real user (a correct message, about 27% larger, and mailmerge does the encoding work)."""
    raw = email.message_from_bytes(message_path.read_bytes().replace(b"\r\n", b"\n"), policy=email.policy.compat32)
    parsed = email.message_from_bytes(message_path.read_bytes(), policy=email.policy.default)
    to = parsed["To"].addresses[0]
    name, address = to.display_name, to.addr_spec
    token = re.search(r"token=([A-Za-z0-9_-]+)", str(parsed["List-Unsubscribe"])).group(1)
    fields = {address: "{{email}}", address.replace("@", "%40"): "{{email|urlencode}}", name: "{{name}}",
              token: "{{token}}"}

    def fill(text):
        pattern = "(" + "|".join(re.escape(key) for key in sorted(fields, key=len, reverse=True)) + ")"
        return "".join(fields.get(piece) or jinja_literal(piece) for piece in re.split(pattern, text) if piece)

    text_part, html_part = raw.get_payload()
    headers = [
        "TO: {{name}} <{{email}}>",
        f"SUBJECT: {parsed['Subject']}",
        f"FROM: {parsed['From']}",
        f"Reply-To: {parsed['Reply-To']}",
        f"List-Id: {parsed['List-Id']}",
        fill(f"List-Unsubscribe: {parsed['List-Unsubscribe']}"),
        f"List-Unsubscribe-Post: {parsed['List-Unsubscribe-Post']}",
        "Message-ID: <{{token}}@lighthouse.example.org>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/alternative; boundary="=_mailmerge_boundary"',
    ]
    body = [""]
    for part in (text_part, html_part):
        body += ["--=_mailmerge_boundary", f"Content-Type: {part.get_content_type()}; charset=utf-8"]
        if encoding == "qp":
            body += ["Content-Transfer-Encoding: quoted-printable", "", fill(part.get_payload())]
        else:
            body += ["", fill(part.get_payload(decode=True).decode("utf-8"))]
    body += ["--=_mailmerge_boundary--", ""]
    return "\n".join(headers + body)


def mailmerge_setup(work, message_path, count, parts, encoding):
    """A mailmerge folder per process: template, server config (smtp-sink, no TLS, no rate limit), database."""
    template = mailmerge_template(message_path, encoding)
    rows = [(f"reader{index:07d}@example.org", f"Reader Number {index}", f"t{index:040d}") for index in range(count)]
    folders = []
    for part in range(parts):
        folder = work / f"mailmerge-{parts}-{part}"
        folder.mkdir()
        (folder / "mailmerge_template.txt").write_text(template)
        with open(folder / "mailmerge_database.csv", "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["email", "name", "token"])
            writer.writerows(rows[part::parts])
        folders.append(folder)
    return folders


def mailmerge_config(folders, port):
    for folder in folders:
        (folder / "mailmerge_server.conf").write_text(
            f"[smtp_server]\nhost = 127.0.0.1\nport = {port}\nsecurity = Never\nratelimit = 0\n")


def mailmerge_message_size(work, message_path, encoding):
    """The size on the wire of mailmerge's message, from its dry run of one message."""
    base = work / f"mm-size-{encoding}"
    base.mkdir()
    folder = mailmerge_setup(base, message_path, 1, 1, encoding)[0]
    mailmerge_config([folder], 25)
    result, _ = run([MAILMERGE, "--dry-run", "--limit", "1", "--output-format", "raw"], cwd=folder)
    text = result.stdout.decode()
    body = text.split(">>> message 1\n", 1)[1].split("\n>>> message 1 sent", 1)[0]
    return len(body.replace("\n", "\r\n").encode())


def mailmerge_run(work, message_path, count, parts, encoding, round_):
    """mailmerge in `parts` processes at once over `count` recipients; (wall seconds, messages received,
    mailmerge's CPU seconds, smtp-sink's CPU seconds)."""
    base = work / f"mm-{encoding}-{parts}-{round_}"
    base.mkdir()
    folders = mailmerge_setup(base, message_path, count, parts, encoding)
    sink = Sink(work)
    mailmerge_config(folders, sink.port)
    global window
    children_before = os.times()
    machine_before = machine_cpu()
    started = time.monotonic()
    processes = [subprocess.Popen(["timeout", "-k", "10", str(TIMEOUT), MAILMERGE, "--no-dry-run", "--no-limit",
                                   "--output-format", "raw"], cwd=folder, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE) for folder in folders]
    failures = []
    for process in processes:
        _, err = process.communicate(timeout=TIMEOUT + 30)
        if process.returncode != 0:
            failures.append(err.decode(errors="replace")[-2000:])
    wall = time.monotonic() - started
    machine_after = machine_cpu()
    window = (machine_after[0] - machine_before[0], machine_after[1] - machine_before[1])
    children_after = os.times()
    client_cpu = (children_after.children_user - children_before.children_user
                  + children_after.children_system - children_before.children_system)
    received = sink.stop()
    shutil.rmtree(base)
    if failures:
        sys.exit("mailmerge failed:\n" + "\n".join(failures))
    return wall, received, client_cpu, sink.cpu


# --- openssl speed -----------------------------------------------------------------------------------

OPENSSL_ALGORITHMS = {"rsa-2048": "rsa2048", "ed25519": "ed25519"}


def openssl_signs(algorithm, cores, seconds):
    """Signs/s of `openssl speed -multi CORES` for rsa2048 or ed25519 (our DKIM algorithms)."""
    name = OPENSSL_ALGORITHMS[algorithm]
    result, _ = run(["openssl", "speed", "-seconds", seconds, "-multi", cores, name])
    for line in result.stdout.decode().splitlines():
        fields = line.split()
        if name == "rsa2048" and fields[:3] == ["rsa", "2048", "bits"] and len(fields) >= 7:
            return float(fields[5])
        if name == "ed25519" and fields[1:4] == ["bits", "EdDSA", "(Ed25519)"] and len(fields) >= 8:
            return float(fields[6])
    sys.exit("could not read openssl speed's output:\n" + result.stdout.decode()[-2000:])


# --- the report --------------------------------------------------------------------------------------

def machine():
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True, timeout=60).stdout.strip().splitlines()
    openssl = subprocess.run(["openssl", "version"], capture_output=True, text=True, timeout=60).stdout.strip()
    postfix = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "postfix"], capture_output=True, text=True, timeout=60).stdout
    memory = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) // 1024
    return {"nproc": os.cpu_count(), "cpu": model, "memory_mb": memory, "kernel": platform.release(),
            "swift": swift[0] if swift else "", "openssl": openssl, "postfix": postfix}


def median(values):
    return statistics.median(values) if values else None


def spread(values):
    return f"{min(values):.2f}–{max(values):.2f} s" if len(values) > 1 else ""


def benchmark(args):
    work = Path(tempfile.mkdtemp(prefix="gazette-bench-"))
    atexit.register(shutil.rmtree, work, True)
    results = {"machine": machine(), "recipients": args.recipients, "concurrency": CONCURRENCY, "repeat": args.repeat}
    info = results["machine"]
    say(f"machine: {info['nproc']} cores, {info['cpu']}, {info['memory_mb']} MB; {info['swift']}; {info['openssl']}; "
        f"postfix {info['postfix']}")

    project = make_project(work)
    keys = {"ed25519": work / "dkim-ed25519.pem", "rsa-2048": work / "dkim-rsa-2048.pem"}
    run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", keys["ed25519"]])
    run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keys["rsa-2048"]])

    # The message: one from the outbox (no DKIM); its size is what everybody sends.
    write_subscribers(project, args.recipients)
    env = set_dkim(project, None, keys)
    message = measure_message(project, args.issue, env)
    kept = work / "gazette-message.eml"
    shutil.copy(message, kept)
    clean_publish_state(project)
    size = kept.stat().st_size
    signed_sizes = {}
    for algorithm in keys:
        signed_env = set_dkim(project, algorithm, keys)
        signed = measure_message(project, args.issue, signed_env)
        signed_text = signed.read_bytes()
        if b"DKIM-Signature:" not in signed_text:
            sys.exit(f"the {algorithm} message has no DKIM-Signature")
        signed_sizes[algorithm] = len(signed_text)
        clean_publish_state(project)
    results["message_bytes"] = size
    results["signed_message_bytes"] = signed_sizes
    say(f"message: {size} bytes (CRLF, as on the wire); with DKIM ed25519 {signed_sizes['ed25519']}, "
        f"rsa-2048 {signed_sizes['rsa-2048']}")

    # Fixed start-up cost.
    env = set_dkim(project, None, keys)
    checks = [run([GAZETTE, "check", args.issue, "--project", project], env=env, cwd=project)[1] for _ in range(3)]
    results["check_seconds"] = median(checks)
    _, dry_wall = run([GAZETTE, "publish", args.issue, "--project", project, "--dry-run", "--format", "json"],
                      env=env, cwd=project)
    results["dry_run_seconds"] = dry_wall
    say(f"gazette check {args.issue}: {results['check_seconds']:.3f} s (median of 3; the fixed start-up cost)")
    say(f"gazette publish --dry-run, {args.recipients} recipients (compose + validate, 1 thread): {dry_wall:.2f} s "
        f"= {args.recipients / dry_wall:,.0f} messages/s")

    # openssl speed now and again after the rounds; the better of the two (noise only slows it down).
    signs_by = {algorithm: [openssl_signs(algorithm, os.cpu_count(), args.openssl_seconds)] for algorithm in OPENSSL_ALGORITHMS}
    for algorithm, name in OPENSSL_ALGORITHMS.items():
        say(f"openssl speed -seconds {args.openssl_seconds} -multi {os.cpu_count()} {name}: {signs_by[algorithm][0]:,.1f} signs/s")

    # Throughput, interleaved; with --before, an older build's DKIM runs in the same rounds.
    variants = ["smtp-source", "gazette", "gazette ed25519", "gazette rsa-2048"]
    if args.before:
        variants += ["before ed25519", "before rsa-2048"]
    walls = {name: [] for name in variants}
    rss = {name: [] for name in variants}
    cpu = {name: [] for name in variants}  # (client CPU s, smtp-sink CPU s, everything else's CPU s) per round
    for round_ in range(1, args.repeat + 1):
        for name in variants:
            if name == "smtp-source":
                wall, received, client_cpu, sink_cpu = smtp_source(work, kept, args.recipients)
                if received != args.recipients:
                    sys.exit(f"smtp-source: smtp-sink received {received} of {args.recipients}")
            else:
                algorithm = name.split(" ", 1)[1] if " " in name else None
                binary = args.before if name.startswith("before") else None
                wall, peak, client_cpu, sink_cpu = gazette_to_sink(project, args.issue, set_dkim(project, algorithm, keys),
                                                                   args.recipients, binary)
                rss[name].append(peak)
            others, stolen = max(0.0, window[0] - client_cpu - sink_cpu), window[1]
            walls[name].append(wall)
            cpu[name].append((client_cpu, sink_cpu, others, stolen))
            say(f"  round {round_}: {name:18} {args.recipients} messages in {wall:6.2f} s = "
                f"{args.recipients / wall:8,.0f} messages/s; CPU (% of one core): client {client_cpu / wall:.0%}, "
                f"smtp-sink {sink_cpu / wall:.0%}, other processes {others / wall:.0%}, stolen {stolen / wall:.0%}")

    best_signs = {}
    for algorithm, name in OPENSSL_ALGORITHMS.items():
        signs_by[algorithm].append(openssl_signs(algorithm, os.cpu_count(), args.openssl_seconds))
        best_signs[algorithm] = max(signs_by[algorithm])
        results[f"openssl_{name}_signs_per_second"] = best_signs[algorithm]
        results[f"openssl_{name}_runs"] = signs_by[algorithm]
        say(f"openssl speed -seconds {args.openssl_seconds} -multi {os.cpu_count()} {name}: {signs_by[algorithm][1]:,.1f} "
            f"signs/s; the better of the two: {best_signs[algorithm]:,.1f} signs/s over all cores")
    signs, signs_runs = best_signs["rsa-2048"], signs_by["rsa-2048"]

    # mailmerge: the same bytes (qp) in 1 process and in 4 at once, and its own encoding (native) in 4 at once.
    mm_sizes = {} if args.skip_mailmerge else {encoding: mailmerge_message_size(work, kept, encoding) for encoding in ("qp", "native")}
    results["mailmerge_message_bytes"] = mm_sizes
    mailmerge = {}
    for round_ in range(1, 0 if args.skip_mailmerge else args.mailmerge_repeat + 1):
        for encoding, parts in (("native", 1), ("native", CONCURRENCY), ("qp", CONCURRENCY)):
            wall, received, client_cpu, sink_cpu = mailmerge_run(work, kept, args.mailmerge_recipients, parts,
                                                                 encoding, round_)
            others, stolen = max(0.0, window[0] - client_cpu - sink_cpu), window[1]
            if received != args.mailmerge_recipients:
                sys.exit(f"mailmerge ({parts} processes): smtp-sink received {received} of {args.mailmerge_recipients}")
            label = f"mailmerge {encoding}, {parts} process{'es' if parts > 1 else ''}"
            say(f"  round {round_}: {label} ({parts} connection{'s' if parts > 1 else ''} at once), "
                f"{args.mailmerge_recipients} messages of {mm_sizes[encoding]} bytes: {wall:.2f} s = "
                f"{args.mailmerge_recipients / wall:,.1f} messages/s; CPU (% of one core): mailmerge "
                f"{100 * client_cpu / wall:.0f}%, smtp-sink {100 * sink_cpu / wall:.0f}%, other processes "
                f"{100 * others / wall:.0f}%, stolen {100 * stolen / wall:.0f}%")
            if label in mailmerge and mailmerge[label]["seconds"] <= wall:
                mailmerge[label]["all_seconds"].append(wall)
                continue
            mailmerge[label] = {"seconds": wall, "messages_per_second": args.mailmerge_recipients / wall,
                                "message_bytes": mm_sizes[encoding], "processes": parts, "encoding": encoding,
                                "cpu_percent": 100 * client_cpu / wall, "sink_cpu_percent": 100 * sink_cpu / wall,
                                "others_cpu_percent": 100 * others / wall, "stolen_cpu_percent": 100 * stolen / wall,
                                "all_seconds": mailmerge.get(label, {}).get("all_seconds", []) + [wall]}

    # Noise from other work on a shared machine only ever slows a run down, so each sender's best round is
    # the estimate of what it can do; the median is shown beside it.
    rates = {name: args.recipients / min(walls[name]) for name in variants}
    median_rates = {name: args.recipients / median(walls[name]) for name in variants}
    results["throughput"] = {name: {"seconds": walls[name], "median_seconds": median(walls[name]),
                                    "messages_per_second_best": rates[name],
                                    "messages_per_second_median": median_rates[name],
                                    "cpu_seconds_client_sink_others": cpu[name],
                                    "peak_rss_kb": rss[name] or None} for name in variants}

    def cpu_share(name):
        """CPU use of client, sink and everything else in the best round, in % of one core."""
        best = walls[name].index(min(walls[name]))
        client, sink, others, stolen = cpu[name][best]
        wall = walls[name][best]
        return f"{client / wall:.0%} + {sink / wall:.0%} + {others / wall:.0%} ({stolen / wall:.0%})"
    results["mailmerge"] = mailmerge
    fastest_mailmerge = max(mailmerge, key=lambda label: mailmerge[label]["messages_per_second"]) if mailmerge else None
    mm_rate = mailmerge[fastest_mailmerge]["messages_per_second"] if mailmerge else None

    # The combined limit of a signed send on these cores: smtp-source's sending and openssl's signing one
    # after the other, 1/(1/smtp-source + 1/signs).
    combined = {algorithm: 1 / (1 / rates["smtp-source"] + 1 / best_signs[algorithm]) for algorithm in OPENSSL_ALGORITHMS}
    results["combined_limit_messages_per_second"] = combined

    # Memory.
    memory = {}
    if not args.skip_memory:
        env = set_dkim(project, None, keys)
        say(f"memory: writing {args.memory_recipients:,} subscribers")
        write_subscribers(project, args.memory_recipients)
        wall, peak, summary = gazette_publish(project, args.issue, env, None, ["--dry-run"])
        if summary.get("composed") != args.memory_recipients:
            sys.exit(f"--dry-run composed {summary.get('composed')} of {args.memory_recipients}")
        memory["dry_run"] = {"recipients": args.memory_recipients, "peak_rss_kb": peak, "seconds": wall}
        say(f"  --dry-run, {args.memory_recipients:,} recipients: peak RSS {peak / 1024:.1f} MB, {wall:.1f} s")

        clean_publish_state(project)
        wall, peak, summary = gazette_publish(project, args.issue, env, "outbox:outbox-bench",
                                              ["--limit", str(args.outbox_recipients)])
        written = len(os.listdir(project / "outbox-bench" / "new"))
        if summary.get("sent") != args.outbox_recipients or written != args.outbox_recipients:
            sys.exit(f"outbox: {summary.get('sent')} sent, {written} files, expected {args.outbox_recipients}")
        memory["outbox"] = {"recipients": args.outbox_recipients, "peak_rss_kb": peak, "seconds": wall,
                            "audience_rows": args.memory_recipients}
        say(f"  outbox, {args.outbox_recipients:,} recipients (--limit, of a {args.memory_recipients:,}-row list): "
            f"peak RSS {peak / 1024:.1f} MB, {wall:.1f} s")
        clean_publish_state(project)

        expected = args.memory_recipients / rates["gazette"]
        count = args.memory_recipients if expected <= 600 else args.sink_fallback_recipients
        if count != args.memory_recipients:
            say(f"  ({args.memory_recipients:,} to smtp-sink would take ~{expected:.0f} s; sending {count:,} instead)")
        sink = Sink(work)
        wall, peak, summary = gazette_publish(project, args.issue, env, sink.url, ["--limit", str(count)])
        received = sink.stop()
        if summary.get("sent") != count or received != count:
            sys.exit(f"smtp-sink memory run: {summary.get('sent')} sent, {received} received, expected {count}")
        memory["smtp_sink"] = {"recipients": count, "peak_rss_kb": peak, "seconds": wall}
        say(f"  smtp-sink, {count:,} recipients: peak RSS {peak / 1024:.1f} MB, {wall:.1f} s = {count / wall:,.0f} messages/s")
        clean_publish_state(project)
    results["memory"] = memory

    # The figures and the ratios.
    goals = []
    no_dkim, rsa = rates["gazette"], rates["gazette rsa-2048"]
    goals.append(("without DKIM ≥ 80% of smtp-source", no_dkim / rates["smtp-source"], 0.80))
    goals.append(("rsa-2048 ≥ 80% of openssl speed rsa2048 signs/s (all cores)", rsa / signs, 0.80))
    for algorithm in OPENSSL_ALGORITHMS:
        goals.append((f"{algorithm} ≥ 90% of the combined limit 1/(1/smtp-source + 1/openssl {OPENSSL_ALGORITHMS[algorithm]}) "
                      f"= {combined[algorithm]:,.0f}/s", rates[f"gazette {algorithm}"] / combined[algorithm], 0.90))
    if mailmerge:
        goals.append((f"without DKIM ≥ 50× mailmerge (its fastest: {fastest_mailmerge})", no_dkim / mm_rate, 50))
    if memory:
        worst = max(entry["peak_rss_kb"] for entry in memory.values())
        goals.append(("peak memory < 150 MB", worst / 1024, 150))
    results["goals"] = [{"goal": goal, "value": value, "target": target,
                         "met": value < target if "memory" in goal else value >= target} for goal, value, target in goals]

    say()
    say(f"## Results ({args.recipients:,} recipients of {size:,} bytes, {CONCURRENCY} connections, smtp-sink on "
        f"127.0.0.1; best of {args.repeat} interleaved rounds, median beside it)")
    say()
    say("| sender | messages | best time (all rounds) | messages/s best (median) | vs smtp-source best (median) "
        "| CPU in the best round, % of one core: client + smtp-sink + other processes (stolen) | peak RSS |")
    say("|---|---:|---:|---:|---:|---:|---:|")
    for name in variants:
        peak = f"{max(rss[name]) / 1024:.1f} MB" if rss[name] else ""
        say(f"| {name} | {args.recipients:,} | {min(walls[name]):.2f} s ({spread(walls[name])}) | "
            f"{rates[name]:,.0f} ({median_rates[name]:,.0f}) | {rates[name] / rates['smtp-source']:.0%} "
            f"({median_rates[name] / median_rates['smtp-source']:.0%}) | {cpu_share(name)} | {peak} |")
    for label, entry in mailmerge.items():
        say(f"| {label} ({entry['message_bytes']:,} bytes) | {args.mailmerge_recipients:,} | {entry['seconds']:.2f} s "
            f"({spread(entry['all_seconds'])}) | "
            f"{entry['messages_per_second']:,.1f} | {entry['messages_per_second'] / rates['smtp-source']:.1%} | "
            f"{entry['cpu_percent']:.0f}% + {entry['sink_cpu_percent']:.0f}% + {entry['others_cpu_percent']:.0f}% "
            f"({entry['stolen_cpu_percent']:.0f}%) | |")
    say()
    say(f"- gazette check (start-up: load, render, check the issue): {results['check_seconds']:.3f} s")
    say(f"- gazette publish --dry-run, {args.recipients:,}: {dry_wall:.2f} s ({args.recipients / dry_wall:,.0f} messages/s, one thread)")
    for algorithm, name in OPENSSL_ALGORITHMS.items():
        say(f"- openssl speed {name}, {os.cpu_count()} processes: {best_signs[algorithm]:,.1f} signs/s (runs: "
            + ", ".join(f"{value:,.1f}" for value in signs_by[algorithm]) + f"); combined limit with smtp-source "
            f"{combined[algorithm]:,.0f} messages/s; gazette {algorithm} {rates[f'gazette {algorithm}'] / combined[algorithm]:.0%} of it"
            + (f", before {rates[f'before {algorithm}'] / combined[algorithm]:.0%} (after/before "
               f"{rates[f'gazette {algorithm}'] / rates[f'before {algorithm}']:.2f}×, medians "
               f"{median_rates[f'gazette {algorithm}'] / median_rates[f'before {algorithm}']:.2f}×)" if args.before else ""))
    if mailmerge:
        say(f"- mailmerge's message: {mm_sizes['qp']:,} bytes quoted-printable as Gazette's, {mm_sizes['native']:,} bytes "
            f"base64 as mailmerge encodes UTF-8 itself (Gazette's: {size:,})")
        say("- Gazette (no DKIM) / mailmerge: " + ", ".join(
            f"{no_dkim / entry['messages_per_second']:,.0f}× {label}" for label, entry in mailmerge.items()))
    say(f"- ed25519 / no DKIM: {rates['gazette ed25519'] / no_dkim:.0%}; rsa-2048 / no DKIM: {rsa / no_dkim:.0%}")
    for name, entry in memory.items():
        say(f"- peak RSS, {name.replace('_', ' ')}, {entry['recipients']:,} recipients: "
            f"{entry['peak_rss_kb'] / 1024:.1f} MB ({entry['seconds']:.1f} s)")
    say()
    say("| goal | measured | met |")
    say("|---|---:|---|")
    for goal in results["goals"]:
        value = goal["value"]
        shown = f"{value:.1f} MB" if "memory" in goal["goal"] else (f"{value:,.0f}×" if "mailmerge" in goal["goal"] else f"{value:.0%}")
        say(f"| {goal['goal']} | {shown} | {'yes' if goal['met'] else 'NO'} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


# --- the profile -------------------------------------------------------------------------------------

def demangle(text):
    tool = shutil.which("swift-demangle")
    command = [tool, "--simplified"] if tool else ["swift", "demangle", "--simplified"]
    try:
        return subprocess.run(command, input=text, capture_output=True, text=True, timeout=120).stdout or text
    except (OSError, subprocess.TimeoutExpired):
        return text


def profile(args):
    work = Path(tempfile.mkdtemp(prefix="gazette-profile-"))
    atexit.register(shutil.rmtree, work, True)
    project = make_project(work)
    write_subscribers(project, args.profile_recipients)
    keys = {}
    if args.profile_dkim:
        keys[args.profile_dkim] = work / "dkim.pem"
        if args.profile_dkim == "ed25519":
            run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", keys["ed25519"]])
        else:
            run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keys["rsa-2048"]])
    env = set_dkim(project, args.profile_dkim, keys)
    out = Path(args.profile_dir)
    out.mkdir(parents=True, exist_ok=True)

    # callgrind: instructions, repeatable; user space only (the kernel's share of send/write is not in it).
    # Valgrind 3.19 gives up on the Swift 6 toolchain's DWARF, so it runs a copy without debug info (the
    # symbol table stays: functions are named, lines are not).
    binary = work / "gazette-nodebug"
    run(["objcopy", "--strip-debug", GAZETTE, binary])
    sink = Sink(work)
    callgrind_file = out / "callgrind.out"
    run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={callgrind_file}", "--separate-threads=no",
         binary, "publish", args.issue, "--project", project, "--via", sink.url, "--concurrency", CONCURRENCY,
         "--format", "json"], env=env, cwd=project)
    received = sink.stop()
    clean_publish_state(project)
    say(f"callgrind: {received} messages received by smtp-sink")
    annotated, _ = run(["callgrind_annotate", "--inclusive=yes", "--threshold=99.9", callgrind_file])
    inclusive = demangle(annotated.stdout.decode(errors="replace"))
    (out / "callgrind-inclusive.txt").write_text(inclusive)
    annotated, _ = run(["callgrind_annotate", "--inclusive=no", "--threshold=99.9", callgrind_file])
    exclusive = demangle(annotated.stdout.decode(errors="replace"))
    (out / "callgrind-self.txt").write_text(exclusive)

    # perf: CPU time with the kernel, on the full-size run (sampled; needs perf_event access).
    if shutil.which("perf"):
        write_subscribers(project, args.recipients)
        sink = Sink(work)
        perf_file = out / "perf.data"
        result, wall = run(["perf", "record", "-F", "999", "-g", "-o", perf_file, "--", GAZETTE, "publish", args.issue,
                            "--project", project, "--via", sink.url, "--concurrency", CONCURRENCY, "--format", "json"],
                           env=env, cwd=project, check=False)
        received = sink.stop()
        clean_publish_state(project)
        if result.returncode == 0:
            say(f"perf: {received} messages in {wall:.2f} s")
            for children, name in (("--children", "perf-children.txt"), ("--no-children", "perf-self.txt")):
                report, _ = run(["perf", "report", "-i", perf_file, "--stdio", children, "-g", "none",
                                 "--percent-limit", "0.5", "--sort", "dso,symbol"], check=False)
                (out / name).write_text(demangle(report.stdout.decode(errors="replace")))
            report, _ = run(["perf", "report", "-i", perf_file, "--stdio", "--no-children", "-g", "none",
                             "--sort", "comm"], check=False)
            (out / "perf-threads.txt").write_text(report.stdout.decode(errors="replace"))
        else:
            say("perf record failed: " + result.stderr.decode(errors="replace")[-500:])
    say(f"profiles in {out}")


def main():
    global CONCURRENCY
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--issue", default="3")
    parser.add_argument("--recipients", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--mailmerge-recipients", type=int, default=2000)
    parser.add_argument("--mailmerge-repeat", type=int, default=2)
    parser.add_argument("--openssl-seconds", type=int, default=5)
    parser.add_argument("--memory-recipients", type=int, default=1_000_000)
    parser.add_argument("--outbox-recipients", type=int, default=100_000)
    parser.add_argument("--sink-fallback-recipients", type=int, default=200_000)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-mailmerge", action="store_true", help="leave out mailmerge (slow; not needed for DKIM figures)")
    parser.add_argument("--before", metavar="BINARY",
                        help="also run this (older) gazette build's ed25519 and rsa-2048 publishes in the same rounds")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY,
                        help="gazette's connections (default 4; 1 shows what signing during the reply wait hides)")
    parser.add_argument("--json", help="also write the figures as JSON here")
    parser.add_argument("--profile", action="store_true", help="profile a publish instead of benchmarking")
    parser.add_argument("--profile-recipients", type=int, default=2000)
    parser.add_argument("--profile-dkim", choices=["ed25519", "rsa-2048"], help="profile a signed publish")
    parser.add_argument("--profile-dir", default=str(ROOT / ".build" / "benchmark-publish-profile"))
    args = parser.parse_args()
    CONCURRENCY = args.concurrency
    if args.before:
        args.before = str(Path(args.before).resolve())
        if not os.access(args.before, os.X_OK):
            sys.exit(f"--before {args.before}: not an executable gazette build")
    if args.profile:
        profile(args)
    else:
        benchmark(args)


if __name__ == "__main__":
    main()
