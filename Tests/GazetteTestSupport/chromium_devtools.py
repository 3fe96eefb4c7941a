"""Drives a real headless Chromium through its DevTools protocol for the tests (ChromiumSession.swift).

Reads one JSON command per line on stdin and answers one JSON line on stdout:
  {"cmd": "open", "url": U}                         navigate and wait for the load event
  {"cmd": "eval", "expr": JS}                       {"value": result}
  {"cmd": "wait", "expr": JS, "timeout": S}         poll until JS is truthy: {"value", "seconds"} or {"error"}
  {"cmd": "screenshot", "path": P, "width": W, "height": H}
  {"cmd": "quit"}
Every wait is bounded; Chromium is started on loopback with a throwaway profile and killed at the end.
"""
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket  # websocket-client


class Browser:
    def __init__(self, executable):
        self.profile = tempfile.mkdtemp(prefix="gazette-chromium-")
        self.process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--no-first-run", "--no-default-browser-check", "--remote-debugging-address=127.0.0.1",
             "--remote-debugging-port=0", "--user-data-dir=" + self.profile, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
            if time.time() > deadline or self.process.poll() is not None:
                raise RuntimeError("Chromium did not open its DevTools port within 30 s")
            time.sleep(0.05)
        with open(port_file) as handle:
            port = int(handle.readline().strip())
        targets = []
        while not targets:
            if time.time() > deadline:
                raise RuntimeError("Chromium has no page target")
            with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port, timeout=5) as response:
                targets = [t for t in json.load(response) if t.get("type") == "page"]
            time.sleep(0.05)
        self.socket = websocket.create_connection(targets[0]["webSocketDebuggerUrl"], timeout=30,
                                                  suppress_origin=True)
        self.next_id = 0
        self.events = []
        self.call("Page.enable")
        self.call("Runtime.enable")

    def call(self, method, timeout=30, **params):
        self.next_id += 1
        ident = self.next_id
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.socket.settimeout(max(0.1, deadline - time.time()))
            message = json.loads(self.socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError("%s: %s" % (method, message["error"]))
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)
        raise RuntimeError("%s did not answer within %d s" % (method, timeout))

    def wait_event(self, name, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for index, event in enumerate(self.events):
                if event["method"] == name:
                    del self.events[index]
                    return event
            self.socket.settimeout(max(0.1, deadline - time.time()))
            try:
                self.events.append(json.loads(self.socket.recv()))
            except websocket.WebSocketTimeoutException:
                pass
        raise RuntimeError("no %s within %d s" % (name, timeout))

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError("script failed: %s" % result["exceptionDetails"].get("text"))
        return result.get("result", {}).get("value")

    def close(self):
        try:
            self.socket.close()
        except Exception:
            pass
        # Chromium's helper processes share its process group: end them all, not only the browser.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def handle(browser, command):
    name = command["cmd"]
    if name == "open":
        browser.events = [e for e in browser.events if e["method"] != "Page.loadEventFired"]
        browser.call("Page.navigate", url=command["url"])
        browser.wait_event("Page.loadEventFired", command.get("timeout", 30))
        return {"ok": True}
    if name == "eval":
        return {"value": browser.evaluate(command["expr"])}
    if name == "wait":
        started = time.time()
        deadline = started + command.get("timeout", 10)
        value = None
        while time.time() < deadline:
            try:
                value = browser.evaluate(command["expr"])
            except RuntimeError:
                value = None  # the page is reloading: its context is gone for a moment
            if value:
                return {"value": value, "seconds": time.time() - started}
            time.sleep(0.05)
        return {"error": "not true within %s s: %s" % (command.get("timeout", 10), command["expr"]), "value": value}
    if name == "color-scheme":
        browser.call("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": command["value"]}])
        return {"ok": True}
    if name == "screenshot":
        browser.call("Emulation.setDeviceMetricsOverride", width=command.get("width", 1400),
                     height=command.get("height", 1000), deviceScaleFactor=1, mobile=False)
        shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=False)
        with open(command["path"], "wb") as handle:
            handle.write(base64.b64decode(shot["data"]))
        return {"ok": True}
    if name == "quit":
        return {"ok": True, "quit": True}
    return {"error": "unknown command %s" % name}


def main():
    browser = Browser(sys.argv[1])
    # A test that is killed closes our stdin or sends SIGTERM: either way the browser goes with us.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                answer = handle(browser, json.loads(line))
            except Exception as error:  # reported to the test, which fails with it
                answer = {"error": str(error)}
            print(json.dumps(answer), flush=True)
            if answer.get("quit"):
                break
    finally:
        browser.close()


if __name__ == "__main__":
    main()
