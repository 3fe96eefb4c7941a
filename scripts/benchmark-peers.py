"""Times css-inline and premailer on the same HTML inside this process (no interpreter start counted),
then prints Gazette's figures beside them and the ratios; then the paired ratios: short batches of Gazette's
(in a gazette-benchmark --paired process, argv[3:]) and css-inline's run by turns. Called by scripts/benchmark."""
import importlib.metadata
import json
import statistics
import subprocess
import sys
import time

import css_inline
import premailer


def batch_median(function, count):
    function()
    samples = []
    for _ in range(count):
        t0 = time.perf_counter()
        function()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def paired_ratios(command, what, ours_count, theirs, theirs_count, rounds=40):
    """Per round, a batch of ours and a batch of css-inline's back to back (in turn first and second, so that a
    drift of the machine's speed within a round favours neither): the ratios of their medians, one per round."""
    gazette = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    ratios = []
    try:
        for round_number in range(rounds):
            def ours():
                gazette.stdin.write(f"{what} {ours_count}\n")
                gazette.stdin.flush()
                return float(gazette.stdout.readline())
            if round_number % 2 == 0:
                mine = ours()
                other = batch_median(theirs, theirs_count)
            else:
                other = batch_median(theirs, theirs_count)
                mine = ours()
            ratios.append(mine / other)
    finally:
        gazette.stdin.close()
        gazette.wait(timeout=30)
    return ratios


def quartiles(values):
    q = statistics.quantiles(values, n=4)
    return q[0], statistics.median(values), q[2]


def measure(function, minimum_seconds=2.0):
    for _ in range(3):
        function()
    samples = []
    start = time.perf_counter()
    while time.perf_counter() - start < minimum_seconds or len(samples) < 20:
        t0 = time.perf_counter()
        function()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples), len(samples)


html = open(sys.argv[1], encoding="utf-8").read()
gazette = json.load(open(sys.argv[2], encoding="utf-8"))
ours = {r["label"]: r for r in gazette["results"]}

inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)
css_inline_s, css_inline_runs = measure(lambda: inliner.inline(html))
premailer_s, premailer_runs = measure(
    lambda: premailer.Premailer(html, keep_style_tags=False, disable_validation=True,
                                cssutils_logging_level="CRITICAL").transform(), minimum_seconds=3.0)

inline_s = ours["gazette inline"]["median_s"]
inline_cold_s = ours["gazette inline cold"]["median_s"]
build_s = ours["gazette whole issue build"]["median_s"]
build_cold_s = ours["gazette whole issue build cold"]["median_s"]
reload = ours["gazette reload one issue"]
reload_templates = ours["gazette reload one issue after a template edit"]
personalize = ours["gazette personalization"]
version = importlib.metadata.version("css-inline")
premailer_version = importlib.metadata.version("premailer")

print(f"input: the example issue's email, {gazette['input_bytes']:,} bytes of HTML with its CSS in <style>")
print()
print(f"{'what':52} {'median':>12} {'runs':>8}")
for label, key_or_seconds, runs in [
    ("Gazette: CSS inlining (stylesheet cached)", inline_s, ours["gazette inline"]["runs"]),
    ("Gazette: CSS inlining (CSS parsed every run)", inline_cold_s, ours["gazette inline cold"]["runs"]),
    ("Gazette: whole issue build (CSS, templates cached)", build_s, ours["gazette whole issue build"]["runs"]),
    ("Gazette: whole issue build (nothing cached)", build_cold_s, ours["gazette whole issue build cold"]["runs"]),
    ("Gazette: preview reload of one issue", reload["median_s"], reload["runs"]),
    ("Gazette: preview reload after a template edit", reload_templates["median_s"], reload_templates["runs"]),
    (f"css-inline {version}: inlining", css_inline_s, css_inline_runs),
    (f"premailer {premailer_version}: inlining", premailer_s, premailer_runs),
]:
    print(f"{label:52} {key_or_seconds * 1e3:10.3f} ms {runs:8}")
print()
print(f"whole build / css-inline inlining:        {build_s / css_inline_s:6.2f}  cold {build_cold_s / css_inline_s:6.2f}  (goal: <= 2.00)")
print(f"Gazette inlining / css-inline inlining:   {inline_s / css_inline_s:6.2f}  cold {inline_cold_s / css_inline_s:6.2f}")
print(f"premailer / Gazette inlining:             {premailer_s / inline_s:6.1f}x cold {premailer_s / inline_cold_s:6.1f}x (goal: >= 10x)")
print(f"preview reload of one changed issue:     {reload['median_s'] * 1e3:6.2f} ms (goal: < 50 ms)")
print(f"personalization: {personalize['recipients_per_s']:,.0f} recipients/s on one core "
      f"({personalize['bytes_per_message']:,} bytes of HTML+text each; goal: >= 100,000/s)")

if len(sys.argv) > 3:
    inline_once = lambda: inliner.inline(html)
    build = paired_ratios(sys.argv[3:], "build", 30, inline_once, 90)
    inline = paired_ratios(sys.argv[3:], "inline", 60, inline_once, 60)
    print()
    print("paired: 40 rounds, each a batch of ours beside a batch of css-inline's; median ratio (quartiles)")
    for label, ratios, goal in [("whole build / css-inline inlining:", build, "  (goal: <= 2.00)"),
                                ("Gazette inlining / css-inline inlining:", inline, "")]:
        low, middle, high = quartiles(ratios)
        print(f"{label:42} {middle:6.2f}  ({low:.2f}-{high:.2f}){goal}")
