#!/usr/bin/env python3
"""Golden plan test: build a bundle from text, plan it, compare exactly.

Usage: run_golden.py CASE_DIR

A case folder holds:
  bundle.json        a tests/mkpkg.py bundle spec
  expected.txt       the exact output of `patchseq plan ARGS --format text .`
  expected.json      the exact output of `patchseq plan ARGS --format json .`
  args               (optional) more arguments for `plan`, split like a shell would
  exit               (optional) the expected exit status (default 0); exit-kbs
                     the one of the expected-kbs runs (default: exit)
  kb/                (optional) knowledge files laid over a copy of the
                     project's rules/ and manifests/; ARGS may name that
                     copy as ../kb
  installed*         (optional) inventory files; ARGS may name them as ../NAME
  time-model*        (optional) time models for --window; ARGS may name them as ../NAME
  explain-KBn.txt    (optional) the exact output of `patchseq explain KBn ARGS .`
  machine.json       (optional) a machine: {"os_name", "os_version", "system_type",
                     "kbs": [...]}.  Its inventory is written in the four formats
                     (systeminfo, wmic qfe, Get-HotFix, a KB list) and ARGS names it
                     as @INVENTORY@.  The systeminfo run must give expected.txt/.json;
                     the three others (no OS name, version or architecture in them)
                     must all give expected-kbs.txt/.json.

The bundle is built twice: as the spec gives it, planned as the folder
`.`, and from the spec in another order, planned with its files named one
by one in yet another order.  Both must give the expected output: the plan
may not depend on the order in which files are found.  `explain` must
answer for every KB of the spec: exit 1 when the plan has an error about
that KB (a finding, or a package of it left out for an error), else 0.  Commands run with the bundle as
the working folder, so that no temporary path reaches the output.

Environment: PATCHSEQ (the binary), PS_MKPKG, PS_SAMPLES, PS_SOURCE_DIR;
PS_GOLDEN_UPDATE=1 rewrites the expected files from the first run.
"""
import difflib
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode < 0:
        fail("%s: killed by signal %d\n%s" % (" ".join(cmd), -p.returncode, p.stderr.decode()))
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def compare(name, got, path, update):
    if update:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(got)
        return
    with open(path, encoding="utf-8", newline="") as fh:
        want = fh.read()
    if got != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                            os.path.basename(path), name))
        fail("%s differs from %s:\n%s" % (name, os.path.basename(path), diff))


def build(spec, out, tmp, tag):
    specfile = os.path.join(tmp, "spec-%s.json" % tag)
    with open(specfile, "w", encoding="utf-8") as fh:
        json.dump(spec, fh)
    subprocess.run([sys.executable, os.environ["PS_MKPKG"], "--samples", os.environ["PS_SAMPLES"],
                    "--out", out, specfile], check=True)


def knowledge(case, tmp):
    src = os.environ["PS_SOURCE_DIR"]
    dst = os.path.join(tmp, "kb")
    for sub in ("rules", "manifests"):
        shutil.copytree(os.path.join(src, sub), os.path.join(dst, sub))
        over = os.path.join(case, "kb", sub)
        if os.path.isdir(over):
            for name in sorted(os.listdir(over)):
                shutil.copyfile(os.path.join(over, name), os.path.join(dst, sub, name))


SYSTEMINFO_HEADER = ["Host Name", "OS Name", "OS Version", "OS Manufacturer", "OS Configuration",
                     "OS Build Type", "System Type", "Hotfix(s)", "Network Card(s)"]


def csv_line(fields):
    return ",".join('"%s"' % f.replace('"', '""') for f in fields) + "\r\n"


def inventories(machine, tmp):
    """Writes the machine's inventory in the four formats; returns [(name, file)]."""
    kbs = machine["kbs"]
    out = []
    hot = "%d Hotfix(s) Installed." % len(kbs) + "".join(",[%02d]: %s" % (i + 1, k)
                                                          for i, k in enumerate(kbs))
    text = csv_line(SYSTEMINFO_HEADER) + csv_line([
        "SRV-GOLDEN", machine.get("os_name", ""), machine.get("os_version", ""),
        "Microsoft Corporation", "Member Server", "Multiprocessor Free",
        machine.get("system_type", ""), hot, "1 NIC(s) Installed."])
    out.append(("systeminfo", "installed-systeminfo.csv", text))
    text = "Node,Caption,CSName,Description,HotFixID,InstalledBy,InstalledOn\r\n" + "".join(
        "SRV-GOLDEN,http://support.microsoft.com/?kbid=%s,SRV-GOLDEN,Update,%s,NT AUTHORITY\\SYSTEM,"
        "1/14/2020\r\n" % (k[2:], k) for k in kbs)
    out.append(("wmic-qfe", "installed-wmic.csv", text))
    text = '#TYPE System.Management.ManagementObject#root\\cimv2\\Win32_QuickFixEngineering\r\n' + \
        csv_line(["PSComputerName", "Description", "HotFixID", "InstalledBy", "InstalledOn"]) + "".join(
            csv_line(["SRV-GOLDEN", "Security Update", k, "NT AUTHORITY\\SYSTEM", "1/14/2020"])
            for k in kbs)
    out.append(("get-hotfix", "installed-gethotfix.csv", text))
    text = "# installed KBs\n" + "".join("%s\n" % (k if i % 2 == 0 else k[2:])
                                         for i, k in enumerate(kbs))
    out.append(("kb-list", "installed-kblist.txt", text))
    for _, name, body in out:
        with open(os.path.join(tmp, name), "w", encoding="utf-8", newline="") as fh:
            fh.write(body)
    return [(fmt, name) for fmt, name, _ in out]


def error_kbs(plan_json):
    """KBs the plan has an error about: a finding, or a package left out for an error."""
    doc = json.loads(plan_json)
    kbs = {f["kb"] for f in doc.get("findings", []) if f.get("severity") == "error" and f.get("kb")}
    if any(f["code"] == "wrong-machine" and not f.get("kb") for f in doc.get("findings", [])):
        return None  # nothing of the bundle is for the machine: every KB
    for p in doc.get("plans", []):
        for s in p.get("skipped", []):
            if s["why"] in ("missing-prerequisite", "dependency-cycle", "unsafe-file-name",
                            "wrong-machine"):
                kbs.add(s["kb"])
    return kbs


def main():
    if len(sys.argv) != 2:
        fail("usage: run_golden.py CASE_DIR")
    case = os.path.abspath(sys.argv[1])
    name = os.path.basename(case)
    exe = os.environ["PATCHSEQ"]
    update = os.environ.get("PS_GOLDEN_UPDATE") == "1"
    with open(os.path.join(case, "bundle.json"), encoding="utf-8") as fh:
        spec = json.load(fh)
    args = []
    if os.path.exists(os.path.join(case, "args")):
        with open(os.path.join(case, "args"), encoding="utf-8") as fh:
            args = shlex.split(fh.read())
    exits = {"expected": 0}
    for stem, fname in (("expected", "exit"), ("expected-kbs", "exit-kbs")):
        if os.path.exists(os.path.join(case, fname)):
            with open(os.path.join(case, fname), encoding="utf-8") as fh:
                exits[stem] = int(fh.read().strip())

    with tempfile.TemporaryDirectory(prefix="plan-%s." % name) as tmp:
        if os.path.isdir(os.path.join(case, "kb")):
            knowledge(case, tmp)
        runs = [(None, "expected")]
        if os.path.exists(os.path.join(case, "machine.json")):
            with open(os.path.join(case, "machine.json"), encoding="utf-8") as fh:
                machine = json.load(fh)
            runs = [(f, "expected" if fmt == "systeminfo" else "expected-kbs")
                    for fmt, f in inventories(machine, tmp)]
        for extra in sorted(os.listdir(case)):
            if extra.startswith("installed") or extra.startswith("time-model"):
                shutil.copyfile(os.path.join(case, extra), os.path.join(tmp, extra))
        first = os.path.join(tmp, "b1")
        build(spec, first, tmp, "1")
        # another order of the spec, and another order of the files on the command line
        shuffled = list(spec)
        random.Random(name).shuffle(shuffled)
        if len(shuffled) > 1 and shuffled == spec:
            shuffled.reverse()
        second = os.path.join(tmp, "b2")
        build(shuffled, second, tmp, "2")
        files = sorted(os.listdir(second), reverse=True)
        files = ["./" + f for f in files[len(files) // 2:] + files[:len(files) // 2]]

        plan_json = None
        written = set()
        for inv, stem in runs:
            rargs = [a.replace("@INVENTORY@", "../" + inv) if inv else a for a in args]
            for fmt, exp in (("text", stem + ".txt"), ("json", stem + ".json")):
                for tag, cwd, paths in (("as found", first, ["."]), ("reordered", second, files)):
                    rc, out, err = run([exe, "plan"] + rargs + ["--format", fmt] + paths, cwd)
                    label = "plan --format %s (%s%s)" % (fmt, tag, ", " + inv if inv else "")
                    want_rc = exits.get(stem, exits["expected"])
                    if rc != want_rc:
                        fail("%s: exit %d, expected %d\n%s" % (label, rc, want_rc, err))
                    compare(label, out, os.path.join(case, exp), update and exp not in written)
                    written.add(exp)
                if fmt == "json":
                    json.loads(out)
                    if plan_json is None:
                        plan_json = out
        bad = error_kbs(plan_json)
        if runs[0][0]:
            args = [a.replace("@INVENTORY@", "../" + runs[0][0]) for a in args]

        # explain answers for every KB of the spec (plan-only options left out)
        eargs, skip = [], False
        for a in args:
            if skip:
                skip = False
            elif a in ("--window", "--time-model"):
                skip = True
            else:
                eargs.append(a)
        for kb in sorted({p["kb"] for p in spec}):
            rc, out, err = run([exe, "explain"] + eargs + [kb, "."], first)
            want = 1 if bad is None or kb in bad else 0
            if rc != want or (bad is not None and not out.startswith(kb + " ")):
                fail("explain %s: exit %d, expected %d\n%s%s" % (kb, rc, want, out, err))
            path = os.path.join(case, "explain-%s.txt" % kb)
            if os.path.exists(path):
                compare("explain %s" % kb, out, path, update)
    print("ok: %s" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
