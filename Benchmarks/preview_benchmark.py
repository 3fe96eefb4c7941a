"""The preview benchmark (scripts/benchmark-preview): how long `gazette preview` takes from its start to the
first issue page, and from saving an issue to the change event (the issue re-rendered) and to its page.

  python preview_benchmark.py GAZETTE PROJECT [--starts N] [--edits N]

Starts are timed from spawning the process to the first 200 of the issue page; each edit appends a line to
the issue (written to a temporary file and renamed, as editors save) and waits for the server-sent event.
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request


def start(gazette, project, issue):
    began = time.perf_counter()
    process = subprocess.Popen([gazette, "preview", issue, "--port", "0"], cwd=project,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*)", line)
    if not match:
        process.kill()
        raise SystemExit("preview did not start: %r" % line)
    port, path = int(match.group(1)), match.group(2)
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=30) as response:
        response.read()
        assert response.status == 200
    return process, port, path, time.perf_counter() - began


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def save(path, text):
    temporary = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.rename(temporary, path)


def edit_latencies(port, path, issue_file, edits):
    events = socket.create_connection(("127.0.0.1", port), timeout=10)
    events.sendall(b"GET /_gazette/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
    buffer = b""
    while b"event: hello" not in buffer:
        buffer += events.recv(65536)
    original = open(issue_file, encoding="utf-8").read()
    to_event, to_page = [], []
    for number in range(edits):
        buffer = b""
        began = time.perf_counter()
        save(issue_file, original + "\nEdit number %d.\n" % number)
        deadline = began + 10
        while b"event: change" not in buffer or not buffer.split(b"event: change", 1)[1].count(b"\n\n"):
            if time.perf_counter() > deadline:
                raise SystemExit("no change event within 10 s")
            buffer += events.recv(65536)
        to_event.append(time.perf_counter() - began)
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=30) as response:
            response.read()
        to_page.append(time.perf_counter() - began)
        time.sleep(0.05)
    save(issue_file, original)
    events.close()
    return to_event, to_page


def describe(name, values):
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
    print("%-48s median %7.1f ms   p90 %7.1f ms   min %7.1f ms   (%d runs)"
          % (name, statistics.median(values) * 1000, p90 * 1000, values[0] * 1000, len(values)))
    return statistics.median(values)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("gazette")
    parser.add_argument("project")
    parser.add_argument("--issue", default="1")
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--edits", type=int, default=30)
    arguments = parser.parse_args()
    work = tempfile.mkdtemp(prefix="gazette-preview-bench-")
    try:
        project = os.path.join(work, "project")
        shutil.copytree(arguments.project, project, ignore=shutil.ignore_patterns(
            ".build*", ".git", ".venv*", "public", "logs", "outbox", "Sources", "Tests", "Benchmarks", "scripts", "docs"))
        starts = []
        for _ in range(arguments.starts):
            process, port, path, seconds = start(arguments.gazette, project, arguments.issue)
            starts.append(seconds)
            stop(process)
        process, port, path, _ = start(arguments.gazette, project, arguments.issue)
        stem = path.strip("/").split("/")[-1]
        to_event, to_page = edit_latencies(port, path, os.path.join(project, "content/issues", stem + ".md"),
                                           arguments.edits)
        stop(process)
        print("input: the example newsletter's issue %s, release build" % arguments.issue)
        start_median = describe("start to first issue page (goal < 1 s)", starts)
        event_median = describe("save to change event, issue re-rendered (< 50 ms)", to_event)
        describe("save to reloaded issue page served", to_page)
        print("goals: start %s, reload %s" % ("met" if start_median < 1 else "NOT met",
                                              "met" if event_median < 0.05 else "NOT met"))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
