#!/usr/bin/env python3
"""Runs the API example (examples/api/plan_bundle.c) on the example bundle
and checks that it plans what `patchseq plan --format json` plans: the same
targets, the same steps in the same order, the same findings, and an
explanation of the KB asked for.

usage: check_example.py PLAN_BUNDLE PATCHSEQ BUNDLE_DIR"""
import json
import subprocess
import sys


def main():
    example, patchseq, bundle = sys.argv[1:4]
    kb = "KB4474419"
    ex = subprocess.run([example, "--arch", "x64", "--explain", kb, bundle],
                        capture_output=True, text=True)
    cli = subprocess.run([patchseq, "plan", "--arch", "x64", "--format", "json", bundle],
                         capture_output=True, text=True)
    if ex.returncode != cli.returncode:
        print("exit codes differ: example %d, patchseq %d\n%s%s"
              % (ex.returncode, cli.returncode, ex.stderr, cli.stderr))
        return 1
    doc = json.loads(cli.stdout)
    want = []
    for p in doc["plans"]:
        want.append("plan %s %s" % (p["os"], p["arch"]))
        for n, st in enumerate(p["steps"], 1):
            if st["action"] == "reboot":
                want.append("  %d. restart" % n)
            else:
                want.append("  %d. install %s (%s)" % (n, st["kb"], st["file"]))
    want += ["finding %s %s: %s" % (f["severity"], f["code"], f["message"])
             for f in doc["findings"]]
    lines = ex.stdout.splitlines()
    got = [l for l in lines if l.startswith(("plan ", "  ", "finding "))]
    got = got[:len(want)]
    if not any(l.startswith("  ") for l in want):
        print("patchseq planned no step: the comparison would prove nothing")
        return 1
    if got != want:
        print("the example's plan differs from patchseq's:")
        for a, b in zip(got + [""] * len(want), want):
            if a != b:
                print("  example: %r\n  patchseq: %r" % (a, b))
                break
        return 1
    head = "explain %s (" % kb
    ex_lines = [l for l in lines if l.startswith(head)]
    if not ex_lines or ex_lines[0].startswith(head + "0 "):
        print("no explanation of %s in the example's output" % kb)
        return 1
    if kb not in ex.stdout.split(ex_lines[0], 1)[1]:
        print("the explanation does not name %s" % kb)
        return 1
    print("example plans %d targets like patchseq, and explains %s" % (len(doc["plans"]), kb))
    return 0


if __name__ == "__main__":
    sys.exit(main())
