#!/usr/bin/env python3
"""Install scripts (`plan --format cmd|ps1`): golden files and structure.

Usage: run_scripts.py CASES_DIR

No Windows here: the scripts are checked as text, as far as that goes.
  - golden: the 2008 SP2 chain (tests/plan/chain-2008sp2/bundle.json) as
    x64 cmd and ps1, without and with --window, equal the files of
    CASES_DIR/golden/ once each package's SHA-256 is replaced by
    <sha256:FILE> (the fixtures are built afresh, so their bytes change);
  - every hash in a script is the SHA-256 of the file it names;
  - the installs come in plan order (from `plan --format json`);
  - every exit-code branch is present, with the pending-restart check;
  - both: CRLF line endings only;
  - cmd: every goto/call target is a label, every
    path variable is inside double quotes, parentheses balance;
  - ps1: no PowerShell 3.0+ cmdlet, parameter or syntax (a deny-list),
    braces, parentheses and brackets balance outside strings and comments;
  - both: ASCII only; the architecture checks of the plan's architecture;
    a file name outside [A-Za-z0-9._()+-] never reaches a script;
  - .cab packages: pkgmgr on 6.0, DISM on 6.1;
  - refusals: several plans without --arch (exit 2), --arch against the
    inventory's System Type (exit 2), a plan with error findings without
    --allow-partial (exit 2, nothing written; with it: exit 1 and what is
    left out named at the top and logged);
  - cmd: only forms Wine's cmd and Windows' read alike: no `&&` / `||`, no
    findstr or fsutil, no message on an `if` line, no `for` inside a `for`
    (tests/wine runs the scripts for real);
  - both: /noreboot and -NoReboot with exit 3010, /task and -Task with a
    scheduled task at startup as SYSTEM; ps1 hashes with the
    CryptoServiceProvider first (FIPS);
  - subfolders: each step names its path below the bundle root; a folder
    outside the safe-name set is refused.

Environment: PATCHSEQ, PS_MKPKG, PS_SAMPLES; PS_GOLDEN_UPDATE=1 rewrites
the golden files.
"""
import difflib
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

FAILS = []


def check(cond, msg):
    if not cond:
        FAILS.append(msg)
    return cond


def run(args, cwd):
    p = subprocess.run([os.environ["PATCHSEQ"]] + args, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode < 0:
        print("FAIL: %s: killed by signal %d" % (" ".join(args), -p.returncode))
        sys.exit(1)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def build(spec, out, tmp):
    path = os.path.join(tmp, "spec-%s.json" % os.path.basename(out))
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(spec, fh)
    subprocess.run([sys.executable, os.environ["PS_MKPKG"], "--samples", os.environ["PS_SAMPLES"],
                    "--out", out, path], check=True)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(65536), b""):
            h.update(block)
    return h.hexdigest()


def script(bundle, fmt, extra, want_rc=0):
    rc, out, err = run(["plan", "--format", fmt] + extra + ["."], bundle)
    check(rc == want_rc, "plan --format %s %s: exit %d, expected %d: %s" % (fmt, extra, rc, want_rc, err))
    return out


def planned_files(bundle, extra):
    rc, out, err = run(["plan", "--format", "json"] + extra + ["."], bundle)
    doc = json.loads(out)
    check(len(doc["plans"]) == 1, "json: one plan expected for %s" % extra)
    return [os.path.basename(s["file"]) for s in doc["plans"][0]["steps"] if s["action"] == "install"]


def normalise(text, bundle):
    for name in sorted(os.listdir(bundle)):
        text = text.replace(sha256(os.path.join(bundle, name)), "<sha256:%s>" % name)
    return text


def golden(name, text, folder, update):
    path = os.path.join(folder, name)
    if update:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        return
    with open(path, encoding="utf-8", newline="") as fh:
        want = fh.read()
    if text != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), text.splitlines(True), name, "got"))
        FAILS.append("%s differs:\n%s" % (name, diff))


# ---------------------------------------------------------------- cmd

CMD_BRANCHES = ['"%PS_RC%"=="0"', '"%PS_RC%"=="3010"', '"%PS_RC%"=="3011"', '"%PS_RC%"=="2359301"',
                '"%PS_RC%"=="1641"', '"%PS_RC%"=="2359302"', '"%PS_RC%"=="-2145124329"',
                "returned exit code %PS_RC%: stop",
                "Component Based Servicing\\RebootPending", "Component Based Servicing\\PackagesPending"]
PATH_VARS = ["%PS_F%", "%PS_DIR%", "%PS_SELF%", "%PS_LOG%", "%PS_STATE%", "%PS_STATEDIR%"]


def cmd_checks(tag, raw, bundle, order, arch):
    check(b"\n" not in raw.replace(b"\r\n", b""), "%s: a line does not end with CRLF" % tag)
    check(raw.endswith(b"\r\n"), "%s: no CRLF at the end" % tag)
    check(all(c < 0x80 for c in raw), "%s: not ASCII" % tag)
    text = raw.decode("ascii", "replace").replace("\r\n", "\n")
    lines = text.split("\n")
    labels = {l[1:].lower() for l in lines if l.startswith(":")}
    for l in lines:
        if l.startswith("REM") or l.startswith("::"):
            continue
        for m in re.finditer(r"\b(?:goto|call) :([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_%])", l):
            t = m.group(1).lower()
            if t != "eof" and not t.startswith("step"):
                check(t in labels, "%s: goto/call :%s has no label" % (tag, t))
        for v in PATH_VARS:
            for m in re.finditer(re.escape(v), l):
                check(l[:m.start()].count('"') % 2 == 1, "%s: %s outside quotes: %s" % (tag, v, l))
        bare = re.sub(r'"[^"]*"', "", l)
        check(bare.count("(") == bare.count(")") or l.startswith("for ") or l in ("(", ")"),
              "%s: unbalanced parentheses: %s" % (tag, l))
    n = int(re.search(r'^set "PS_STEPS=(\d+)"$', text, re.M).group(1))
    for i in range(1, n + 1):
        check("step%d" % i in labels, "%s: no label :step%d" % (tag, i))
    check("goto :step%PS_NEXT%" in text, "%s: no dispatch on the state" % tag)
    check("call :run_%~5" in text and {"run_wusa", "run_pkgmgr", "run_dism"} <= labels,
          "%s: no installer subroutines" % tag)
    for b in CMD_BRANCHES:
        check(b in text, "%s: no branch %s" % (tag, b))
    check("/dryrun" in text, "%s: no dry-run switch" % tag)
    check("certutil -hashfile" in text and 'set "PS_GOT=%PS_H2: =%"' in text,
          "%s: no certutil hash with spaces removed" % tag)
    check("cannot be computed here; certutil printed:" in text and ":install_mismatch" in text,
          "%s: no 'cannot compute' apart from 'mismatch'" % tag)
    depth = 0
    for l in lines:
        if l.startswith("REM"):
            continue
        check("&&" not in l and "||" not in l, "%s: && or || (Wine's cmd runs the right side anyway): %s" % (tag, l))
        check(not re.search(r"\b(findstr|fsutil)\b", l, re.I), "%s: findstr/fsutil (Wine's differ): %s" % (tag, l))
        check(not re.match(r"\s*if\b.*\b(echo|call :log)\b", l, re.I), "%s: a message on an if line: %s" % (tag, l))
        if re.match(r"\s*for\b", l, re.I):
            check(depth == 0, "%s: a for inside a for: %s" % (tag, l))
            if l.rstrip().endswith("("):
                depth += 1
        elif l.strip() == ")":
            depth -= 1
    check("/noreboot" in text and "exit /b 3010" in text, "%s: no /noreboot with exit 3010" % tag)
    check("schtasks.exe\" /create /tn \"%PS_ID%\"" in text and "/sc onstart /ru SYSTEM" in text
          and "/delete /tn \"%PS_ID%\"" in text, "%s: no scheduled task at startup" % tag)
    check('if "%PS_INSTALLED%%PS_NEEDREBOOT%"=="00" goto :restart_none' in text,
          "%s: a restart not tied to an install" % tag)
    for label in ("wow64", "wrong_arch", "wrong_os", "not_admin"):
        m = re.search(r"^:%s\n((?:.+\n)+?)goto :refused" % label, text, re.M)
        check(m is not None and "call :log" in m.group(1), "%s: refusal %s not logged" % (tag, label))
    check("\\CurrentVersion\\RunOnce" in text, "%s: no RunOnce" % tag)
    check("if %PS_TRIES% GTR 2 goto :loop_stop" in text, "%s: no reboot-loop stop" % tag)
    envarch = {"x86": "x86", "x64": "AMD64", "ia64": "IA64"}[arch]
    check('if /i not "%%PROCESSOR_ARCHITECTURE%%"=="%s" goto :wrong_arch' % envarch in text,
          "%s: no architecture check" % tag)
    check("PROCESSOR_ARCHITEW6432" in text, "%s: no WOW64 check" % tag)
    installs = re.findall(r"^call :install (\d+) (KB\d+) (\S+) ([0-9a-f]{64}) (wusa|pkgmgr|dism)$", text, re.M)
    check([f for _, _, f, _, _ in installs] == order,
          "%s: installs %s, plan order %s" % (tag, [f for _, _, f, _, _ in installs], order))
    for _, _, f, h, _ in installs:
        check(h == sha256(os.path.join(bundle, *f.split("\\"))), "%s: the hash of %s is not its SHA-256" % (tag, f))
    return installs


# ---------------------------------------------------------------- ps1

PS3_DENY = [r"Get-FileHash", r"-Raw\b", r"ConvertFrom-Json", r"ConvertTo-Json", r"\[ordered\]",
            r"::new\(", r"Invoke-WebRequest", r"Invoke-RestMethod", r"\$PSScriptRoot",
            r"\$PSCommandPath", r"\[pscustomobject\]", r"-NoNewline", r"Get-CimInstance",
            r"\.ForEach\(", r"\.Where\(", r"\s-in\s", r"\s-notin\s", r"\bclass\s", r"\busing\s",
            r"\bworkflow\b", r"-PipelineVariable", r"UTF8NoBOM", r"Out-File.*-Encoding\s+utf8",
            r"\bGet-ScheduledTask", r"New-TemporaryFile", r"Expand-Archive", r"\$using:",
            r"-ErrorAction\s+Ignore", r"\bRemove-Item.*-Stream", r"Test-Path.*-(?:Older|Newer)Than"]
PS1_BRANCHES = ["        0 {", "        3010 {", "        3011 {", "        2359301 {",
                "        1641 {", "        2359302 {", "{ $_ -eq -2145124329 }",
                "' returned exit code ' + $code + ': stop", "'RebootPending'", "'PackagesPending'"]


def ps1_balance(text):
    """Balanced (), {}, [] outside '...' / "..." strings and # comments."""
    stack, i, n = [], 0, len(text)
    pairs = {")": "(", "}": "{", "]": "["}
    while i < n:
        c = text[i]
        if c == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        if c == "'":
            i += 1
            while i < n:
                if text[i] == "'" and i + 1 < n and text[i + 1] == "'":
                    i += 2
                    continue
                if text[i] == "'":
                    break
                i += 1
            if i >= n:
                return "unterminated '...' string"
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "`" else 1
            if i >= n:
                return 'unterminated "..." string'
        elif c in "({[":
            stack.append(c)
        elif c in ")}]":
            if not stack or stack[-1] != pairs[c]:
                return "unbalanced %s at offset %d" % (c, i)
            stack.pop()
        i += 1
    return "unclosed %s" % "".join(stack) if stack else None


def ps1_checks(tag, raw, bundle, order, arch):
    check(all(c < 0x80 for c in raw), "%s: not ASCII" % tag)
    check(b"\n" not in raw.replace(b"\r\n", b"") and raw.endswith(b"\r\n"),
          "%s: a line does not end with CRLF" % tag)
    text = raw.decode("ascii", "replace").replace("\r\n", "\n")
    code = "\n".join(l for l in text.split("\n") if not l.lstrip().startswith("#"))
    for pat in PS3_DENY:
        m = re.search(pat, code, re.I)
        check(m is None, "%s: PowerShell 3.0+ construct %r: %s" % (tag, pat, m and m.group(0)))
    problem = ps1_balance(text)
    check(problem is None, "%s: %s" % (tag, problem))
    for b in PS1_BRANCHES:
        check(b in text, "%s: no branch %s" % (tag, b))
    check("$MyInvocation.MyCommand.Path" in text, "%s: not PS2's script path" % tag)
    check("[System.Security.Cryptography.SHA256]::Create()" in text and "System.IO.FileStream" in text,
          "%s: no SHA-256 over a FileStream" % tag)
    check(text.index("SHA256CryptoServiceProvider") < text.index("[System.Security.Cryptography.SHA256]::Create()"),
          "%s: not the CryptoServiceProvider first (FIPS)" % tag)
    check("if ($null -eq $hash)" in text, "%s: no 'cannot compute' apart from 'mismatch'" % tag)
    check("param([switch]$DryRun, [switch]$NoReboot, [switch]$Task, [string]$EsuKey = '')" in text and "exit 3010" in text,
          "%s: no -NoReboot with exit 3010" % tag)
    check("/sc onstart /ru SYSTEM" in text, "%s: no scheduled task at startup" % tag)
    check("if (-not $Installed -and -not $NeedRestart)" in text, "%s: a restart not tied to an install" % tag)
    check(text.count("Exit-Refused ") >= 5, "%s: refusals not logged" % tag)
    check("if ($State.tries -gt 2)" in text, "%s: no reboot-loop stop" % tag)
    check("$RunOnceKey" in text, "%s: no RunOnce" % tag)
    envarch = {"x86": "x86", "x64": "AMD64", "ia64": "IA64"}[arch]
    check("$PlanEnvArch = '%s'" % envarch in text and "GetEnvironmentVariable('PROCESSOR_ARCHITEW6432')" in text,
          "%s: no architecture check" % tag)
    installs = re.findall(r"@\{ Action = 'install'; Kb = '(KB\d+)'; File = '([A-Za-z0-9._()+\\-]+)'; "
                          r"Sha256 = '([0-9a-f]{64})'; Tool = '(wusa|pkgmgr|dism)'", text)
    check([f for _, f, _, _ in installs] == order,
          "%s: installs %s, plan order %s" % (tag, [f for _, f, _, _ in installs], order))
    for _, f, h, _ in installs:
        check(h == sha256(os.path.join(bundle, *f.split("\\"))), "%s: the hash of %s is not its SHA-256" % (tag, f))
    return installs


def main():
    if len(sys.argv) != 2:
        print("usage: run_scripts.py CASES_DIR")
        return 1
    cases = os.path.abspath(sys.argv[1])
    update = os.environ.get("PS_GOLDEN_UPDATE") == "1"
    gold = os.path.join(cases, "golden")
    with open(os.path.join(cases, "..", "plan", "chain-2008sp2", "bundle.json"), encoding="utf-8") as fh:
        chain = json.load(fh)

    with tempfile.TemporaryDirectory(prefix="scripts.") as tmp:
        b = os.path.join(tmp, "chain")
        build(chain, b, tmp)

        # golden files and structure, x64 and x86
        for arch in ("x64", "x86"):
            for window in ([], ["--window", "40"]):
                extra = ["--arch", arch] + window
                order = planned_files(b, extra)
                for fmt in ("cmd", "ps1"):
                    tag = "%s %s%s" % (arch, fmt, " window" if window else "")
                    raw = script(b, fmt, extra)
                    (cmd_checks if fmt == "cmd" else ps1_checks)(tag, raw, b, order, arch)
                    if arch == "x64":
                        name = "chain-2008sp2-x64%s.%s" % ("-window40" if window else "", fmt)
                        golden(name + ".txt", normalise(raw.decode("ascii", "replace").replace("\r\n", "\n"), b),
                               gold, update)
                    if window:
                        t = raw.decode("ascii", "replace")
                        if fmt == "cmd":
                            check("call :restart 3 4 1" in t and "call :restart 6 7 2" in t,
                                  "%s: the window ends at step 3, the plan at step 6" % tag)
                        else:
                            check("@{ Action = 'reboot'; Window = 1; WindowEnd = $true; Last = $false }" in t,
                                  "%s: the window ends at step 3" % tag)

        # -o FILE writes the same bytes; several plans are refused
        rc, out, err = run(["plan", "--arch", "x64", "--format", "cmd", "-o", os.path.join(tmp, "p.cmd"), "."], b)
        check(rc == 0, "-o FILE: exit %d: %s" % (rc, err))
        with open(os.path.join(tmp, "p.cmd"), "rb") as fh:
            check(fh.read() == script(b, "cmd", ["--arch", "x64"]), "-o FILE: other bytes than stdout")
        for fmt in ("cmd", "ps1"):
            rc, out, err = run(["plan", "--format", fmt, "-o", os.path.join(tmp, "q." + fmt), "."], b)
            check(rc == 2 and out == b"" and not os.path.exists(os.path.join(tmp, "q." + fmt)),
                  "several plans: exit %d, expected 2" % rc)
            check(err == "patchseq plan: --format %s: a script is for one machine, and the bundle has 2 "
                         "plans (Windows 6.0 x86, Windows 6.0 x64): choose one with --arch (and "
                         "--installed for the OS)\n" % fmt, "several plans: message: %r" % err)

        # --installed: the machine's System Type against --arch
        inv = os.path.join(tmp, "systeminfo.csv")
        with open(inv, "w", encoding="utf-8", newline="") as fh:
            fh.write('"OS Version","System Type","Hotfix(s)"\r\n'
                     '"6.0.6003 Service Pack 2 Build 6003","x64-based PC","2 Hotfix(s) Installed.,'
                     '[01]: KB4493730,[02]: KB4474419"\r\n')
        rc, out, err = run(["plan", "--arch", "x86", "--installed", inv, "--format", "cmd", "."], b)
        check(rc == 2 and err == "patchseq plan: %s: the machine is x64 (System Type), which "
                                 "contradicts --arch\n" % inv, "System Type against --arch: %d %r" % (rc, err))
        raw = script(b, "cmd", ["--installed", inv])
        order = planned_files(b, ["--installed", inv])
        check(order == ["Windows6.0-KB4517134-x64.msu", "Windows6.0-KB4520002-x64.msu"],
              "inventory: what is left: %s" % order)
        cmd_checks("installed cmd", raw, b, order, "x64")

        # unsafe file names never reach a script; the rest is still scripted
        with open(os.path.join(cases, "..", "plan", "unsafe-file-name", "bundle.json"), encoding="utf-8") as fh:
            unsafe = json.load(fh)
        u = os.path.join(tmp, "unsafe")
        build(unsafe, u, tmp)
        for fmt in ("cmd", "ps1"):
            out_path = os.path.join(tmp, "partial." + fmt)
            rc, out, err = run(["plan", "--format", fmt, "-o", out_path, "."], u)
            check(rc == 2 and out == b"" and not os.path.exists(out_path) and
                  "no script is written (--allow-partial writes it" in err and "unsafe-file-name" in err,
                  "unsafe %s without --allow-partial: exit %d, %r" % (fmt, rc, err))
            raw = script(u, fmt, ["--allow-partial"], want_rc=1)
            t = raw.decode("ascii", "replace")
            if fmt == "cmd":
                check('call :log "partial plan: left out ' in t, "unsafe cmd: what is left out is not logged")
            else:
                check("foreach ($item in $Partial) { Write-Log ('partial plan: left out ' + $item) }" in t
                      and re.search(r"^\$Partial = @\(\r\n    '", t, re.M), "unsafe ps1: what is left out is not logged")
            for p in unsafe:
                if "file" in p:
                    check(p["file"] not in t, "unsafe %s: %s reaches the script" % (fmt, p["file"]))
            check("%PATH%" not in t and " & del" not in t, "unsafe %s: a metacharacter name reaches the script" % fmt)
            order = planned_files(u, [])
            (cmd_checks if fmt == "cmd" else ps1_checks)("unsafe " + fmt, raw, u, order, "x64")
            check("WARNING: the plan has" in t, "unsafe %s: no warning of a partial plan" % fmt)

        # subfolders: the path below the bundle root, whatever PATH is given
        sub = os.path.join(tmp, "tree", "bundle")
        build(chain, sub, tmp)
        os.makedirs(os.path.join(sub, "ssu"))
        os.makedirs(os.path.join(sub, "rollups", "2019-10"))
        for name in os.listdir(sub):
            if "KB4493730" in name:
                os.rename(os.path.join(sub, name), os.path.join(sub, "ssu", name))
            elif "KB4520002" in name:
                os.rename(os.path.join(sub, name), os.path.join(sub, "rollups", "2019-10", name))
        for where, arg in ((sub, "."), (os.path.dirname(sub), "bundle"), (os.path.dirname(sub), "bundle/")):
            rc, raw, err = run(["plan", "--format", "cmd", "--arch", "x64", arg], where)
            check(rc == 0, "subfolders cmd (%s): exit %d: %s" % (arg, rc, err))
            t = raw.decode("ascii").replace("\r\n", "\n")
            check(re.search(r"^call :install 1 KB4493730 ssu\\Windows6\.0-KB4493730-x64\.msu [0-9a-f]{64} wusa$", t, re.M)
                  and re.search(r"^call :install 5 KB4520002 rollups\\2019-10\\Windows6\.0-KB4520002-x64\.msu ", t, re.M),
                  "subfolders (%s from %s): not the path below the root" % (arg, where))
            rc, raw, err = run(["plan", "--format", "ps1", "--arch", "x64", arg], where)
            check(rc == 0, "subfolders ps1 (%s): exit %d: %s" % (arg, rc, err))
            check("File = 'rollups\\2019-10\\Windows6.0-KB4520002-x64.msu'" in raw.decode("ascii"),
                  "subfolders ps1 (%s): not the path below the root" % arg)
        os.rename(os.path.join(sub, "ssu"), os.path.join(sub, "s s u"))
        rc, out, err = run(["plan", "--arch", "x64", "--format", "cmd", "."], sub)
        check(rc == 2 and out == b"" and "s s u" in err and "[A-Za-z0-9._()+-]" in err,
              "a folder with a space below the root: exit %d %r" % (rc, err))

        # .cab: pkgmgr on 6.0, DISM on 6.1; .msu: wusa
        cabs = [{"kb": "KB4493730", "arch": "x64", "container": "cab", "file": "Windows6.0-KB4493730-x64.cab",
                 "date": "2019-04-09", "provides_stack": "6.0.6002.24600"},
                {"kb": "KB4490628", "arch": "x64", "os": "6.1", "container": "cab",
                 "file": "Windows6.1-KB4490628-x64.cab", "date": "2019-03-12", "version": "6.1.1.0"}]
        c = os.path.join(tmp, "cabs")
        build(cabs, c, tmp)
        rc, out, err = run(["plan", "--format", "json", "."], c)
        oses = sorted(p["os"] for p in json.loads(out)["plans"])
        check(oses == ["6.0", "6.1"], "cabs: plans %s" % oses)
        inv60 = os.path.join(tmp, "kb60.txt")
        with open(inv60, "w", encoding="utf-8") as fh:
            fh.write('"OS Version","System Type","Hotfix(s)"\n"6.0.6002 Service Pack 2 Build 6002","x64-based PC","1 Hotfix(s) Installed.,[01]: KB1"\n')
        inv61 = os.path.join(tmp, "kb61.txt")
        with open(inv61, "w", encoding="utf-8") as fh:
            fh.write('"OS Version","System Type","Hotfix(s)"\n"6.1.7601 Service Pack 1 Build 7601","x64-based PC","1 Hotfix(s) Installed.,[01]: KB1"\n')
        t60 = script(c, "cmd", ["--installed", inv60]).decode("ascii").replace("\r\n", "\n")
        t61 = script(c, "ps1", ["--installed", inv61]).decode("ascii").replace("\r\n", "\n")
        check(re.search(r"^call :install 1 KB4493730 Windows6\.0-KB4493730-x64\.cab [0-9a-f]{64} pkgmgr$",
                        t60, re.M) is not None, "6.0 .cab: not pkgmgr")
        check('start "" /w "%SystemRoot%\\System32\\pkgmgr.exe" /ip /m:"%PS_F%" /quiet /norestart' in t60,
              "6.0: the pkgmgr command line")
        check('if "%PS_VER:* 6.0.=%"=="%PS_VER%" goto :wrong_os' in t60, "6.0: no OS check")
        check("Tool = 'dism'" in t61 and "'/Online /Add-Package /PackagePath:\"' + $Path + '\" /Quiet /NoRestart'" in t61,
              "6.1 .cab: not DISM")
        check("$PlanOs = '6.1'" in t61, "6.1: no OS check")

    if FAILS:
        for f in FAILS:
            print("FAIL: " + f)
        return 1
    print("ok: scripts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
