#!/usr/bin/env python3
"""The hostile bundle through every output format (suite 'hostile').

  run_hostile.py WORKDIR

Builds WORKDIR with mkhostile.py (every payload in every field the reader
keeps) and checks, for $PATCHSEQ:

- each package whose value breaks its field's grammar has an error finding
  (unsafe-input naming the field; unreadable-package only where the
  payload cannot be in the document at all: U+FFFE in XML, a line break in
  pkgProperties.txt) with its member, and is in no plan;
- each package with a value its grammar accepts (printable ASCII in a
  release type) is planned, and JSON gives the value back byte for byte;
- a file name outside [A-Za-z0-9._()+-] is unsafe-file-name;
- no output line that a package wrote: in text, Markdown, DOT, explain,
  inspect and validate text no line starts with the injected command, and
  there is no raw CR, U+2028, U+2029 or NEL; Markdown has only its own
  headings, every table row has its header's number of cells, and cmark
  (--unsafe) renders no <script>; DOT parses with `dot`; the JUnit report
  is well-formed (xmllint); JSON round-trips;
- the cmd and ps1 scripts hold no payload at all, only CRLF line ends,
  lines under 8,191 characters, and install lines of the exact grammar
  (step number, KB, safe file name, SHA-256, tool).
Where `dot`, `xmllint` or `cmark` is missing that check is skipped.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
INJECT = "echo PWNED"
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


def run(args, ok=(0, 1)):
    p = subprocess.run([os.environ["PATCHSEQ"]] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=600)
    if p.returncode not in ok:
        fail("%s: exit %d: %s" % (" ".join(args[:3]), p.returncode, p.stderr.decode(errors="replace")[:2000]))
    if b"Sanitizer" in p.stderr or b"runtime error" in p.stderr:
        fail("%s: sanitizer report: %s" % (" ".join(args[:3]), p.stderr.decode(errors="replace")[:2000]))
    return p


def no_injected_line(name, text):
    for bad in ("\r", "\u2028", "\u2029", "\x85"):
        if bad in text:
            fail("%s: raw %r in the output" % (name, bad))
    for i, line in enumerate(text.split("\n"), 1):
        if line.lstrip(" \t-*#>|`\\\"'").startswith(INJECT):
            fail("%s:%d: a line a package wrote: %r" % (name, i, line[:200]))


def check_md(text):
    heads = ("# Change request", "## Windows ", "## Group ", "## Scope", "## Machine groups",
             "## Checks done before", "## Findings", "## No package to plan", "### Steps",
             "### Restarts", "### Estimated time", "### Prerequisites the bundle lacks",
             "### Maintenance windows", "### Skipped", "### Backout", "### Errors",
             "### Warnings", "### Notes")
    header_cells = None
    for i, line in enumerate(text.split("\n"), 1):
        if line.startswith("#") and not line.startswith(heads):
            fail("md:%d: a heading a package wrote: %r" % (i, line[:200]))
        if line.startswith("|"):
            cells = len(re.findall(r"(?<!\\)\|", line))
            if line.startswith("|---"):
                continue
            if header_cells is None or re.match(r"^\| (#|KB|Window) \|", line):
                header_cells = cells
            elif cells != header_cells:
                fail("md:%d: %d cells, the header has %d: %r" % (i, cells, header_cells, line[:300]))
        else:
            header_cells = None
    if shutil.which("cmark"):
        html = subprocess.run(["cmark", "--unsafe"], input=text.encode(), stdout=subprocess.PIPE,
                              check=True).stdout.decode()
        if re.search(r"<script", html, re.I):
            fail("md: cmark renders a <script> element")


INSTALL_CMD = re.compile(r"^call :install \d+ KB\d{6,8} [A-Za-z0-9._()+-]+ [0-9a-f]{64} (wusa|pkgmgr|dism)$")
INSTALL_PS1 = re.compile(r"^    @\{ Action = 'install'; Kb = 'KB\d{6,8}'; File = '[A-Za-z0-9._()+-]+'; "
                         r"Sha256 = '[0-9a-f]{64}'; Tool = '(wusa|pkgmgr|dism)'; Window = \d+; "
                         r"WindowEnd = \$(true|false); Last = \$false \},?$")


def check_script(name, data, pattern, marker):
    text = data.decode("utf-8")
    if "PWNED" in text:
        fail("%s: a payload is in the script" % name)
    if re.search(r"\r(?!\n)", text) or re.search(r"(?<!\r)\n", text):
        fail("%s: a line end other than CRLF" % name)
    for bad in ("\u2028", "\u2029", "\x85", "\x00"):
        if bad in text:
            fail("%s: %r in the script" % (name, bad))
    n = 0
    for i, line in enumerate(text.split("\r\n"), 1):
        if len(line) > 8191:
            fail("%s:%d: longer than 8,191 characters" % (name, i))
        if line.startswith(marker):
            n += 1
            if not pattern.match(line):
                fail("%s:%d: an install line outside its grammar: %r" % (name, i, line[:300]))
    if n == 0:
        fail("%s: no install line" % name)
    return n


def main():
    work = sys.argv[1]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    subprocess.run([sys.executable, os.path.join(HERE, "mkhostile.py"), work], check=True)
    bundle = os.path.join(work, "bundle")
    with open(os.path.join(work, "cases.json"), encoding="utf-8") as fh:
        cases = json.load(fh)

    # validate: findings, packages, JUnit
    junit = os.path.join(work, "report.xml")
    v = run(["validate", "--format", "json", "--junit", junit, bundle], ok=(1,))
    doc = json.loads(v.stdout)
    if json.loads(json.dumps(doc, ensure_ascii=False)) != doc:
        fail("validate JSON does not round-trip")
    def findings_of(c):
        # by KB: a file name with control bytes is shown escaped
        return [f for f in doc["findings"] if c.get("kb") and c["kb"] in (f.get("file") or "")]
    plan = json.loads(run(["plan", "--format", "json", bundle]).stdout)
    planned = set()
    for ap in plan["plans"]:
        for st in ap["steps"]:
            if st.get("file"):
                planned.add(os.path.basename(st["file"]))
    inspect = json.loads(run(["inspect", "--format", "json", bundle]).stdout)
    pk = {os.path.basename(p["file"]): p for p in inspect["packages"]}

    counts = {"refused": 0, "accepted": 0, "unsafe-name": 0, "good": 0}
    for name, c in sorted(cases.items()):
        counts[c["expect"]] += 1
        got = findings_of(c) if c["expect"] != "good" else []
        where = "%s (%s, %s)" % (name[:60], c["field"], c["payload"])
        if c["expect"] == "good":
            if name not in planned:
                fail("%s: a good package is not planned" % where)
            continue
        if c["expect"] == "refused":
            hit = [f for f in got if f["code"] == "unsafe-input" and c["path"] in f["message"]]
            xml_only = c["payload"] == "ufffe" and not c["field"].startswith("props-")
            text_lines = c["field"].startswith("props-") and c["payload"] in ("cr", "lf", "crlf")
            damaged = False
            if not hit and (xml_only or text_lines):
                # the document itself is refused: its value never exists
                hit = [f for f in got if f["code"] == "unreadable-package"]
                damaged = True
            if not hit:
                fail("%s: no finding naming %s: %s" % (where, c["path"],
                                                      [(f["code"], f["message"][:80]) for f in got]))
            elif not hit[0].get("member"):
                fail("%s: the finding names no member" % where)
            elif c["field"] != "member-name" and not damaged and not hit[0].get("line"):
                fail("%s: the finding names no line" % where)
            if damaged:
                # a damaged member is reported; the package may stay (as for
                # any damaged member), but nothing of the payload is kept
                kept = json.dumps([p for p in inspect["packages"] if c["kb"] in p["file"]])
                if "PWNED" in kept:
                    fail("%s: the payload is in the facts: %s" % (where, kept[:300]))
            elif name in planned:
                fail("%s: a refused package is planned" % where)
        elif c["expect"] == "accepted":
            if name not in planned:
                fail("%s: a valid value, and the package is not planned: %s" % (
                    where, [(f["code"], f["message"][:80]) for f in got]))
            p = pk.get(name)
            key = {"release-type": "release_type", "props-type": "release_type",
                   "restart": "restart"}.get(c["field"])
            if key and (p is None or p.get(key) != c["value"]):
                fail("%s: JSON %s is %r, not the value read" % (where, key, p and p.get(key)))
        elif c["expect"] == "unsafe-name":
            if not any(f["code"] == "unsafe-file-name" for f in got):
                fail("%s: no unsafe-file-name finding" % where)
    print("cases: %s" % counts)

    # every text format: no line a package wrote
    for fmt in ("text", "md", "dot"):
        out = run(["plan", "--format", fmt, bundle]).stdout.decode("utf-8")
        no_injected_line("plan " + fmt, out)
        if fmt == "md":
            check_md(out)
        if fmt == "dot" and shutil.which("dot"):
            p = subprocess.run(["dot", "-Tsvg", "-o", os.devnull], input=out.encode(),
                               stderr=subprocess.PIPE)
            if p.returncode != 0:
                fail("dot does not parse the plan: %s" % p.stderr.decode()[:500])
    no_injected_line("inspect", run(["inspect", bundle]).stdout.decode("utf-8"))
    no_injected_line("validate", run(["validate", bundle]).stdout.decode("utf-8"))
    for name, c in cases.items():
        if c["expect"] == "accepted" and c["field"] == "restart":
            no_injected_line("explain", run(["explain", c["kb"], bundle]).stdout.decode("utf-8"))
    # JUnit: well-formed
    try:
        ET.parse(junit)
    except ET.ParseError as e:
        fail("JUnit report not well-formed: %s" % e)
    if shutil.which("xmllint"):
        p = subprocess.run(["xmllint", "--noout", junit], stderr=subprocess.PIPE)
        if p.returncode != 0:
            fail("xmllint: %s" % p.stderr.decode()[:500])

    # scripts: nothing a package wrote
    n1 = check_script("cmd", run(["plan", "--allow-partial", "--arch", "x64", "--format", "cmd", bundle]).stdout,
                      INSTALL_CMD, "call :install ")
    n2 = check_script("ps1", run(["plan", "--allow-partial", "--arch", "x64", "--format", "ps1", bundle]).stdout,
                      INSTALL_PS1, "    @{ Action = 'install'")
    if n1 != n2:
        fail("cmd has %d installs, ps1 %d" % (n1, n2))
    print("scripts: %d installs" % n1)
    if failures:
        print("%d failure(s)" % len(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
