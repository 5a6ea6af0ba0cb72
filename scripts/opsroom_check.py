#!/usr/bin/env python3
"""Headless-browser check of the opsroom page (GET /) of `synco serve`.

Starts `synco serve` with the example federation in a fresh temporary directory (or uses
--url), seeds a few opinion-map statements and votes with the example member tokens, then
drives headless Chromium over the DevTools protocol (a minimal WebSocket client from the
standard library, so nothing has to be pip-installed) and for each view

    /            (English: the browser runs with --lang=en-US)
    /?lang=de    (German)
    every /api/v1/councils/{c}/series/{indicator}/chart.svg

at desktop (1280x900) and phone (390x844, mobile emulation) size:
  * takes a full-page PNG screenshot into --out (default out/screenshots),
  * fails on console errors: console.error/assert calls, uncaught exceptions, and browser
    log entries of level "error" (failed resource loads, CSP, ...),
  * for the page: waits until the page sets <html data-ready="1"> (all API data and chart
    images loaded), then checks the rendered DOM: number of forecast chart <img>s (all
    loaded), SVG bars (need categories + resources of the latest plan), the opinion-map
    SVG (or the "no statements yet" text), the language (html lang, German strings), that
    both dictionaries have the same keys, and no horizontal overflow at phone width,
  * collects every href/src of the rendered DOM and GETs it from the server: any non-2xx,
    any external URL, or a #fragment without a matching id fails.
Finally it exercises the page once: stores a member token, acknowledges an alert with the
button, and runs the what-if form (a 404 "not available" message is accepted).

Needs Debian's `chromium` package (apt-get install -y chromium). Exit status 1 on failure.

    python3 scripts/opsroom_check.py [.build/debug/synco] [--out out/screenshots]
"""
import argparse, base64, html.parser, json, os, random, shutil, socket, struct, subprocess
import sys, tempfile, time, urllib.error, urllib.parse, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VIEWPORTS = {"desktop": (1280, 900, False), "phone": (390, 844, True)}


# --------------------------------------------------------------------------- WebSocket (RFC 6455, client side)
class WebSocket:
    def __init__(self, url, timeout=30):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        req = (f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("websocket handshake: connection closed")
            head += chunk
        head, self.buf = head.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise ConnectionError("websocket handshake failed: " + head.decode(errors="replace"))

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("websocket closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _frame(self, opcode, payload):
        head = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def send(self, text):
        self._frame(0x1, text.encode())

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            data = self._read(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            if opcode == 0x9:
                self._frame(0xA, data)
                continue
            if opcode == 0x8:
                raise ConnectionError("websocket closed by peer")
            if opcode in (0x0, 0x1, 0x2):
                message += data
                if b0 & 0x80:
                    return message.decode()

    def close(self):
        try:
            self._frame(0x8, b"")
            self.sock.close()
        except OSError:
            pass


# --------------------------------------------------------------------------- DevTools protocol
class CDP:
    def __init__(self, ws_url):
        self.ws = WebSocket(ws_url)
        self.next_id = 0
        self.events = []

    def call(self, method, timeout=60, **params):
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        deadline = time.time() + timeout
        while time.time() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)
        raise TimeoutError(method)

    def pump(self, seconds):
        """Collects events for a while (console messages that arrive late)."""
        self.ws.sock.settimeout(0.1)
        end = time.time() + seconds
        try:
            while time.time() < end:
                try:
                    msg = json.loads(self.ws.recv())
                except (socket.timeout, TimeoutError):
                    continue
                if "method" in msg:
                    self.events.append(msg)
        finally:
            self.ws.sock.settimeout(30)

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"evaluate {expr[:60]}: {r['exceptionDetails'].get('text')}")
        return r["result"].get("value")

    def wait_for(self, expr, timeout):
        end = time.time() + timeout
        while time.time() < end:
            try:
                if self.eval(expr):
                    return True
            except RuntimeError:
                pass
            time.sleep(0.1)
        return False


def console_errors(events):
    errs = []
    for e in events:
        m, p = e["method"], e.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            errs.append("console." + p["type"] + ": " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
        elif m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            errs.append("uncaught: " + (d.get("exception", {}).get("description") or d.get("text", "")))
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            en = p["entry"]
            errs.append(f"log ({en.get('source')}): {en.get('text')} {en.get('url', '')}".strip())
    return errs


# --------------------------------------------------------------------------- helpers
def http(method, url, body=None, token=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def get_json(base, path):
    status, body = http("GET", base + path)
    if status != 200:
        raise RuntimeError(f"GET {path}: {status}")
    return json.loads(body)


def seg(x):
    return urllib.parse.quote(x, safe=":")


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "id" and v:
                self.ids.add(v)
            if k in ("href", "src") and v is not None:
                self.refs.append((tag, k, v))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed_statements(base, tokens):
    """Two camps on five statements in the whole council, so the opinion map has groups."""
    statements = [("wind", "Double the wind park before anything else."), ("coal", "Keep the coal plant as a reserve."),
                  ("care", "Care hours count as much as factory hours."), ("bread", "Bread must stay guaranteed."),
                  ("repair", "Repair crews first, new flats later.")]
    camp_a, camp_b = ["ana", "ben", "emil", "gus"], ["chen", "dara", "fatou", "hana"]
    votes = {"wind": ("agree", "disagree"), "coal": ("disagree", "agree"), "care": ("agree", "pass"),
             "bread": ("agree", "agree"), "repair": ("disagree", "agree")}
    author = tokens.get("hana")
    for sid, text in statements:
        st, body = http("POST", f"{base}/api/v1/councils/riverside/statements", {"id": "ops-" + sid, "text": text}, author)
        if st not in (201, 409):
            raise RuntimeError(f"seeding statement {sid}: {st} {body[:200]!r}")
    for sid, (va, vb) in votes.items():
        for members, v in ((camp_a, va), (camp_b, vb)):
            for m in members:
                if m in tokens:
                    st, body = http("PUT", f"{base}/api/v1/statements/ops-{sid}/vote", {"vote": v}, tokens[m])
                    if st != 200:
                        raise RuntimeError(f"seeding vote {m} on {sid}: {st} {body[:200]!r}")


def read_tokens(path):
    tokens = {}
    for line in open(path):
        parts = line.split()
        if len(parts) == 2 and not line.startswith("#"):
            tokens[parts[0]] = parts[1]
    return tokens


# --------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary", nargs="?", default=os.path.join(ROOT, ".build/debug/synco"), help="synco binary (default .build/debug/synco)")
    ap.add_argument("--out", default="out/screenshots", help="screenshot folder (default out/screenshots)")
    ap.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser") or "chromium")
    ap.add_argument("--url", help="check an already running server instead of starting one (seeding needs --tokens)")
    ap.add_argument("--tokens", help="member token file (synco-example-tokens.txt) for --url")
    ap.add_argument("--no-seed", action="store_true", help="do not add opinion-map statements (checks the empty state)")
    ap.add_argument("--timeout", type=float, default=20, help="seconds to wait for a page to finish loading")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    failures, notes = [], []

    def fail(msg):
        failures.append(msg)
        print("FAIL", msg)

    work = tempfile.mkdtemp(prefix="opsroom-check-")
    server = chrome = None
    try:
        # ---- server
        if args.url:
            base = args.url.rstrip("/")
            tokens = read_tokens(args.tokens) if args.tokens else {}
        else:
            if not os.access(args.binary, os.X_OK):
                sys.exit(f"no synco binary at {args.binary} (build with: swift build --product synco)")
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            srv_dir = os.path.join(work, "server")
            os.makedirs(srv_dir)
            server = subprocess.Popen([os.path.abspath(args.binary), "serve", "--port", str(port), "--example",
                                       os.path.join(ROOT, "examples/federation.json")], cwd=srv_dir,
                                      stdout=open(os.path.join(work, "server.log"), "w"), stderr=subprocess.STDOUT)
            for _ in range(600):
                try:
                    if http("GET", base + "/health", timeout=2)[0] == 200:
                        break
                except OSError:
                    pass
                if server.poll() is not None:
                    sys.exit("synco serve exited:\n" + open(os.path.join(work, "server.log")).read())
                time.sleep(0.1)
            else:
                sys.exit("synco serve did not answer /health within 60 s")
            tokens = read_tokens(os.path.join(srv_dir, "synco-example-tokens.txt"))
        print(f"server: {base}")
        seeded = False
        if not args.no_seed and tokens:
            seed_statements(base, tokens)
            seeded = True

        # ---- expectations from the API
        councils = get_json(base, "/api/v1/councils")
        charts = []
        for c in councils:
            for se in get_json(base, f"/api/v1/councils/{seg(c['id'])}/series"):
                charts.append((c["id"], se["indicator"], f"/api/v1/councils/{seg(c['id'])}/series/{seg(se['indicator'])}/chart.svg"))
        plans = get_json(base, "/api/v1/plans")
        expected_bars = 0
        if plans:
            plan = get_json(base, "/api/v1/plans/" + urllib.parse.quote(plans[-1]["id"]))["plan"]
            economy = get_json(base, "/api/v1/economy")["economy"]
            cat = {p["id"]: p.get("category") or "other" for p in economy["products"]}
            expected_bars = len({cat.get(n["product"], "other") for n in economy.get("needs", [])}) + len(plan.get("resource_use", {}))
        has_statements = any(get_json(base, f"/api/v1/councils/{seg(c['id'])}/opinion-map").get("consensus") for c in councils)
        print(f"expect: {len(charts)} forecast charts, {expected_bars} SVG bars, opinion map {'drawn' if has_statements else 'empty'}")

        # ---- chromium
        profile = os.path.join(work, "profile")
        cmd = [args.chromium, "--headless=new", "--remote-debugging-port=0", f"--user-data-dir={profile}", "--lang=en-US",
               "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--disable-extensions", "--hide-scrollbars",
               "--disable-background-networking", "--disable-component-update", "--disable-sync", "--mute-audio",
               "--disable-dev-shm-usage", "--remote-allow-origins=*", "about:blank"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.insert(1, "--no-sandbox")
        try:
            chrome = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "chromium.log"), "w"))
        except FileNotFoundError:
            sys.exit(f"no chromium at {args.chromium!r}: apt-get install -y chromium")
        port_file = os.path.join(profile, "DevToolsActivePort")
        for _ in range(300):
            if os.path.exists(port_file) and len(open(port_file).read().split()) >= 2:
                break
            if chrome.poll() is not None:
                sys.exit("chromium exited:\n" + open(os.path.join(work, "chromium.log")).read()[-3000:])
            time.sleep(0.1)
        else:
            sys.exit("chromium did not open its DevTools port")
        devport = int(open(port_file).read().split()[0])
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{devport}/json/list").read())
        page = next(t for t in targets if t.get("type") == "page")
        cdp = CDP(page["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Log"):
            cdp.call(domain + ".enable")

        def visit(path, vp, name, is_page):
            w, hgt, mobile = VIEWPORTS[vp]
            cdp.call("Emulation.setDeviceMetricsOverride", width=w, height=hgt, deviceScaleFactor=1, mobile=mobile)
            cdp.call("Emulation.setTouchEmulationEnabled", enabled=mobile)
            cdp.events.clear()
            cdp.call("Page.navigate", url=base + path)
            if is_page:
                if not cdp.wait_for("document.readyState==='complete' && document.documentElement.dataset.ready==='1'", args.timeout):
                    fail(f"{name}: page did not finish loading within {args.timeout:.0f} s")
            else:
                cdp.wait_for("document.readyState==='complete'", args.timeout)
            cdp.pump(0.4)
            for e in console_errors(cdp.events):
                if not is_page and "/favicon.ico" in e:
                    # Chromium asks for /favicon.ico when it shows a bare SVG (the page itself
                    # declares an inline icon); a server without that route is noted, not failed.
                    notes.append(f"{name}: {e}")
                    continue
                fail(f"{name}: {e}")
            metrics = cdp.call("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            shot = cdp.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                            clip={"x": 0, "y": 0, "width": max(w, size["width"]) if not is_page else w,
                                  "height": max(hgt, min(size["height"], 16000)), "scale": 1})
            fn = os.path.join(args.out, f"{name}.png")
            with open(fn, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            return fn

        def check_links(name):
            dom = cdp.eval("document.documentElement.outerHTML")
            p = Links()
            p.feed(dom)
            checked = 0
            for tag, attr, ref in p.refs:
                if ref.startswith("data:"):
                    continue
                if ref.startswith("#"):
                    if ref != "#" and ref[1:] not in p.ids:
                        fail(f"{name}: <{tag} {attr}={ref!r}> points to no element")
                    checked += 1
                    continue
                url = urllib.parse.urljoin(base + "/", ref)
                if not url.startswith(base + "/"):
                    fail(f"{name}: external or unsupported URL <{tag} {attr}={ref!r}>")
                    continue
                st, _ = http("GET", url.split("#")[0])
                checked += 1
                if not 200 <= st < 300:
                    fail(f"{name}: <{tag} {attr}={ref!r}> answers {st}")
            return checked

        shots = []
        for vp in VIEWPORTS:
            for path, label in (("/", "index-en"), ("/?lang=de", "index-de")):
                name = f"{label}-{vp}"
                shots.append(visit(path, vp, name, True))
                wide_js = """[...document.querySelectorAll('body *')].filter(e=>{const r=e.getBoundingClientRect();if(!r.width||r.right<=VW+1)return false;
                    for(let a=e.parentElement;a&&a!==document.body;a=a.parentElement){if(getComputedStyle(a).overflowX!=='visible'&&a.getBoundingClientRect().right<=VW+1)return false}return true})
                    .filter((e,_,all)=>!all.includes(e.parentElement)).slice(0,5).map(e=>e.tagName.toLowerCase()+(e.id?'#'+e.id:'')+(e.className&&typeof e.className==='string'?'.'+e.className.split(' ').join('.'):'')+(e.parentElement&&e.parentElement.closest('[id]')?' in #'+e.parentElement.closest('[id]').id:'')+' right='+Math.round(e.getBoundingClientRect().right))""".replace("VW", str(VIEWPORTS[vp][0]))
                got = cdp.eval("""(()=>{const imgs=[...document.querySelectorAll('img.chart.forecast')];
                  return {imgs:imgs.length, loaded:imgs.filter(i=>i.complete&&i.naturalWidth>0).length,
                    bars:document.querySelectorAll('#plan svg.bar').length, map:document.querySelectorAll('svg.opinion-map circle, svg.opinion-map rect, svg.opinion-map polygon').length,
                    mapEmpty:document.getElementById('op-body').textContent, lang:document.documentElement.lang, title:document.title,
                    overflow:document.documentElement.scrollWidth-window.innerWidth, wide:WIDE, unlabelled:[...document.querySelectorAll('input,select,textarea')].filter(i=>!(i.labels&&i.labels.length)&&!i.getAttribute('aria-label')).map(i=>i.id||i.name||i.type),
                    fakeButtons:document.querySelectorAll('[onclick]:not(button), [role=button]:not(button)').length, i18nEmpty:[...document.querySelectorAll('[data-i18n]')].filter(e=>!e.textContent.trim()).map(e=>e.dataset.i18n),
                    keysOnlyEn:Object.keys(I18N.en).filter(k=>!(k in I18N.de)), keysOnlyDe:Object.keys(I18N.de).filter(k=>!(k in I18N.en)),
                    status:document.getElementById('status').textContent, errors:[...document.querySelectorAll('main .err')].map(e=>e.textContent)}})()""".replace("WIDE", wide_js))
                want_lang = "de" if label == "index-de" else "en"
                if got["imgs"] != len(charts) or got["loaded"] != len(charts):
                    fail(f"{name}: {got['imgs']} forecast charts ({got['loaded']} loaded), expected {len(charts)}")
                if got["bars"] != expected_bars:
                    fail(f"{name}: {got['bars']} SVG bars in the plan overview, expected {expected_bars}")
                if has_statements and got["map"] == 0:
                    fail(f"{name}: the opinion map has no points")
                if not has_statements and not any(x in got["mapEmpty"] for x in ("No statements yet", "Noch keine Aussagen")):
                    fail(f"{name}: no 'no statements yet' text in the opinion map")
                if got["lang"] != want_lang:
                    fail(f"{name}: html lang is {got['lang']!r}, expected {want_lang!r}")
                if want_lang == "de" and "Planübersicht" not in cdp.eval("document.body.innerText"):
                    fail(f"{name}: German strings missing")
                if want_lang == "de":
                    board = cdp.eval("document.getElementById('alerts-body').innerText")
                    for phrase in (" at period ", "outlier in ", " change in ", " the plan "):
                        if phrase in board:
                            fail(f"{name}: English server text on the German alert board ({phrase.strip()!r})")
                    svgs = cdp.eval("[...document.querySelectorAll('img.chart.forecast')].map(i=>i.src)")
                    for src in svgs:
                        if "lang=de" not in src:
                            fail(f"{name}: chart {src} is not asked for in German")
                if got["i18nEmpty"]:
                    fail(f"{name}: empty translated elements {got['i18nEmpty']}")
                if got["keysOnlyEn"] or got["keysOnlyDe"]:
                    fail(f"{name}: dictionaries differ: only en {got['keysOnlyEn']}, only de {got['keysOnlyDe']}")
                if got["overflow"] > 1:
                    fail(f"{name}: page is {got['overflow']} px wider than the viewport (horizontal scrolling)")
                if got["unlabelled"]:
                    fail(f"{name}: form fields without a label: {got['unlabelled']}")
                if got["fakeButtons"]:
                    fail(f"{name}: {got['fakeButtons']} clickable elements that are not <button>")
                if got["wide"]:
                    fail(f"{name}: elements reach past the {VIEWPORTS[vp][0]} px viewport: {got['wide']}")
                for e in got["errors"]:
                    fail(f"{name}: error shown on the page: {e}")
                n = check_links(name)
                print(f"{name}: {got['imgs']} charts ({got['loaded']} loaded), {got['bars']} bars, {got['map']} map points, {n} links checked, status {got['status']!r}")
            for c, ind, path in charts:
                name = f"chart-{c}-{ind.replace(':', '-')}-{vp}"
                shots.append(visit(path, vp, name, False))
                st, body = http("GET", base + path)
                if st != 200 or not body.lstrip().startswith(b"<svg"):
                    fail(f"{name}: {path} answers {st} without an <svg>")
                st, body = http("GET", base + path + "?lang=de")
                if st != 200 or "Periode".encode() not in body:
                    fail(f"{name}: {path}?lang=de answers {st} without German axis labels")
                st, body = http("GET", base + path + "?lang=xx")
                if st != 400:
                    fail(f"{name}: {path}?lang=xx answers {st}, expected 400")
                print(f"{name}: svg ok")

        # ---- interaction: acknowledge an alert with the button, run the what-if form
        name = "interaction-desktop"
        alerts = get_json(base, "/api/v1/alerts")
        target = next((a for a in alerts if a["status"] == "open"), None)
        member = None
        if target:
            # a member of the alert's current council
            fed = json.load(open(os.path.join(ROOT, "examples/federation.json")))
            member = next((m["id"] for m in fed["members"] if m["council"] == target["council"] and m["id"] in tokens), None)
        w, hgt, _ = VIEWPORTS["desktop"]
        cdp.call("Emulation.setDeviceMetricsOverride", width=w, height=hgt, deviceScaleFactor=1, mobile=False)
        cdp.call("Emulation.setTouchEmulationEnabled", enabled=False)
        cdp.events.clear()
        cdp.call("Page.navigate", url=base + "/?lang=en")
        cdp.wait_for("document.documentElement.dataset.ready==='1'", args.timeout)
        def key(k, code, vk):
            for typ in ("rawKeyDown", "keyUp"):
                cdp.call("Input.dispatchKeyEvent", type=typ, key=k, code=code, windowsVirtualKeyCode=vk, nativeVirtualKeyCode=vk)
        # keyboard: the first Tab reaches the skip link, Enter moves the focus to <main>
        cdp.eval("document.activeElement&&document.activeElement.blur();window.scrollTo(0,0);true")
        key("Tab", "Tab", 9)
        first = cdp.eval("document.activeElement.className")
        key("Enter", "Enter", 13)
        cdp.call("Input.dispatchKeyEvent", type="char", text="\r", key="Enter")
        after = cdp.wait_for("document.activeElement.id==='main'", 3)
        if first != "skip" or not after:
            fail(f"{name}: keyboard: first Tab focuses {first!r} (want the skip link), Enter on it {'moves' if after else 'does not move'} focus to <main>")
        else:
            print(f"{name}: keyboard: Tab reaches the skip link, Enter moves focus to <main>")
        if target and member:
            cdp.eval(f"document.getElementById('token').value={json.dumps(tokens[member])};document.querySelector('#tok-form button[type=submit]').click();true")
            clicked = cdp.eval("(()=>{const b=[...document.querySelectorAll('#alerts-body button')].find(b=>b.textContent==='Acknowledge');if(!b)return false;b.click();return true})()")
            if not clicked:
                fail(f"{name}: no Acknowledge button")
            elif not cdp.wait_for("document.getElementById('status').textContent==='Alert acknowledged.'", 10):
                fail(f"{name}: acknowledging did not report success: {cdp.eval('document.getElementById(`status`).textContent')!r}")
            else:
                now = {a['alert']['id']: a['status'] for a in get_json(base, "/api/v1/alerts")}
                if "acknowledged" not in now.values():
                    fail(f"{name}: no alert is acknowledged on the server after the click")
                else:
                    print(f"{name}: alert acknowledged through the page as {member}")
        else:
            notes.append("no open alert with a member token: acknowledge not exercised")
        resources = get_json(base, "/api/v1/economy")["economy"]["resources"]
        if resources and tokens:
            r = resources[-1] if not any(x["id"] == "co2" for x in resources) else next(x for x in resources if x["id"] == "co2")
            cdp.eval(f"document.getElementById('wi-lim-{r['id']}').value='{r['limit'] * 1.15:g}';document.querySelector('#wi-form button[type=submit]').click();true")
            ok = cdp.wait_for("(()=>{const s=document.getElementById('status').textContent;return s==='What-if computed.'||s==='What-if not available on this server.'||s.startsWith('What-if failed')})()", 60)
            status = cdp.eval("document.getElementById('status').textContent")
            if not ok or status.startswith("What-if failed"):
                fail(f"{name}: what-if form: {status!r}")
            else:
                print(f"{name}: what-if form: {status!r}")
                if "not available" in status:
                    notes.append("POST /api/v1/what-if answered 404: the form shows 'not available'")
        cdp.eval("document.getElementById('whatif').scrollIntoView();true")
        cdp.pump(0.3)
        # A 404 from the what-if endpoint is logged by the browser as a failed resource: expected there.
        for e in console_errors(cdp.events):
            if "what-if" in e and "404" in e:
                continue
            fail(f"{name}: {e}")
        metrics = cdp.call("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        shot = cdp.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                        clip={"x": 0, "y": 0, "width": w, "height": max(hgt, min(size["height"], 16000)), "scale": 1})
        fn = os.path.join(args.out, f"{name}.png")
        open(fn, "wb").write(base64.b64decode(shot["data"]))
        shots.append(fn)
        cdp.ws.close()
    finally:
        for p in (chrome, server):
            if p and p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"screenshots: {len(shots)} in {args.out}/")
    for n in notes:
        print("note:", n)
    if failures:
        print(f"FAILED: {len(failures)} problem(s)")
        for f in failures:
            print("  -", f)
        return 1
    print("PASSED: no console errors, all charts rendered, all links answer 2xx" + ("" if seeded else " (opinion map not seeded)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
