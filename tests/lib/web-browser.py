#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# End-to-end run of sltweb in a real headless Chromium, driven over the
# DevTools protocol (python3-websocket): sign in, find a request of the
# sample corpus by search, assign and relabel it, publish a package by
# upload, open the request whose subject is <script>alert(1)</script>.
# Takes a screenshot after each step into OUTDIR. Prints one line per
# check, "ok DESC" or "not ok DESC: why", and a JSON line "facts {...}"
# with what the shell test compares. No CSP bypass: the page's own
# policy stays in force (DevTools evaluation is not page script).
#
# usage: web-browser.py URL USER PASSWORD HOSTILE_ID PDF OUTDIR
import json, os, shutil, subprocess, sys, tempfile, time, urllib.request
import websocket

url, user, password, hostile, pdf, outdir = sys.argv[1:7]
profile = tempfile.mkdtemp(prefix="sltweb-chromium-")
chrome = subprocess.Popen(
    ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
     "--no-first-run", "--disable-background-networking", "--disable-component-update",
     "--disable-sync", "--disable-extensions", "--remote-debugging-port=0",
     "--window-size=1366,900", "--user-data-dir=" + profile, "about:blank"],
    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
results = []
facts = {"dialogs": []}


def check(cond, desc, why=""):
    results.append(("ok " if cond else "not ok ") + desc + ("" if cond else ": " + why))


def finish(code=0):
    for line in results:
        print(line)
    print("facts " + json.dumps(facts))
    try:
        chrome.terminate()
        chrome.wait(10)
    except Exception:
        chrome.kill()
    shutil.rmtree(profile, ignore_errors=True)
    sys.exit(code)


# "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/..."
port = None
deadline = time.time() + 30
while time.time() < deadline:
    line = chrome.stderr.readline()
    if not line:
        break
    if "DevTools listening on ws://" in line:
        port = int(line.split("ws://127.0.0.1:")[1].split("/")[0])
        break
if not port:
    check(False, "chromium starts", "no DevTools endpoint")
    finish(1)
# Keep draining stderr so chromium never blocks on a full pipe.
import threading
threading.Thread(target=lambda: [None for _ in chrome.stderr], daemon=True).start()

pages = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port))
target = [p for p in pages if p["type"] == "page"][0]
ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
msg_id = 0
events = []


def recv():
    m = json.loads(ws.recv())
    if m.get("method") == "Page.javascriptDialogOpening":
        facts["dialogs"].append(m["params"].get("message"))
        send_nowait("Page.handleJavaScriptDialog", accept=True)
    return m


def send_nowait(method, **params):
    global msg_id
    msg_id += 1
    ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
    return msg_id


def call(method, **params):
    i = send_nowait(method, **params)
    while True:
        m = recv()
        if m.get("id") == i:
            if "error" in m:
                raise RuntimeError("%s: %s" % (method, m["error"]))
            return m.get("result", {})
        if "method" in m:
            events.append(m)


def wait_load(timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        while events:
            if events.pop(0)["method"] == "Page.loadEventFired":
                return True
        m = recv()
        if m.get("method") == "Page.loadEventFired":
            return True
    return False


def js(expr):
    r = call("Runtime.evaluate", expression=expr, returnByValue=True)
    if "exceptionDetails" in r:
        raise RuntimeError("evaluate %r: %s" % (expr, r["exceptionDetails"]))
    return r["result"].get("value")


def goto(path):
    events.clear()
    call("Page.navigate", url=url + path)
    wait_load()


def click(selector):
    """A real mouse click in the middle of the element (a user's click,
    not a script's: the page has no script)."""
    box = js("(() => { const e = document.querySelector(%s); e.scrollIntoView({block: 'center'});"
             " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
             % json.dumps(selector))
    events.clear()
    for t in ("mousePressed", "mouseReleased"):
        call("Input.dispatchMouseEvent", type=t, x=box[0], y=box[1], button="left", clickCount=1)


def type_into(selector, text):
    js("document.querySelector(%s).focus()" % json.dumps(selector))
    js("document.querySelector(%s).select && document.querySelector(%s).select()"
       % (json.dumps(selector), json.dumps(selector)))
    call("Input.insertText", text=text)


def shot(name):
    data = call("Page.captureScreenshot", format="png")["data"]
    import base64
    with open(os.path.join(outdir, name + ".png"), "wb") as f:
        f.write(base64.b64decode(data))


def text():
    return js("document.body.innerText")


try:
    call("Page.enable")
    call("Runtime.enable")
    call("DOM.enable")
    # A common laptop screen.
    call("Emulation.setDeviceMetricsOverride", width=1366, height=768, deviceScaleFactor=1, mobile=False)

    # 1. sign in
    goto("/")
    check("/aanmelden" in js("location.pathname"), "an anonymous visit lands on the sign-in page")
    type_into("#gebruiker", user)
    type_into("#wachtwoord", password)
    click("main button[type=submit]")
    wait_load()
    t = text()
    check(js("location.pathname") == "/", "signed in, the browser is on the queue", js("location.href"))
    import re
    check("Wachtrij" in t and re.search(r"Aangemeld als\s+" + re.escape(user), t) is not None,
          "the queue page names the user", t[:200])
    facts["queue_rows"] = js("document.querySelectorAll('table.queue tbody tr').length")
    shot("01-wachtrij")

    # 2. find a request from the sample corpus
    click("nav a[href='/zoeken']")
    wait_load()
    type_into("#q", "sparringsessie")
    click("main form button[type=submit]")
    wait_load()
    facts["search_rows"] = js("document.querySelectorAll('table.queue tbody tr').length")
    check(facts["search_rows"] > 0, "search finds requests of the corpus")
    click("table.queue tbody tr a")
    wait_load()
    facts["request_path"] = js("location.pathname")
    facts["request_h1"] = js("document.querySelector('h1').innerText")
    check(facts["request_h1"].startswith("SLT-"), "a request page opened", facts["request_h1"])
    shot("02-verzoek")

    # 3. assign
    type_into("#a-name", "anna")
    click("form[action$='/toewijzen'] button")
    wait_load()
    t = text()
    check("Opgeslagen." in t, "assign: saved")
    facts["assignee_shown"] = js("[...document.querySelectorAll('dl.facts dt')].find(d => d.innerText == 'Behandelaar').nextElementSibling.innerText")

    # 4. relabel: pick another intent and theme; the page shows the reply it implies
    js("document.querySelector('#r-intent').focus()")
    cur_intent = js("document.querySelector('#r-intent').value")
    new_intent = "vraag" if cur_intent != "vraag" else "sparring"
    js("(() => { const s = document.querySelector('#r-intent'); s.value = %s; })()" % json.dumps(new_intent))
    js("(() => { const s = document.querySelector('#r-theme'); s.value = 'kwaliteit'; })()")
    click("form[action$='/labels'] button[type=submit]")
    wait_load()
    t = text()
    check("Labels aangepast" in t, "relabel: the result is shown")
    check("niets verstuurd" in t, "relabel: the page says nothing was sent")
    facts["relabel_intent"] = new_intent
    shot("03-labels")

    # 5. publish a package by upload
    goto("/pakketten")
    doc = call("DOM.getDocument", depth=-1)
    node = call("DOM.querySelector", nodeId=doc["root"]["nodeId"], selector="#u-kwaliteit")["nodeId"]
    call("DOM.setFileInputFiles", nodeId=node, files=[pdf])
    click("form[action='/pakketten/kwaliteit/publiceren'] button[type=submit]")
    wait_load()
    t = text()
    check("Gepubliceerd: versie 1" in t, "publish: version 1 published", t[:300])
    shot("04-pakketten")

    # 6. the hostile subject is text
    goto("/verzoek/" + hostile)
    facts["hostile_subject"] = js("document.querySelector('h1 .subject').textContent")
    facts["hostile_title"] = js("document.title")
    facts["scripts"] = js("document.scripts.length")
    facts["imgs"] = js("document.images.length")
    facts["iframes"] = js("document.querySelectorAll('iframe').length")
    time.sleep(0.5)
    # Any dialog that fired would have arrived as an event by now.
    while True:
        ws.settimeout(0.3)
        try:
            recv()
        except Exception:
            break
    ws.settimeout(30)
    shot("05-script-onderwerp")

    # 7. statistics render their SVG
    goto("/statistiek")
    facts["svg_charts"] = js("document.querySelectorAll('svg.chart').length")
    facts["svg_bars"] = js("document.querySelectorAll('svg.chart rect').length")
    shot("06-statistiek")
except Exception as e:
    check(False, "the browser run completes", repr(e))
    finish(1)
finish(0)
