#!/usr/bin/env python3
"""The documents people read, rendered by the tools they are read with.

Usage: run_docs.py ticket|graph|report|pictures OUT_DIR

Each test builds the 2008 SP2 chain bundle (tests/plan/chain-2008sp2) with
tests/mkpkg.py, plans it with `patchseq plan` (one plan: x86; two plans:
both architectures; with --window; and a fleet of three machines in two
groups through tests/docs/fleet_doc) and checks the document:

  ticket   Markdown through CommonMark renderers: `cmark -t xml` (the
           document has its sections, no raw HTML node, the footnotes are
           text) and `pandoc -f gfm` (every table is well-formed: each row
           has the header's number of cells, no cell is longer than
           CELL_MAX characters; the steps and backout tables hold what the
           plan says).  Needs cmark or pandoc (each part runs where its
           tool is present).
  graph    dot through Graphviz (`dot -Tsvg`): the one-plan graph fits a
           page (A4 at 72 pt/inch, either way round), has one edge per
           ordered pair of packages with an edge in the JSON plan, each
           labelled only with edge kinds, a row per boot and a legend.
  report   HTML in headless Chromium: loads with no console message (a
           control page with a console.error and one with a script the
           report's Content-Security-Policy refuses must be caught by the
           same check), and a screenshot is written; with Graphviz the
           graph is inline SVG; with PATCHSEQ_DOT="" or naming no program
           it is omitted with a note saying why.
  pictures writes the README's pictures (report.png, graph.png) into
           OUT_DIR (the build's `docs-pictures` target).

A tool that is absent makes the test skip (exit 77).
Environment: PATCHSEQ, PS_MKPKG, PS_SAMPLES, PS_SOURCE_DIR, PS_FLEET_DOC.
"""
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SKIP = 77
CELL_MAX = 72
A4 = (595, 842)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def run(cmd, cwd=None, env=None, ok=(0,)):
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=300)
    if p.returncode not in ok:
        fail("%s: exit %d\n%s" % (" ".join(cmd), p.returncode, p.stderr.decode(errors="replace")))
    return p.stdout.decode("utf-8"), p.stderr.decode("utf-8", errors="replace")


class Fixture:
    """The chain bundle, three inventories and the documents made from them."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.bundle = os.path.join(tmp, "bundle")
        src = os.environ["PS_SOURCE_DIR"]
        subprocess.run([sys.executable, os.environ["PS_MKPKG"], "--samples", os.environ["PS_SAMPLES"],
                        "--out", self.bundle,
                        os.path.join(src, "tests", "plan", "chain-2008sp2", "bundle.json")],
                       check=True, stdout=subprocess.DEVNULL)
        # file names carrying Markdown, HTML, SVG and DOT syntax (left out of
        # the plan as unsafe-file-name, shown in skipped and findings)
        self.hostile = os.path.join(tmp, "hostile")
        subprocess.run([sys.executable, os.environ["PS_MKPKG"], "--samples", os.environ["PS_SAMPLES"],
                        "--out", self.hostile,
                        os.path.join(src, "tests", "docs", "hostile.json")],
                       check=True, stdout=subprocess.DEVNULL)
        # a prepared machine: the SSU and the SHA-2 support are installed
        self.prepared = os.path.join(tmp, "prepared.txt")
        with open(self.prepared, "w") as fh:
            fh.write("# prepared\nKB4493730\nKB4474419\n")

    def plan(self, fmt, *args, env=None, bundle=None):
        out, _ = run([os.environ["PATCHSEQ"], "plan", "--format", fmt] + list(args) + ["."],
                     cwd=bundle or self.bundle, env=env, ok=(0, 1))
        return out

    def plan_hostile(self, fmt, env=None):
        return self.plan(fmt, env=env, bundle=self.hostile)

    def fleet(self, fmt):
        path = os.path.join(self.tmp, "fleet." + fmt)
        run([os.environ["PS_FLEET_DOC"], fmt, path, self.bundle,
             "fresh=srv-app01,srv-app02=-", "prepared=srv-db01=" + self.prepared])
        with open(path, encoding="utf-8") as fh:
            return fh.read()


# ---------------------------------------------------------------- ticket

class Tables(html.parser.HTMLParser):
    """The tables of an HTML document: lists of rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self.row, self.cell = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.row is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[-1].append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def check_tables(name, md, steps):
    p = subprocess.run(["pandoc", "-f", "gfm", "-t", "html"], input=md.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    check(p.returncode == 0, "%s: pandoc failed: %s" % (name, p.stderr.decode()))
    t = Tables()
    t.feed(p.stdout.decode())
    pipe_tables = md.count("\n|---")
    check(len(t.tables) == pipe_tables,
          "%s: %d tables rendered, %d written" % (name, len(t.tables), pipe_tables))
    for i, table in enumerate(t.tables):
        width = len(table[0])
        for row in table:
            check(len(row) == width, "%s: table %d: a row of %d cells under a header of %d: %r"
                  % (name, i + 1, len(row), width, row))
            for cell in row:
                check(len(cell) <= CELL_MAX, "%s: table %d: a cell of %d characters: %r"
                      % (name, i + 1, len(cell), cell))
    if steps is None:
        return
    step_tables = [tb for tb in t.tables if tb[0][:3] == ["#", "Action", "KB"]]
    check([len(tb) - 1 for tb in step_tables] == steps,
          "%s: step tables with %r rows, the plans have %r steps"
          % (name, [len(tb) - 1 for tb in step_tables], steps))
    backout = [tb for tb in t.tables if tb[0] == ["Step", "KB", "Backout"]]
    check(len(backout) == len(steps), "%s: %d backout tables for %d plans"
          % (name, len(backout), len(steps)))
    for tb in backout:
        rows = {r[1]: r[2] for r in tb[1:]}
        check(rows.get("KB4520002") == "wusa /uninstall /kb:4520002 /quiet /norestart",
              "%s: backout of KB4520002: %r" % (name, rows.get("KB4520002")))
        for kb in ("KB4474419", "KB4493730", "KB4517134"):  # SHA-2 support, SSUs
            check(rows.get(kb, "not removable").startswith("not removable"),
                  "%s: %s is not removable: %r" % (name, kb, rows.get(kb)))
        check(len(rows) == 2 or "KB4474419" in rows, "%s: backout rows %r" % (name, rows))
    notes = len(re.findall(r"^\[\^[0-9-]+\]: ", md, re.M))
    check(notes > 0 and p.stdout.decode().count('role="doc-endnote"') == notes,
          "%s: pandoc made %d footnotes of %d" % (name, p.stdout.decode().count('role="doc-endnote"'),
                                                 notes))


def check_commonmark(name, md, headings):
    p = subprocess.run(["cmark", "-t", "xml", "--validate-utf8"], input=md.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    check(p.returncode == 0, "%s: cmark failed: %s" % (name, p.stderr.decode()))
    root = ET.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", p.stdout))
    ns = "{http://commonmark.org/xml/1.0}"
    raw = [e for e in root.iter() if e.tag in (ns + "html_block", ns + "html_inline", ns + "link",
                                                ns + "image")]
    check(not raw, "%s: raw HTML or a link in the ticket: %r" % (name, [e.text for e in raw][:3]))
    found = ["".join(h.itertext()).strip() for h in root.iter(ns + "heading")]
    for h in headings:
        check(h in found, "%s: no heading %r (headings: %r)" % (name, h, found))
    text = "".join(t.text or "" for t in root.iter(ns + "text"))
    if name == "hostile":
        for payload in ("<img src=x onerror=alert(1)>", "| cell | `code` *em* [link](http:x) #h",
                        '"quote" \\back <svg onload=alert(2)><script>x'):
            check(payload in text, "hostile: %r is not shown as text" % payload)
        return
    check("[^1-1-2]: Step 2: " in text, "%s: the footnotes are not text for cmark" % name)


def test_ticket(fx, out):
    have_cmark, have_pandoc = shutil.which("cmark"), shutil.which("pandoc")
    if not have_cmark and not have_pandoc:
        print("SKIP: neither cmark nor pandoc is installed")
        return SKIP
    docs = {
        "one plan": (fx.plan("md", "--arch", "x86"), [6]),
        "two plans": (fx.plan("md"), [6, 6]),
        "windows": (fx.plan("md", "--arch", "x86", "--window", "25"), [6]),
        "fleet": (fx.fleet("md"), [6, 3]),
        "hostile": (fx.plan_hostile("md"), None),
    }
    headings = ["Scope", "Steps", "Restarts", "Estimated time", "Prerequisites the bundle lacks",
                "Skipped", "Backout", "Checks done before", "Findings"]
    for name, (md, steps) in sorted(docs.items()):
        with open(os.path.join(out, "ticket-%s.md" % name.replace(" ", "-")), "w") as fh:
            fh.write(md)
        if have_cmark:
            check_commonmark(name, md, headings + (["Machine groups"] if name == "fleet" else []))
        # the hostile names are in no heading, no table cell and no code span
        check(name != "hostile" or md.count("KB4493730 (./Windows6.0-KB4493730-x64 \\<img src=x") == 1,
              "hostile: the skipped line of KB4493730")
        if have_pandoc:
            check_tables(name, md, steps)
    one = docs["one plan"][0]
    for want in ["| 2 | install | KB4474419 | SHA-2 code signing support update for Windows Server "
                 "2008 ... | 2019-05-14 | sha2-support | 5 | SHA-2 code signing support; after "
                 "KB4493730 (rule) [^1-1-2] |",
                 "- Machines: every machine of these systems",
                 "About 43 minutes in one window",
                 "SHA-256 of each of the 4 files computed"]:
        check(want in one, "one plan: no %r" % want)
    check(re.search(r"- step 5, KB4520002: \./Windows6\.0-KB4520002-x86\.msu, \d+ KiB, SHA-256 "
                    r"[0-9a-f]{64}  \n  2019-10 Security Monthly Quality Rollup", one),
          "one plan: the file line of step 5")
    check("| 2 | 4-6 | 29 | longer than the window |" in docs["windows"][0] and
          "In total about 43 minutes." in docs["windows"][0], "windows: the window table")
    fleet = docs["fleet"][0]
    check("- Group 1 (fresh), 2 machines: srv-app01, srv-app02" in fleet and
          "- Group 2 (prepared), 1 machine: srv-db01" in fleet and
          "## Group 2: Windows 6.0" in fleet, "fleet: the machine groups")
    check("Windows 6.0 (Windows Vista SP2 / Windows Server 2008 SP2), x64: KB4517134 -> "
          "KB4520002 -> restart" in fleet, "fleet: the prepared group's sequence")
    print("ok: %d tickets%s%s" % (len(docs), " (cmark)" if have_cmark else "",
                                 " (pandoc tables)" if have_pandoc else ""))
    return 0


# ---------------------------------------------------------------- graph

def svg_size(svg):
    m = re.search(r'<svg width="(\d+)pt" height="(\d+)pt"', svg)
    check(m, "no size in the SVG")
    return int(m.group(1)), int(m.group(2))


def test_graph(fx, out):
    if not shutil.which("dot"):
        print("SKIP: Graphviz (dot) is not installed")
        return SKIP
    plan = json.loads(fx.plan("json", "--arch", "x86"))["plans"][0]
    pairs = {(e["from"], e["to"]) for e in plan["edges"]}
    check(len(pairs) < len(plan["edges"]), "the fixture should have two edges of one pair")
    dot = fx.plan("dot", "--arch", "x86")
    with open(os.path.join(out, "graph.dot"), "w") as fh:
        fh.write(dot)
    svg, _ = run(["dot", "-Tsvg", os.path.join(out, "graph.dot")])
    with open(os.path.join(out, "graph.svg"), "w") as fh:
        fh.write(svg)
    w, h = svg_size(svg)
    check((w <= A4[0] and h <= A4[1]) or (w <= A4[1] and h <= A4[0]),
          "a plan of %d steps is %dx%d pt, larger than a page" % (len(plan["steps"]), w, h))
    root = ET.fromstring(svg.encode())
    ns = "{http://www.w3.org/2000/svg}"
    groups = [g for g in root.iter(ns + "g")]
    edges = [g for g in groups if g.get("class") == "edge"]
    check(len(edges) == len(pairs), "%d edges drawn, %d ordered pairs" % (len(edges), len(pairs)))
    kinds = {"stack", "sha2", "rule", "wsus"}
    for e in edges:
        label = "".join(t.text or "" for t in e.iter(ns + "text"))
        check(label and set(label.split(", ")) <= kinds, "an edge label that is not kinds: %r" % label)
        tips = [a.get("{http://www.w3.org/1999/xlink}title") for a in e.iter(ns + "a")]
        check(any(t and ": " in t and "[" in t for t in tips), "an edge without its reasons: %r" % tips)
    titles = ["".join(t.text or "" for t in g.iter(ns + "text")) for g in groups
              if g.get("class") == "cluster"]
    boots = [t for t in titles if t.startswith("boot ")]
    check(len(boots) == plan["reboots"], "%d boot rows for %d restarts: %r"
          % (len(boots), plan["reboots"], titles))
    nodes = ["".join(t.text or "" for t in g.iter(ns + "text")) for g in groups
             if g.get("class") == "node"]
    check(any(n.startswith("legend") for n in nodes), "no legend")
    # the two plans and the fleet render too
    for name, doc in (("two plans", fx.plan("dot")), ("fleet", fx.fleet("dot")),
                      ("hostile", fx.plan_hostile("dot"))):
        p = subprocess.run(["dot", "-Tsvg"], input=doc.encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120)
        check(p.returncode == 0 and b"<svg" in p.stdout, "%s: dot failed: %s" % (name, p.stderr))
        check(not p.stderr.strip(), "%s: dot warns: %s" % (name, p.stderr.decode()))
        ET.fromstring(p.stdout)  # well-formed SVG
        if name == "hostile":
            check(b"<img" not in p.stdout and b"<script" not in p.stdout and
                  b"&lt;img src=x onerror=alert(1)&gt;" in p.stdout, "hostile: the names in the SVG")
    print("ok: %dx%d pt, %d edges for %d ordered pairs (%d planner edges)"
          % (w, h, len(edges), len(pairs), len(plan["edges"])))
    return 0


# ---------------------------------------------------------------- report

def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return name
    return None


def browse(page, png, tmp):
    """Console messages of Chromium loading page, after a screenshot to png."""
    profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp)
    cmd = [chromium()] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile, "--enable-logging=stderr",
                                           "--v=0", "--window-size=1200,1700",
                                           "--screenshot=" + png, "file://" + page]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180)
    err = p.stderr.decode(errors="replace")
    check(p.returncode == 0, "chromium exit %d:\n%s" % (p.returncode, err[-2000:]))
    check(os.path.exists(png) and os.path.getsize(png) > 1000, "no screenshot of " + page)
    return [line for line in err.splitlines() if ":CONSOLE" in line]


def test_report(fx, out, pictures=False):
    if not chromium():
        print("SKIP: Chromium is not installed")
        return SKIP
    tmp = fx.tmp
    env = dict(os.environ)
    env["PATCHSEQ_DOT"] = ""
    nograph = fx.plan("html", "--arch", "x86", env=env)
    check("<p class=\"note\">The graph is omitted: drawing it was turned off" in nograph,
          "the note of a report without its graph")
    check("<svg class=\"graph" not in nograph and nograph.count("<svg") == 1,
          "a report without Graphviz has only its timeline")
    env["PATCHSEQ_DOT"] = os.path.join(tmp, "no-such-dot")
    check("The graph is omitted: Graphviz (%s) is not installed here." % env["PATCHSEQ_DOT"]
          in fx.plan("html", "--arch", "x86", env=env), "the note of a report without Graphviz")
    docs = {"no-graph": nograph, "fleet": fx.fleet("html"), "hostile": fx.plan_hostile("html")}
    check("&lt;img src=x onerror=alert(1)&gt;" in docs["hostile"] and
          "<img" not in docs["hostile"] and "<svg onload" not in docs["hostile"],
          "hostile: the names in the report")
    if shutil.which("dot"):
        docs["one-plan"] = fx.plan("html", "--arch", "x86")
        docs["two-plans"] = fx.plan("html", "--window", "30")
        check(docs["one-plan"].count("<svg") == 2 and 'class="edge"' in docs["one-plan"],
              "with Graphviz the report holds the graph as SVG")
    for name, doc in docs.items():
        check("<script" not in doc.lower() and "http://" not in doc.replace(
            'xmlns="http://www.w3.org/2000/svg"', "").replace(
            'xmlns:xlink="http://www.w3.org/1999/xlink"', "").replace(
            "http://www.w3.org/", ""), "%s: a script or a network address" % name)
        check("Content-Security-Policy" in doc, "%s: no Content-Security-Policy" % name)
    # the check sees console errors: a console.error, and a script the CSP refuses
    controls = {
        "control-console": "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>c</title>"
                           "</head><body><script>console.error('control')</script></body></html>",
        "control-csp": docs["no-graph"].replace("</body>", "<script>document.title='x'</script></body>"),
    }
    for name, doc in controls.items():
        page = os.path.join(tmp, name + ".html")
        with open(page, "w", encoding="utf-8") as fh:
            fh.write(doc)
        msgs = browse(page, os.path.join(tmp, name + ".png"), tmp)
        check(msgs, "%s: the console check caught nothing" % name)
    for name, doc in sorted(docs.items()):
        page = os.path.join(out, "report-%s.html" % name)
        with open(page, "w", encoding="utf-8") as fh:
            fh.write(doc)
        msgs = browse(page, os.path.join(out, "report-%s.png" % name), tmp)
        check(not msgs, "%s: console messages:\n%s" % (name, "\n".join(msgs)))
    print("ok: %d reports loaded with no console message; screenshots in %s" % (len(docs), out))
    return 0


def pictures(fx, out):
    """report.png and graph.png for the README."""
    if not chromium() or not shutil.which("dot"):
        print("SKIP: the pictures need Chromium and Graphviz")
        return SKIP
    dot = fx.plan("dot", "--arch", "x86")
    p = subprocess.run(["dot", "-Tpng", "-Gdpi=72", "-o", os.path.join(out, "graph.png")],
                       input=dot.encode(), timeout=120)
    check(p.returncode == 0, "dot -Tpng failed")
    page = os.path.join(fx.tmp, "report.html")
    with open(page, "w", encoding="utf-8") as fh:
        fh.write(fx.plan("html", "--arch", "x86"))
    profile = tempfile.mkdtemp(prefix="chromium-", dir=fx.tmp)
    p = subprocess.run([chromium()] + CHROMIUM_FLAGS +
                       ["--user-data-dir=" + profile, "--window-size=960,840",
                        "--hide-scrollbars", "--screenshot=" + os.path.join(out, "report.png"),
                        "file://" + page], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180)
    check(p.returncode == 0, "chromium failed")
    print("wrote %s and %s" % (os.path.join(out, "graph.png"), os.path.join(out, "report.png")))
    return 0


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("ticket", "graph", "report", "pictures"):
        print(__doc__)
        return 2
    missing = {
        "ticket": None if shutil.which("cmark") or shutil.which("pandoc")
        else "neither cmark nor pandoc is installed",
        "graph": None if shutil.which("dot") else "Graphviz (dot) is not installed",
        "report": None if chromium() else "Chromium is not installed",
        "pictures": None if chromium() and shutil.which("dot")
        else "the pictures need Chromium and Graphviz",
    }[sys.argv[1]]
    if missing:
        print("SKIP: " + missing)
        return SKIP
    out = os.path.abspath(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    env_tmp = tempfile.mkdtemp(prefix="ps-docs-")
    try:
        fx = Fixture(env_tmp)
        fn = {"ticket": test_ticket, "graph": test_graph, "report": test_report,
              "pictures": pictures}[sys.argv[1]]
        return fn(fx, out)
    finally:
        shutil.rmtree(env_tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
