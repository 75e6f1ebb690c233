#!/usr/bin/env python3
"""The PowerShell scripts parsed with a real PowerShell grammar.

Usage: run_ps1_grammar.py CASES_DIR WORK_DIR

Installs the npm packages tree-sitter-powershell and web-tree-sitter into
WORK_DIR (never into the source tree; once, then reused), writes the ps1
of several plans (the 2008 SP2 chain x64 and x86, with --window, a partial
plan with --allow-partial, subfolders, a 6.1 .cab through DISM, the ESU
activation step on 6.0 and on 6.1 with both activation IDs) and parses
them and the template src/emit/templates/install.ps1.in with ps1_grammar.cjs:
no ERROR or MISSING node anywhere, and none of the PowerShell 3.0+
constructs of run_scripts.py's deny-list in the scripts.  Skips (exit 77)
without node or npm.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_scripts  # noqa: E402

PACKAGES = ["tree-sitter-powershell@0.26.4", "web-tree-sitter@0.25.10"]


def main():
    if len(sys.argv) != 3:
        print("usage: run_ps1_grammar.py CASES_DIR WORK_DIR")
        return 2
    cases, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        print("SKIP: node or npm is not installed (Debian: nodejs npm)")
        return 77
    mods = os.path.join(work, "node_modules")
    stamp = os.path.join(work, "installed.txt")
    want = " ".join(PACKAGES)
    if not os.path.exists(stamp) or open(stamp).read() != want:
        os.makedirs(work, exist_ok=True)
        p = subprocess.run([npm, "install", "--prefix", work, "--no-save", "--no-audit", "--no-fund",
                            "--ignore-scripts", "--no-package-lock"] + PACKAGES,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode != 0:
            print("FAIL: npm install %s: %s" % (want, p.stdout.decode("utf-8", "replace")[-2000:]))
            return 1
        with open(stamp, "w") as fh:
            fh.write(want)
    src = os.environ["PS_SOURCE_DIR"]
    with open(os.path.join(cases, "..", "plan", "chain-2008sp2", "bundle.json"), encoding="utf-8") as fh:
        chain = json.load(fh)
    with open(os.path.join(cases, "..", "plan", "unsafe-file-name", "bundle.json"), encoding="utf-8") as fh:
        unsafe = json.load(fh)
    files = [os.path.join(src, "src", "emit", "templates", "install.ps1.in")]
    with tempfile.TemporaryDirectory(prefix="ps1grammar.") as tmp:
        b = os.path.join(tmp, "chain")
        run_scripts.build(chain, b, tmp)
        variants = [("x64", b, ["--arch", "x64"]), ("x86", b, ["--arch", "x86"]),
                    ("x64-window", b, ["--arch", "x64", "--window", "40"])]
        u = os.path.join(tmp, "unsafe")
        run_scripts.build(unsafe, u, tmp)
        variants.append(("partial", u, ["--allow-partial"]))
        t = os.path.join(tmp, "tree")
        run_scripts.build(chain, t, tmp)
        os.makedirs(os.path.join(t, "ssu"))
        for name in os.listdir(t):
            if "KB4493730" in name:
                os.rename(os.path.join(t, name), os.path.join(t, "ssu", name))
        variants.append(("subfolders", t, ["--arch", "x64"]))
        c = os.path.join(tmp, "cab61")
        run_scripts.build([{"kb": "KB4490628", "arch": "x64", "os": "6.1", "container": "cab",
                            "file": "Windows6.1-KB4490628-x64.cab", "date": "2019-03-12", "version": "6.1.1.0"}], c, tmp)
        variants.append(("cab61", c, []))
        # the ESU activation step (6.0: one activation ID; 6.1 without an
        # inventory: the client and the server ID, chosen at run time)
        with open(os.path.join(cases, "..", "plan", "track-rollup-esu", "bundle.json"), encoding="utf-8") as fh:
            esu = [p for p in json.load(fh)
                   if p["kb"] in ("KB4493730", "KB4474419", "KB5010452", "KB4538484", "KB4537810")]
        e = os.path.join(tmp, "esu")
        run_scripts.build(esu, e, tmp)
        variants.append(("esu", e, ["--arch", "x64"]))
        e61 = os.path.join(tmp, "esu61")
        run_scripts.build([
            {"kb": "KB4490628", "arch": "x64", "os": "6.1", "date": "2019-03-12", "provides_stack": "6.1.7601.24384",
             "installer": "6.1.7601.17514", "sha2": False, "version": "6.1.1.0"},
            {"kb": "KB4474419", "arch": "x64", "os": "6.1", "rev": 3, "version": "6.1.3.0", "date": "2019-09-23",
             "installer": "6.1.7601.24384", "release_type": "Security Update", "restart": "required"},
            {"kb": "KB4538483", "arch": "x64", "os": "6.1", "date": "2020-02-11", "installer": "6.1.7601.24384",
             "sha2": True, "version": "6.1.1.0", "restart": "required"},
            {"kb": "KB4537820", "arch": "x64", "os": "6.1", "name": "Package_for_RollupFix", "version": "6.1.1.51",
             "date": "2020-02-11", "installer": "6.1.7601.24384", "kernel": "6.1.7601.24545", "sha2": True,
             "release_type": "Security Update", "restart": "required"}], e61, tmp)
        variants.append(("esu61", e61, []))
        for name, folder, extra in variants:
            rc, out, err = run_scripts.run(["plan", "--format", "ps1"] + extra + ["."], folder)
            if rc not in (0, 1) or not out:
                print("FAIL: plan --format ps1 %s: exit %d: %s" % (extra, rc, err))
                return 1
            text = out.decode("ascii").replace("\r\n", "\n")
            code = "\n".join(l for l in text.split("\n") if not l.lstrip().startswith("#"))
            for pat in run_scripts.PS3_DENY:
                m = re.search(pat, code, re.I)
                run_scripts.check(m is None, "%s: PowerShell 3.0+ construct %r: %s" % (name, pat, m and m.group(0)))
            if name.startswith("esu"):
                run_scripts.check("Action = 'manual'; Name = 'esu-activation'; Year = 1;" in text
                                  and "-EsuKey" in text, "%s: no ESU activation step in the script" % name)
                if name == "esu61":
                    run_scripts.check("ClientId = '77db037b-95c3-48d7-a3ab-a9c6d41093e0'; "
                                      "ServerId = '553673ed-6ddf-419c-a153-b760283472fd'" in text,
                                      "esu61: the script does not carry both activation IDs")
            path = os.path.join(tmp, name + ".ps1")
            with open(path, "wb") as fh:
                fh.write(out)
            files.append(path)
        env = dict(os.environ, NODE_PATH=mods)
        p = subprocess.run([node, os.path.join(cases, "ps1_grammar.cjs")] + files, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        report = p.stdout.decode("utf-8", "replace")
        print(report, end="")
        run_scripts.check(p.returncode == 0, "tree-sitter-powershell: exit %d (ERROR or MISSING nodes above)" % p.returncode)
        run_scripts.check(report.count(" nodes\n") == len(files), "not every file was parsed")
    if run_scripts.FAILS:
        for f in run_scripts.FAILS:
            print("FAIL: " + f)
        return 1
    print("ok: ps1 grammar (%d files)" % len(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
