#!/usr/bin/env python3
"""Fleet plans: a folder of inventories at different levels against one bundle.

Usage: run_fleet.py CASE_DIR

CASE_DIR holds bundle.json (a tests/mkpkg.py spec), machines.json (the
machines: file name, format systeminfo / wmic-qfe / kb-list, or raw text)
and the exact expected documents expected.txt, expected.md, expected.json
of `patchseq plan --installed ../inv --format F .`, SHA-256 values masked
(PS_GOLDEN_UPDATE=1 rewrites them).  Also checked:
  - the html report's machine groups: every machine, each group, why;
  - the same fleet given file by file, in another order: the same text;
  - every machine's steps in the fleet equal its steps planned alone
    (`--installed FILE`): sharing a plan per machine state changes nothing;
  - grouping: machines at one level share a group whatever their inventory's
    format or the KBs that do not matter to the bundle;
  - --arch leaving a machine out: wrong-architecture, a finding on its inventory;
  - two files naming one machine: exit 2, both files named;
  - --format cmd: refused for several plans, written for one shared plan;
  - README.md shows the summary of expected.txt as it is;
  - validate --installed DIR: exit 1, one JUnit testcase per machine, the
    failing ones exactly the machines that cannot be brought up to date.
Environment: PATCHSEQ, PS_MKPKG, PS_SAMPLES.
"""
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(args, cwd):
    p = subprocess.run([os.environ["PATCHSEQ"]] + args, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode < 0:
        fail("%s: killed by signal %d" % (" ".join(args), -p.returncode))
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def compare(label, got, path, update):
    if update:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(got)
        return
    with open(path, encoding="utf-8", newline="") as fh:
        want = fh.read()
    if got != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                            os.path.basename(path), label))
        fail("%s differs from %s:\n%s" % (label, os.path.basename(path), diff))


def csv_line(fields):
    return ",".join('"%s"' % f.replace('"', '""') for f in fields) + "\r\n"


def inventory_text(m):
    kbs = m.get("kbs", [])
    if m["format"] == "raw":
        return m["text"]
    if m["format"] == "systeminfo":
        hot = "%d Hotfix(s) Installed." % len(kbs) + "".join(
            ",[%02d]: %s" % (i + 1, k) for i, k in enumerate(kbs))
        return csv_line(["Host Name", "OS Name", "OS Version", "OS Manufacturer", "System Type",
                         "Hotfix(s)"]) + csv_line(
            [m["host"], m["os_name"], m["os_version"], "Microsoft Corporation",
             m["system_type"], hot])
    if m["format"] == "wmic-qfe":
        return "Node,Caption,CSName,Description,HotFixID,InstalledOn\r\n" + "".join(
            "%s,http://support.microsoft.com/?kbid=%s,%s,Update,%s,1/14/2020\r\n"
            % (m["host"], k[2:], m["host"], k) for k in kbs)
    return "# KBs of a machine\n" + "".join(k + "\n" for k in kbs)


def steps(plans):
    return [[(s["action"], s.get("kb"), s.get("file")) for s in p["steps"]] for p in plans]


def main():
    case = os.path.abspath(sys.argv[1])
    update = os.environ.get("PS_GOLDEN_UPDATE") == "1"
    with open(os.path.join(case, "machines.json"), encoding="utf-8") as fh:
        machines = json.load(fh)
    with tempfile.TemporaryDirectory(prefix="fleet.") as tmp:
        bundle = os.path.join(tmp, "b")
        spec = os.path.join(case, "bundle.json")
        subprocess.run([sys.executable, os.environ["PS_MKPKG"], "--samples",
                        os.environ["PS_SAMPLES"], "--out", bundle, spec], check=True)
        inv = os.path.join(tmp, "inv")
        os.mkdir(inv)
        for m in machines:
            with open(os.path.join(inv, m["file"]), "w", encoding="utf-8", newline="") as fh:
                fh.write(inventory_text(m))

        base = ["plan", "--no-cache", "-q", "--installed", "../inv"]
        docs = {}
        for fmt, exp in (("text", "expected.txt"), ("md", "expected.md"), ("json", "expected.json")):
            rc, out, err = run(base + ["--format", fmt, "."], bundle)
            if rc != 1:
                fail("plan --format %s: exit %d, expected 1 (machines with errors)\n%s"
                     % (fmt, rc, err))
            # the packages are built anew each run: their hashes vary
            compare("plan --format " + fmt, re.sub(r"\b[0-9a-f]{64}\b", "<sha256>", out),
                    os.path.join(case, exp), update)
            docs[fmt] = out

        # the report shows the machine groups, with each machine and why
        env_dot = os.environ.get("PATCHSEQ_DOT")
        os.environ["PATCHSEQ_DOT"] = ""
        rc, page, err = run(base + ["--format", "html", "."], bundle)
        if env_dot is None:
            del os.environ["PATCHSEQ_DOT"]
        else:
            os.environ["PATCHSEQ_DOT"] = env_dot
        groups = page[page.find('<section class="groups">'):]
        groups = groups[:groups.find("</section>")]
        if rc != 1 or "Fleet: 8 machines in 6 groups" not in groups or \
           groups.count("<tr><td>") != 6 or "Why: its inventory cannot be read" not in groups or \
           not all(n in groups for n in ("SRV-FRESH1", "SRV-FRESH2", "SRV-PREP", "web01",
                                         "SRV-DONE", "SRV-X86", "SRV-WIN7", "bad")):
            fail("the html report's machine groups (exit %d):\n%s" % (rc, groups))

        # the README shows this summary: it must be the real one
        readme = os.path.join(os.environ.get("PS_SOURCE_DIR", ""), "README.md")
        if os.path.exists(readme):
            with open(readme, encoding="utf-8") as fh:
                text = fh.read()
            summary = docs["text"].split("\n\n")[0]
            if "```\n" + summary + "\n```" not in text:
                fail("README.md does not show the fleet summary as plan writes it:\n" + summary)

        # the same fleet, file by file in another order
        args = ["plan", "--no-cache", "-q"]
        for m in sorted(machines, key=lambda m: m["file"], reverse=True):
            args += ["--installed", "../inv/" + m["file"]]
        rc, out, err = run(args + ["."], bundle)
        if rc != 1 or out != docs["text"]:
            fail("the fleet given file by file in reverse order: exit %d, or another text" % rc)

        doc = json.loads(docs["json"])
        if doc["schema"] != "patchseq.plan/2" or "plans" in doc:
            fail("a fleet document is patchseq.plan/2 with machines and no top-level plans")
        by_name = {m["name"]: m for m in doc["machines"]}
        want_status = {"SRV-FRESH1": "needs-updates", "SRV-FRESH2": "needs-updates",
                       "SRV-PREP": "needs-updates", "web01": "needs-updates",
                       "SRV-DONE": "current", "SRV-X86": "wrong-architecture",
                       "SRV-WIN7": "cannot-update", "bad": "cannot-update"}
        got_status = {n: m["status"] for n, m in by_name.items()}
        if got_status != want_status:
            fail("statuses: %r, expected %r" % (got_status, want_status))
        # grouping: same level, same group (formats and unrelated KBs differ)
        if by_name["SRV-FRESH1"]["group"] != by_name["SRV-FRESH2"]["group"] or \
           by_name["SRV-PREP"]["group"] != by_name["web01"]["group"] or \
           by_name["SRV-FRESH1"]["group"] == by_name["SRV-PREP"]["group"]:
            fail("grouping: %r" % {n: m["group"] for n, m in by_name.items()})
        if len(doc["groups"]) != 6:
            fail("%d groups, expected 6" % len(doc["groups"]))
        bad = by_name["bad"]["findings"]
        if not (len(bad) == 1 and bad[0]["file"] == "../inv/bad.csv" and bad[0]["line"] == 2):
            fail("the bad inventory's finding has no file and line: %r" % bad)

        # --arch leaves a machine out: wrong architecture, with a finding on its inventory
        rc, out, err = run(base + ["--arch", "x64", "--format", "json", "."], bundle)
        x86 = [m for m in json.loads(out)["machines"] if m["name"] == "SRV-X86"][0]
        if rc != 1 or x86["status"] != "wrong-architecture" or "--arch" not in x86["why"] or \
           [f["file"] for f in x86["findings"]] != ["../inv/srv-x86.csv"]:
            fail("--arch x64 with an x86 machine: exit %d, %r" % (rc, x86))

        # each machine alone: the same steps as in the fleet
        for m in machines:
            name = m.get("host") or os.path.splitext(m["file"])[0]
            rc, out, err = run(["plan", "--no-cache", "-q", "--format", "json", "--installed",
                                "../inv/" + m["file"], "."], bundle)
            if name == "bad":
                if rc != 2 or "../inv/bad.csv:2:" not in err:
                    fail("bad.csv alone: exit %d: %s" % (rc, err))
                continue
            alone = json.loads(out)
            if steps(alone["plans"]) != steps(by_name[name]["plans"]):
                fail("%s: steps alone %r, in the fleet %r"
                     % (name, steps(alone["plans"]), steps(by_name[name]["plans"])))

        # two files naming one machine
        shutil.copyfile(os.path.join(inv, "srv-prep.csv"), os.path.join(inv, "srv-prep-copy.csv"))
        rc, out, err = run(base + ["."], bundle)
        want = "../inv/srv-prep-copy.csv and ../inv/srv-prep.csv both name the machine SRV-PREP"
        if rc != 2 or want not in err or out:
            fail("duplicate machine: exit %d, stderr %r" % (rc, err))
        os.unlink(os.path.join(inv, "srv-prep-copy.csv"))

        # scripts: refused for several plans, written for one shared plan
        rc, out, err = run(base + ["--format", "cmd", "."], bundle)
        if rc != 2 or out or "different plans" not in err or "--format ansible" not in err:
            fail("cmd for a fleet of several plans: exit %d, %r" % (rc, err))
        rc, one, err = run(["plan", "--no-cache", "-q", "--format", "cmd", "--installed",
                            "../inv/srv-prep.csv", "."], bundle)
        rc2, two, err2 = run(["plan", "--no-cache", "-q", "--format", "cmd", "--installed",
                              "../inv/srv-prep.csv", "--installed", "../inv/web01.txt", "."], bundle)
        if rc != 0 or rc2 != 0 or "KB4520002" not in two:
            fail("cmd for one shared plan: exit %d/%d\n%s%s" % (rc, rc2, err, err2))

        # validate: one testcase per machine
        junit = os.path.join(tmp, "junit.xml")
        rc, out, err = run(["validate", "-q", "--installed", "../inv", "--junit", junit, "."],
                           bundle)
        if rc != 1:
            fail("validate --installed DIR: exit %d, expected 1\n%s%s" % (rc, out, err))
        cases = [c for c in ET.parse(junit).getroot().iter("testcase")
                 if c.get("classname") == "patchseq.machine"]
        names = sorted(c.get("name") for c in cases)
        if names != sorted(want_status):
            fail("JUnit machine testcases: %r" % names)
        failing = sorted(c.get("name") for c in cases if c.find("failure") is not None)
        if failing != ["SRV-WIN7", "SRV-X86", "bad"]:
            fail("JUnit failing machines: %r" % failing)
        for c in cases:
            if c.get("name") == "bad" and c.get("file") != "../inv/bad.csv":
                fail("the testcase of a machine names its inventory: %r" % c.attrib)
        # without the machines that cannot be updated, validate passes
        for f in ("bad.csv", "srv-x86.csv", "srv-win7.csv"):
            os.unlink(os.path.join(inv, f))
        rc, out, err = run(["validate", "-q", "--installed", "../inv", "."], bundle)
        if rc != 0:
            fail("validate of a fleet that can be brought up to date: exit %d\n%s%s"
                 % (rc, out, err))
    print("ok")


if __name__ == "__main__":
    main()
