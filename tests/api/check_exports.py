#!/usr/bin/env python3
"""The symbols libpatchseq exports: the public API of include/, nothing of
the command line.  Every exported function is a ps_* name declared PS_API
in a public header, and no ps_cmd_* or ps_cli_* symbol is exported (the
command line is the patchseq executable, not the library).

usage: check_exports.py LIBPATCHSEQ.so INCLUDE_DIR
Exit 77 (skip) when nm is not installed."""
import glob
import os
import re
import shutil
import subprocess
import sys


def main():
    lib, incdir = sys.argv[1], sys.argv[2]
    nm = shutil.which("nm")
    if nm is None:
        print("nm (binutils) is not installed: the exported symbols cannot be listed")
        return 77
    out = subprocess.run([nm, "-D", "--defined-only", lib], check=True,
                         capture_output=True, text=True).stdout
    exported = sorted({l.split()[-1] for l in out.splitlines()
                       if len(l.split()) >= 3 and l.split()[1] in "TDBRW"})
    headers = glob.glob(os.path.join(incdir, "**", "*.h"), recursive=True)
    declared = set()
    for h in headers:
        text = open(h, encoding="utf-8").read()
        declared.update(re.findall(r"PS_API\b[^;(]*?\b(ps_\w+)\s*\(", text))
    bad = []
    if not exported:
        bad.append("the library exports nothing")
    for s in exported:
        if re.match(r"ps_(cmd|cli)_", s):
            bad.append("exports the command line's %s" % s)
        elif not s.startswith("ps_"):
            bad.append("exports %s, not a ps_ name" % s)
        elif s not in declared:
            bad.append("exports %s, which no public header declares PS_API" % s)
    for s in sorted(declared - set(exported)):
        bad.append("the public headers declare %s, which the library does not export" % s)
    if bad:
        print("\n".join(bad))
        return 1
    print("%d symbols exported, each declared PS_API in include/; none of the command line"
          % len(exported))
    return 0


if __name__ == "__main__":
    sys.exit(main())
