#!/usr/bin/env python3
"""The direct-delivery benchmark (issue 9, "Speed"), called by scripts/benchmark-direct after setup and the build.

In one run, on loopback: 10,000 recipients spread over 50 test domains (interleaved, as a real list is),
published by the release build of `gazette` in two ways, interleaved round-robin, --repeat times each:
  1. through a relay: one Postfix smtp-sink on 127.0.0.1 (`--via smtp://…?tls=none`);
  2. direct: `--via direct:` with a dnslib DNS server (Tests/GazetteTestSupport/dns_test_server.py, TTL 3600)
     whose 50 domains have MX records naming 5 mail hosts (as hosting providers share MX hosts), each an
     smtp-sink on 127.77.0.2…6, all on one free port (the `direct.port` setting);
  3. direct to one MX: the same 50 domains in a second zone whose MX all name one host, a single smtp-sink
     like the relay's (the like-for-like comparison: five sinks share the receiving work, one does not).
Both with 4 connections and no DKIM. Prints messages/s (median), the ratio, and the DNS questions that
reached the server in each direct run (one per domain and type per TTL, not one per recipient), and
writes them as JSON with --json PATH. Standard library only, besides the venv's dnslib for the DNS server.
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (the publish benchmark's helpers: sinks, projects, timed runs)

DOMAINS = 50
MX_HOSTS = 5


def start_dns(work, zone):
    path = work / "zone.json"
    path.write_text(json.dumps(zone))
    log = work / "questions.log"
    log.write_text("")
    script = bench.ROOT / "Tests" / "GazetteTestSupport" / "dns_test_server.py"
    python = bench.ROOT / ".venv" / "bin" / "python"
    process = subprocess.Popen([python, script, "--zone", path, "--log", log], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    bench.sinks.append(process)  # stopped at exit with the sinks
    line = process.stdout.readline().decode().strip()
    if not line.startswith("PORT "):
        sys.exit(f"dns_test_server.py did not start: {line!r}")
    return process, int(line.split()[1]), log


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--issue", default="3")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="gazette-bench-direct-"))
    project = bench.make_project(work)
    with open(project / "subscribers" / "main.csv", "w") as out:
        out.write("email,name\n")
        out.writelines(f"reader{i:06d}@d{i % DOMAINS:02d}.bench,Reader {i}\n" for i in range(args.recipients))
    (project / "subscribers" / "suppressed.csv").write_text("email,reason,date\n")

    records = []
    for index in range(DOMAINS):
        records.append({"name": f"d{index:02d}.bench", "type": "MX", "value": f"10 mx{index % MX_HOSTS + 1}.bench", "ttl": 3600})
    for host in range(MX_HOSTS):
        records.append({"name": f"mx{host + 1}.bench", "type": "A", "value": f"127.77.0.{host + 2}", "ttl": 3600})
    _, dns_port, questions = start_dns(work, {"records": records, "soa_minimum": 3600})
    single = work / "single"
    single.mkdir()
    one_host = [{"name": f"d{index:02d}.bench", "type": "MX", "value": "10 mx1.bench", "ttl": 3600} for index in range(DOMAINS)]
    one_host.append({"name": "mx1.bench", "type": "A", "value": "127.77.0.2", "ttl": 3600})
    _, single_port, single_questions = start_dns(single, {"records": one_host, "soa_minimum": 3600})

    port = bench.free_port()
    env = bench.set_dkim(project, None, {})
    base = (project / "gazette.yml").read_text()

    def use_dns(server_port):
        (project / "gazette.yml").write_text(base + f"\ndirect:\n  dns_server: \"127.0.0.1:{server_port}\"\n  port: {port}\n  per_domain: 2\n")

    bench.say(f"direct delivery benchmark: {args.recipients:,} recipients over {DOMAINS} domains, {MX_HOSTS} MX hosts, "
              f"{bench.CONCURRENCY} connections, {args.repeat} interleaved rounds")
    rates = {"relay": [], "direct": [], "direct-1mx": []}
    lookups = []
    for round_number in range(args.repeat):
        for variant in ("relay", "direct", "direct-1mx"):
            bench.clean_publish_state(project)
            log = single_questions if variant == "direct-1mx" else questions
            if variant == "relay":
                sinks = [bench.Sink(work)]
                via = sinks[0].url
            elif variant == "direct":
                use_dns(dns_port)
                sinks = [bench.Sink(work, host=f"127.77.0.{host + 2}", port=port) for host in range(MX_HOSTS)]
                via = "direct:"
            else:
                use_dns(single_port)
                sinks = [bench.Sink(work, host="127.77.0.2", port=port)]
                via = "direct:"
            asked_before = len(log.read_text().splitlines())
            wall, rss, summary = bench.gazette_publish(project, args.issue, env, via)
            received = sum(sink.stop() for sink in sinks)
            sent = summary.get("sent", summary.get("counts", {}).get("sent"))
            if sent != args.recipients or received != args.recipients:
                sys.exit(f"{variant}: sent {sent}, the sinks received {received}, expected {args.recipients}: {summary}")
            rate = args.recipients / wall
            rates[variant].append(rate)
            line = f"  round {round_number + 1} {variant:10}: {wall:6.2f} s, {rate:7.0f} msg/s, peak {rss // 1024 if rss else '?'} MB"
            if variant != "relay":
                asked = log.read_text().splitlines()[asked_before:]
                if variant == "direct":
                    lookups.append(len(asked))
                line += f", {len(asked)} DNS questions ({sum(1 for q in asked if ' MX ' in q)} MX)"
            bench.say(line)
    relay, direct = statistics.median(rates["relay"]), statistics.median(rates["direct"])
    direct_one = statistics.median(rates["direct-1mx"])
    bench.say(f"relay (one smtp-sink):  {relay:7.0f} msg/s (median)")
    bench.say(f"direct (one MX sink):   {direct_one:7.0f} msg/s (median), {direct_one / relay:.2f}× the relay")
    bench.say(f"direct (5 MX sinks):    {direct:7.0f} msg/s (median), {direct / relay:.2f}× the relay")
    bench.say(f"DNS questions per direct run: {lookups} (expected {DOMAINS} MX + {MX_HOSTS} × A and AAAA = "
              f"{DOMAINS + 2 * MX_HOSTS}; one per name and type per TTL, not one per recipient)")
    results = {"machine": bench.machine(), "recipients": args.recipients, "domains": DOMAINS, "mx_hosts": MX_HOSTS,
               "concurrency": bench.CONCURRENCY, "repeat": args.repeat, "relay_msgs_per_s": rates["relay"],
               "direct_msgs_per_s": rates["direct"], "direct_one_mx_msgs_per_s": rates["direct-1mx"],
               "relay_median": relay, "direct_median": direct, "direct_one_mx_median": direct_one,
               "ratio": direct / relay, "ratio_one_mx": direct_one / relay, "dns_questions_per_direct_run": lookups}
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
