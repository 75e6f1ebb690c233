#!/usr/bin/env python3
"""README.md renders as intended with a CommonMark implementation (cmark).

Every line that starts with "## " outside a code block must render as an
<h2> with that text, and every code fence must be closed: cmark's
rendering of README.md is compared with the headings and fences counted
from the source.  Exits 77 (skipped) when cmark is not installed.

usage: check_readme.py README.md
"""
import html
import re
import shutil
import subprocess
import sys


def source_facts(text):
    """(headings, fences opened, fences closed) counted from the source."""
    heads, opened, closed = [], 0, 0
    fence = None
    for line in text.splitlines():
        m = re.match(r"^ {0,3}(`{3,}|~{3,})(.*)$", line)
        if fence is None:
            if m:
                fence = m.group(1)
                opened += 1
            elif line.startswith("## "):
                heads.append(line[3:].strip())
        elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                and m.group(2).strip() == "":
            fence = None
            closed += 1
    return heads, opened, closed


def main(path):
    cmark = shutil.which("cmark")
    if cmark is None:
        print("cmark is not installed (Debian package cmark): README check skipped")
        return 77
    with open(path, encoding="utf-8") as f:
        text = f.read()
    out = subprocess.run([cmark, path], capture_output=True, check=True).stdout.decode()
    want, opened, closed = source_facts(text)
    # every "## " line of the source, as written, whether or not in a block
    every = [l[3:].strip() for l in text.splitlines() if l.startswith("## ")]
    got = [html.unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<h2>(.*?)</h2>", out)]
    ok = True
    if opened != closed:
        print("FAIL: %d code fences opened, %d closed" % (opened, closed))
        ok = False
    if every != want:
        print("FAIL: '## ' lines inside code blocks: %s" % [h for h in every if h not in want])
        ok = False
    plain = [re.sub(r"[`*_]", "", h) for h in every]
    if got != plain:
        print("FAIL: headings rendered %s, '## ' lines %s" % (got, plain))
        ok = False
    if out.count("<pre><code") != opened:
        print("FAIL: %d code blocks rendered, %d fences" % (out.count("<pre><code"), opened))
        ok = False
    print("%d headings, %d code blocks: %s" % (len(got), opened, "ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
