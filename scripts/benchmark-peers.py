"""Times css-inline and premailer on the same HTML inside this process (no interpreter start counted),
then prints Gazette's figures beside them and the ratios. Called by scripts/benchmark."""
import importlib.metadata
import json
import statistics
import sys
import time

import css_inline
import premailer


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
