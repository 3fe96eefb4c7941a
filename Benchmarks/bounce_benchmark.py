"""The peer side of scripts/benchmark-bounces: Mailman's bounce detectors (flufl.bounce, PyPI) over the same
messages, in the same run as `gazette-benchmark bounces`. Every message is read into memory first; each pass
parses every one with Python's email package (compat32, as flufl.bounce expects) and asks flufl.bounce for its
temporary and permanent failures (all_failures: every detector, DSN and the non-standard formats). Prints
the median pass, messages per second, and how many messages gave an address, beside Gazette's figures.
    bounce_benchmark.py GAZETTE_JSON FILE…
"""
import email
import email.policy
import json
import statistics
import sys
import time
import warnings

from flufl.bounce import all_failures

warnings.simplefilter("ignore")


def one_pass(messages):
    found = 0
    for data in messages:
        try:
            message = email.message_from_bytes(data, policy=email.policy.compat32)
            temporary, permanent = all_failures(message)
        except Exception:  # a detector that trips over a malformed message counts as finding nothing
            continue
        if temporary or permanent:
            found += 1
    return found


def main():
    gazette = json.load(open(sys.argv[1]))
    messages = [open(path, "rb").read() for path in sys.argv[2:]]
    for _ in range(2):
        one_pass(messages)
    samples, found, start = [], 0, time.perf_counter()
    while time.perf_counter() - start < 10 or len(samples) < 5:
        t0 = time.perf_counter()
        found = one_pass(messages)
        samples.append(time.perf_counter() - t0)
    peer = statistics.median(samples)
    ours = gazette["median_pass_s"]
    import importlib.metadata
    version = importlib.metadata.version("flufl.bounce")
    print(f"input: {len(messages)} messages, {gazette['bytes']:,} bytes (../shared/corpora/bounces)")
    print()
    print(f"{'what':<52}{'pass':>12}{'messages/s':>14}{'runs':>7}  found")
    print(f"{'Gazette: MIME read + classify':<52}{ours * 1000:>9.1f} ms{len(messages) / ours:>14,.0f}"
          f"{gazette['passes']:>7}  {gazette['with_recipient']} with a class and recipient")
    print(f"{'flufl.bounce ' + version + ': email parse + all_failures':<52}{peer * 1000:>9.1f} ms{len(messages) / peer:>14,.0f}"
          f"{len(samples):>7}  {found} with an address")
    print()
    print(f"Gazette / flufl.bounce speed: {peer / ours:.2f}x")
    print()
    print("Gazette's slowest messages (one classification each):")
    for item in gazette.get("slowest", []):
        print(f"  {item['s'] * 1000:8.1f} ms  {item['bytes']:>8,} bytes  {item['path'].split('corpora/')[-1]}")


if __name__ == "__main__":
    main()
