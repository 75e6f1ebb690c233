#!/usr/bin/env python3
"""Runs the validation example (examples/api/validate_bundle.c) on the
example bundle and checks that it validates as `patchseq validate` does:
the same exit status, the same JSON report, and one passed or failed check
per testcase of the JUnit report, in its order.

usage: check_validate.py VALIDATE_BUNDLE PATCHSEQ BUNDLE_DIR"""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET


def run(args):
    return subprocess.run(args, capture_output=True, text=True)


def main():
    example, patchseq, bundle = sys.argv[1:4]
    ex = run([example, "--format", "json", bundle])
    cli = run([patchseq, "validate", "--format", "json", bundle])
    if ex.returncode != cli.returncode or ex.returncode not in (0, 1):
        print("exit codes: example %d, patchseq %d\n%s%s"
              % (ex.returncode, cli.returncode, ex.stderr, cli.stderr))
        return 1
    head, sep, doc = ex.stdout.partition("---\n")
    if not sep:
        print("no report in the example's output:\n" + ex.stdout)
        return 1
    if json.loads(doc) != json.loads(cli.stdout):
        print("the example's JSON report differs from patchseq's:\n%s\n%s" % (doc, cli.stdout))
        return 1
    junit = run([patchseq, "validate", "--junit", "-", bundle])
    want = []
    for tc in ET.fromstring(junit.stdout).iter("testcase"):
        kind = tc.get("classname").split(".", 1)[1]
        failure = tc.find("failure")
        if failure is None:
            want.append("check %s %s: passed" % (kind, tc.get("name")))
        else:
            n = len([l for l in (failure.text or "").splitlines() if l])
            want.append("check %s %s: failed (%d, first %s)"
                        % (kind, tc.get("name"), n, failure.get("type")))
    got = [l for l in head.splitlines() if l.startswith("check ")]
    if not any(" plan " in l for l in got) or not any(" package " in l for l in got):
        print("the example reports no package or no plan check:\n" + head)
        return 1
    if got != want:
        print("the example's checks differ from patchseq's JUnit testcases:")
        print("\n".join(got) + "\n--\n" + "\n".join(want))
        return 1
    verdict = "validation %s" % ("passed" if ex.returncode == 0 else "FAILED")
    if not any(l.startswith(verdict) for l in head.splitlines()):
        print("the example's verdict does not agree with its exit status:\n" + head)
        return 1
    text = run([example, "--format", "text", bundle])
    ctext = run([patchseq, "validate", "--no-progress", bundle])
    if text.stdout.partition("---\n")[2] != ctext.stdout:
        print("the example's text report differs from patchseq's:\n%s\n%s"
              % (text.stdout, ctext.stdout))
        return 1
    print("example validates %d checks like patchseq (%s)" % (len(got), verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
