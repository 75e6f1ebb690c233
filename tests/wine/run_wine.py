#!/usr/bin/env python3
"""The generated install.cmd, unmodified, run in Wine's cmd.exe.

Usage: run_wine.py SOURCE_DIR WORK_DIR

Skips (exit 77) without wine or x86_64-w64-mingw32-gcc.  Builds, at test
time, stub programs of tests/wine/stub.c into the system32 of a fresh Wine
prefix under WORK_DIR (wusa, pkgmgr, dism, shutdown, certutil, schtasks:
each logs its command line and exits with the codes a case writes for it;
certutil prints the output of the older (Vista, 2008, 7) and of the
Windows 10 certutil, or an older certutil's failure without SHA256) and
tests/wine/runner.c, which runs a command line and records its 32-bit exit
code (and makes the session elevated or not).  Wine's own reg.exe holds
RunOnce and the Component Based Servicing keys; `ver` is Wine's, set to
Windows Server 2008 (6.0.6002).

Cases (chain of tests/plan/chain-2008sp2, x64; steps 1 2 install, 3 restart,
4 5 install, 6 restart): dry run (old and new certutil); every exit code of
the first install (0, 3010, 3011, 2359301, 1641, 2359302, 0x80240017, a
failure); a tampered and a missing file; certutil that cannot hash; resume
by running what RunOnce holds, and what the scheduled task holds (/task);
the reboot-loop guard; a rerun on a fully patched machine (no restart); the
architecture, WOW64, version and elevation refusals, each logged; --window
stops; /noreboot exit codes 0, 1, 2, 3010; a folder with ( ) and spaces;
subfolders; a .cab through pkgmgr (start /w) on 6.0; the ESU activation
step (cscript stands in for slmgr.vbs): without /esukey: the script stops
there (exit 4) and resumes there, with a key it runs slmgr /ipk and /ato
with the activation ID of the plan and never logs the key; a key of the
wrong shape is refused; a failing slmgr stops.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

FAILS = []
STUBS = ["wusa", "pkgmgr", "dism", "shutdown", "certutil", "schtasks", "cscript"]
CBS = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing"
RUNONCE = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\RunOnce"


def check(cond, msg):
    if not cond:
        FAILS.append(msg)
    return cond


def winpath(p):
    return "Z:" + os.path.abspath(p).replace("/", "\\")


def win_argv(cl):
    """A Windows command line split as CommandLineToArgvW does."""
    args, cur, i, quoted, have = [], "", 0, False, False
    while i < len(cl):
        c = cl[i]
        if c == "\\":
            n = 0
            while i < len(cl) and cl[i] == "\\":
                n += 1
                i += 1
            if i < len(cl) and cl[i] == '"':
                cur += "\\" * (n // 2)
                if n % 2:
                    cur += '"'
                    i += 1
                have = True
            else:
                cur += "\\" * n
                have = True
            continue
        if c == '"':
            if quoted and i + 1 < len(cl) and cl[i + 1] == '"':
                cur += '"'
                i += 2
                continue
            quoted = not quoted
            have = True
        elif c in " \t" and not quoted:
            if have:
                args.append(cur)
            cur, have = "", False
        else:
            cur += c
            have = True
        i += 1
    if have:
        args.append(cur)
    return args


class Wine:
    def __init__(self, work, src):
        self.work = work
        self.prefix = os.path.join(work, "prefix")
        self.ctl = os.path.join(work, "ctl")
        self.env = dict(os.environ)
        self.env.update({
            "WINEPREFIX": self.prefix, "WINEDEBUG": "-all", "WINEARCH": "win64",
            "WINEDLLOVERRIDES": "mscoree,mshtml=;" + ",".join(s + ".exe" for s in STUBS) + "=n",
            "PS_STUB_DIR": winpath(self.ctl), "DISPLAY": "",
        })
        self.wine = shutil.which("wine64") or shutil.which("wine") or "/usr/lib/wine/wine64"
        shutil.rmtree(self.prefix, ignore_errors=True)
        os.makedirs(self.ctl, exist_ok=True)
        self.raw(["wineboot", "-i"], timeout=300)
        # one wineserver for every run (else each starts and boots its own)
        self.server = shutil.which("wineserver") or "/usr/lib/wine/wineserver64"
        subprocess.run([self.server, "-p"], env=self.env, timeout=60, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.set_version("win2008")
        self.sys32 = os.path.join(self.prefix, "drive_c", "windows", "system32")
        gcc = shutil.which("x86_64-w64-mingw32-gcc")
        for s in STUBS:
            subprocess.run([gcc, "-O1", "-Wall", "-Wextra", "-Werror", '-DSTUB_NAME=L"%s"' % s,
                            "-o", os.path.join(self.sys32, s + ".exe"), os.path.join(src, "stub.c"),
                            "-ladvapi32", "-lshell32"], check=True)
        self.runner = os.path.join(work, "runner.exe")
        subprocess.run([gcc, "-O1", "-Wall", "-Wextra", "-Werror", "-o", self.runner,
                        os.path.join(src, "runner.c"), "-ladvapi32", "-lshell32"], check=True)
        self.programdata = os.path.join(self.prefix, "drive_c", "ProgramData", "patchseq")

    def set_version(self, name):
        """What winecfg -v does: the Windows version Wine reports."""
        self.reg("add", "HKCU\\Software\\Wine", "/v", "Version", "/d", name, "/f")

    def stop(self):
        subprocess.run([self.server, "-k"], env=self.env, timeout=60, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def raw(self, args, timeout=120):
        """wine ARGS; output through files, not pipes: the wineserver and
        services Wine starts keep inherited pipes open long after."""
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            p = subprocess.run([self.wine] + args, env=self.env, stdin=subprocess.DEVNULL,
                               stdout=out, stderr=err, timeout=timeout)
            out.seek(0)
            err.seek(0)
            p.stdout, p.stderr = out.read(), err.read()
        return p

    def reg(self, *args):
        return self.raw(["reg"] + list(args))

    def reset(self, codes=None, certutil="old", pending=False):
        """A machine before the plan: no state, no log, no RunOnce, no task."""
        shutil.rmtree(self.programdata, ignore_errors=True)
        for f in os.listdir(self.ctl):
            os.unlink(os.path.join(self.ctl, f))
        for name, lines in (codes or {}).items():
            with open(os.path.join(self.ctl, name + ".codes"), "w") as fh:
                fh.write("".join("%d\n" % c for c in lines))
        with open(os.path.join(self.ctl, "certutil.mode"), "w") as fh:
            fh.write(certutil + "\n")
        self.reg("delete", RUNONCE, "/va", "/f")
        self.set_pending(pending)

    def set_pending(self, on):
        if on:
            self.reg("add", CBS + "\\RebootPending", "/f")
        else:
            self.reg("delete", CBS + "\\RebootPending", "/f")

    def run(self, cmdline, elevated=True, env=()):
        rcfile = os.path.join(self.work, "rc.txt")
        if os.path.exists(rcfile):
            os.unlink(rcfile)
        args = [self.runner, winpath(rcfile), "+elevated" if elevated else "-elevated"]
        args += ["%s=%s" % kv for kv in env] + ["--", cmdline]
        p = self.raw(args, timeout=300)
        out = p.stdout.decode("ascii", "replace")
        try:
            with open(rcfile) as fh:
                rc = int(fh.read().strip())
        except (OSError, ValueError):
            rc = None
            FAILS.append("runner did not record an exit code (%s): %s %s" %
                         (cmdline, out, p.stderr.decode("ascii", "replace")))
        return rc, out

    def script_in(self, path, env, *args, **kw):
        """The script called from a cmd.exe whose environment a case sets:
        Wine gives a 64-bit child PROCESSOR_ARCHITECTURE back from
        PROCESSOR_ARCHITEW6432 whatever its parent had, so WOW64 is set in
        the cmd.exe that calls the script.  Wine's cmd then returns 1 for a
        called batch whatever it exited with."""
        sets = "".join('set "%s=%s" & ' % kv for kv in env)
        cl = 'C:\\windows\\system32\\cmd.exe /c "%scall "%s"%s"' % (sets, winpath(path), "".join(" " + a for a in args))
        return self.run(cl, **kw)

    def script(self, path, *args, **kw):
        cl = 'C:\\windows\\system32\\cmd.exe /c ""%s"%s"' % (winpath(path), "".join(" " + a for a in args))
        return self.run(cl, **kw)

    def calls(self, name=None):
        p = os.path.join(self.ctl, (name or "calls") + ".log")
        if not os.path.exists(p):
            return []
        with open(p, encoding="ascii", errors="replace") as fh:
            return [l.rstrip("\r\n") for l in fh if l.strip()]

    def log(self):
        if not os.path.isdir(self.programdata):
            return ""
        text = ""
        for f in sorted(os.listdir(self.programdata)):
            if f.endswith(".log"):
                with open(os.path.join(self.programdata, f), encoding="ascii", errors="replace") as fh:
                    text += fh.read()
        return text.replace("\r\n", "\n")

    def state(self):
        if not os.path.isdir(self.programdata):
            return {}
        for f in os.listdir(self.programdata):
            if f.endswith(".state"):
                with open(os.path.join(self.programdata, f), encoding="ascii") as fh:
                    return dict(l.strip().split("=", 1) for l in fh if "=" in l)
        return {}

    def runonce(self):
        p = self.reg("query", RUNONCE)
        for line in p.stdout.decode("ascii", "replace").splitlines():
            m = re.match(r"\s+(patchseq-\S+)\s+REG_SZ\s+(.*)$", line)
            if m:
                return m.group(1), m.group(2).rstrip()
        return None, None

    def resume_runonce(self):
        """Windows deletes a RunOnce value, then runs it at the next logon."""
        name, value = self.runonce()
        if not check(value is not None, "RunOnce holds nothing to resume with"):
            return None, ""
        self.reg("delete", RUNONCE, "/v", name, "/f")
        return self.run(value)


def mkbundle(spec, out, tmp):
    path = os.path.join(tmp, "spec-%s.json" % os.path.basename(out))
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(spec, fh)
    subprocess.run([sys.executable, os.environ["PS_MKPKG"], "--samples", os.environ["PS_SAMPLES"],
                    "--out", out, path], check=True, stdout=subprocess.DEVNULL)


def plan(folder, out, *extra):
    p = subprocess.run([os.environ["PATCHSEQ"], "plan", "--format", "cmd", "-o", out] + list(extra) + ["."],
                       cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise SystemExit("FAIL: plan %s in %s: exit %d: %s" % (extra, folder, p.returncode, p.stderr.decode()))


def count(calls, name):
    return sum(1 for c in calls if c.split(" ", 1)[0] == name)


def cases(w, chain, tmp):
    s = os.path.join(chain, "install.cmd")
    n_wusa = lambda: count(w.calls(), "wusa")  # noqa: E731

    # dry run, with the older and the Windows 10 certutil
    for mode in ("old", "new"):
        w.reset(certutil=mode)
        rc, out = w.script(s, "/dryrun")
        check(rc == 0, "dry run (%s certutil): exit %s: %s" % (mode, rc, out))
        check(out.count("matches its SHA-256; would install") == 4, "dry run (%s): not 4 checked hashes:\n%s" % (mode, out))
        check(n_wusa() == 0 and count(w.calls(), "shutdown") == 0 and w.log() == "" and w.state() == {},
              "dry run (%s): something was installed, restarted or written" % mode)
        check("the plan is complete" in out, "dry run (%s): does not reach the end" % mode)

    # every exit code of the first install
    expect = {0: "installed (exit code 0)", 3010: "installed, a restart is needed (exit code 3010)",
              3011: "installed, a restart is needed (exit code 3011)",
              2359301: "installed, a restart is needed (exit code 2359301)",
              1641: "installed, the installer restarts the machine (exit code 1641)",
              2359302: "already installed (exit code 2359302), no restart pending",
              -2145124329: "not applicable to this machine (exit code -2145124329, 0x80240017): skipped",
              5: "wusa returned exit code 5: stop"}
    for code, text in expect.items():
        w.reset(codes={"wusa": [code, 0]})
        rc, out = w.script(s)
        log = w.log()
        tag = "exit code %d" % code
        check("step 1: KB4493730: " + text in log, "%s: the log lacks %r:\n%s" % (tag, text, log))
        if code == 5:
            check(rc == 1 and n_wusa() == 1 and w.state().get("next") is None and w.runonce()[1] is None,
                  "%s: exit %s, %d installs, state %s" % (tag, rc, n_wusa(), w.state()))
        elif code == 1641:
            check(rc == 0 and n_wusa() == 1 and count(w.calls(), "shutdown") == 0 and w.state().get("next") == "2"
                  and w.runonce()[1] is not None, "%s: exit %s, state %s, RunOnce %s" % (tag, rc, w.state(), w.runonce()))
        else:
            # step 2 installs (exit 0): the restart of step 3 is needed either way
            check(rc == 0 and n_wusa() == 2 and count(w.calls(), "shutdown") == 1 and w.state().get("next") == "4"
                  and w.runonce()[1] is not None,
                  "%s: exit %s, %d installs, %d shutdown, state %s" % (tag, rc, n_wusa(), count(w.calls(), "shutdown"), w.state()))

    # a tampered and a missing file; a certutil that cannot hash
    victim = os.path.join(chain, "Windows6.0-KB4493730-x64.msu")
    with open(victim, "rb") as fh:
        keep = fh.read()
    try:
        with open(victim, "r+b") as fh:
            fh.seek(100)
            fh.write(b"\x00tampered")
        w.reset()
        rc, out = w.script(s)
        got = hashlib.sha256(open(victim, "rb").read()).hexdigest()
        check(rc == 1 and n_wusa() == 0 and ("the SHA-256 of Windows6.0-KB4493730-x64.msu is %s, not" % got) in w.log()
              and "cannot" not in w.log(), "tampered: exit %s:\n%s" % (rc, w.log()))
        os.unlink(victim)
        w.reset()
        rc, out = w.script(s)
        check(rc == 1 and n_wusa() == 0 and "Windows6.0-KB4493730-x64.msu is not in the folder of the script: stop" in w.log(),
              "missing: exit %s:\n%s" % (rc, w.log()))
    finally:
        with open(victim, "wb") as fh:
            fh.write(keep)
    w.reset(certutil="noalg")
    rc, out = w.script(s)
    log = w.log()
    check(rc == 1 and n_wusa() == 0 and "cannot be computed here; certutil printed:" in log
          and "CertUtil: -hashfile command FAILED: 0x80090008 (-2146893816)" in log
          and "CertUtil: Invalid algorithm specified." in log and "not the one" not in log and ", not " not in log,
          "cannot hash: exit %s:\n%s" % (rc, log))

    # resume through RunOnce until the plan is done
    w.reset(codes={"wusa": [3010]})
    rc, out = w.script(s)
    check(rc == 0 and w.state().get("next") == "4", "resume: first run: exit %s, state %s" % (rc, w.state()))
    name, value = w.runonce()
    check(value == '"C:\\windows\\System32\\cmd.exe" /c ""%s""' % winpath(s), "RunOnce holds %r" % value)
    rc, out = w.resume_runonce()
    check(rc == 0 and n_wusa() == 4 and count(w.calls(), "shutdown") == 2 and w.state().get("next") == "7"
          and w.runonce()[1] is None, "resume: second run: exit %s, %d installs, state %s" % (rc, n_wusa(), w.state()))
    check("step 4: installing KB4517134" in w.log() and "step 6: restart 2; the plan is complete after it" in w.log(),
          "resume: the log:\n%s" % w.log())
    rc, out = w.script(s)
    check(rc == 0 and n_wusa() == 4 and "the plan is complete" in out, "resume: a run after the end: exit %s" % rc)

    # resume through a scheduled task at startup as SYSTEM (/task)
    w.reset(codes={"wusa": [3010]})
    rc, out = w.script(s, "/task")
    creates = [win_argv(c) for c in w.calls("schtasks") if "/create" in c]
    check(rc == 0 and len(creates) == 1 and w.runonce()[1] is None, "task: exit %s, %d creates" % (rc, len(creates)))
    if creates:
        a = creates[0]
        opts = {a[i].lower(): a[i + 1] for i in range(1, len(a) - 1) if a[i].startswith("/")}
        check(opts.get("/sc") == "onstart" and opts.get("/ru") == "SYSTEM" and opts.get("/tn", "").startswith("patchseq-6.0-x64-"),
              "task: schtasks %s" % a)
        check(opts.get("/tr") == '"C:\\windows\\System32\\cmd.exe" /c ""%s" /task"' % winpath(s), "task: /tr %r" % opts.get("/tr"))
        rc, out = w.run(opts.get("/tr", ""))
        deletes = [c for c in w.calls("schtasks") if "/delete" in c]
        check(rc == 0 and w.state().get("next") == "7" and n_wusa() == 4 and len(deletes) >= 1
              and opts.get("/tn") in deletes[-1], "task: resumed run: exit %s, state %s, deletes %s" % (rc, w.state(), deletes))

    # the reboot-loop guard: 2359302 while a restart stays pending
    w.reset(codes={"wusa": [2359302]}, pending=True)
    rc, out = w.script(s)
    check(rc == 0 and "a restart is pending from before the plan: restart first" in w.log()
          and w.state().get("tries") == "1", "loop: first run: exit %s, state %s" % (rc, w.state()))
    rc, out = w.resume_runonce()
    check(rc == 0 and w.state().get("tries") == "2", "loop: second run: exit %s, state %s" % (rc, w.state()))
    rc, out = w.resume_runonce()
    check(rc == 1 and "still asks for a restart after two restarts: stop" in w.log() and w.runonce()[1] is None
          and count(w.calls(), "shutdown") == 2, "loop: third run: exit %s:\n%s" % (rc, w.log()))
    w.set_pending(False)

    # a rerun on a fully patched machine: nothing installed, no restart
    w.reset(codes={"wusa": [2359302]})
    rc, out = w.script(s)
    check(rc == 0 and n_wusa() == 4 and count(w.calls(), "shutdown") == 0 and w.runonce()[1] is None
          and w.log().count("no step asked for one: no restart") == 2 and "the plan is complete" in w.log(),
          "fully patched: exit %s, %d shutdown:\n%s" % (rc, count(w.calls(), "shutdown"), w.log()))
    w.reset(codes={"wusa": [-2145124329]})
    rc, out = w.script(s, "/noreboot")
    check(rc == 0 and count(w.calls(), "shutdown") == 0, "not applicable everywhere, /noreboot: exit %s" % rc)

    # refusals, each logged
    for tag, kw, text in (
            ("architecture", {"env": [("PROCESSOR_ARCHITECTURE", "x86"), ("PROCESSOR_ARCHITEW6432", "")]},
             "refused: this script is for x64 machines; this one reports PROCESSOR_ARCHITECTURE=x86"),
            ("elevation", {"elevated": False},
             "refused: run this script from an elevated command prompt")):
        for args in ((), ("/noreboot",)):
            w.reset()
            rc, out = w.script(s, *args, **kw)
            check(rc == 2 and text in w.log() and n_wusa() == 0, "%s refusal %s: exit %s:\n%s" % (tag, args, rc, w.log()))
    plain = os.path.join(os.path.dirname(chain), "window", "install.cmd")
    for args in ((), ("/noreboot",)):
        w.reset()
        rc, out = w.script_in(plain, [("PROCESSOR_ARCHITECTURE", "x86"), ("PROCESSOR_ARCHITEW6432", "AMD64")], *args)
        check(rc not in (0, 3010, None) and "refused: this script must run from the 64-bit cmd.exe" in w.log()
              and n_wusa() == 0 and w.state() == {}, "WOW64 refusal %s: exit %s:\n%s" % (args, rc, w.log()))
    w.reset()
    w.set_version("win7")
    try:
        rc, out = w.script(s)
        check(rc == 2 and "refused: this script is for Windows 6.0; ver reports:" in w.log()
              and "6.1.7601" in w.log() and n_wusa() == 0, "version refusal: exit %s:\n%s" % (rc, w.log()))
    finally:
        w.set_version("win2008")
    # a resumed run that fails a check leaves a trace
    w.reset(codes={"wusa": [3010]})
    w.script(s)
    name, value = w.runonce()
    w.reg("delete", RUNONCE, "/v", name or "x", "/f")
    rc, out = w.run(value or "", elevated=False)
    check(rc == 2 and "refused: run this script from an elevated" in w.log(), "resumed refusal: exit %s" % rc)
    w.script(s, "/dryrun")
    rc, out = w.script(s, "bogus")
    check(rc == 2 and "usage:" in out, "usage: exit %s %r" % (rc, out))

    # /noreboot: 3010 at each needed restart, 0 when done, 1 on failure
    w.reset(codes={"wusa": [3010]})
    rcs = [w.script(s, "/noreboot")[0] for _ in range(3)]
    check(rcs == [3010, 3010, 0] and count(w.calls(), "shutdown") == 0 and n_wusa() == 4 and w.runonce()[1] is None
          and not w.calls("schtasks"), "/noreboot: exit codes %s, %d shutdown" % (rcs, count(w.calls(), "shutdown")))
    w.reset(codes={"wusa": [0, 1603]})
    rc, out = w.script(s, "/noreboot")
    check(rc == 1 and "returned exit code 1603: stop" in w.log(), "/noreboot failure: exit %s" % rc)
    w.reset(codes={"wusa": [1641]})
    rc, out = w.script(s, "/noreboot")
    check(rc == 3010 and w.state().get("next") == "2" and w.runonce()[1] is None, "/noreboot 1641: exit %s" % rc)
    w.reset(codes={"wusa": [2359302]}, pending=True)
    rc, out = w.script(s, "/noreboot")
    check(rc == 3010 and w.state().get("next") == "1" and n_wusa() == 0, "/noreboot pending at the start: exit %s" % rc)
    w.set_pending(False)


ESU_KEY = "AB12C-DE34F-GH56J-KL78M-NP90Q"


def esu_case(w, folder):
    """Steps: 1 2 install, 3 restart, 4 5 install (SSU, licensing), 6 restart,
    7 activate the ESU key (year 1), 8 install (the February 2020 rollup), 9 restart."""
    s = os.path.join(folder, "install.cmd")
    w.reset()
    rc, out = w.script(s, "/noreboot")
    check(rc == 3010 and w.state().get("next") == "4", "esu: first run: exit %s, state %s" % (rc, w.state()))
    rc, out = w.script(s, "/noreboot")
    check(rc == 3010 and w.state().get("next") == "7", "esu: second run: exit %s, state %s" % (rc, w.state()))
    # no key: stop at the activation step, resumable there
    for run in (1, 2):
        rc, out = w.script(s, "/noreboot")
        log = w.log()
        check(rc == 4 and w.state().get("next") == "7" and count(w.calls(), "cscript") == 0
              and count(w.calls(), "wusa") == 4
              and "step 7: manual step: activate the ESU key of year 1. Run this script again with /esukey:" in log,
              "esu: no key (run %d): exit %s, state %s, calls %s:\n%s" % (run, rc, w.state(), w.calls(), log))
    # a key of the wrong shape: refused before anything runs
    for bad in ("/esukey:AB12C-DE34F", "/esukey:AB12C-DE34F-GH56J-KL78M-NP90", "/esukey:AB12C_DE34F_GH56J_KL78M_NP90Q",
                "/esukey:AB12C-DE34F-GH56J-KL78M-NP9!Q", "/esukey:"):
        rc, out = w.script(s, "/noreboot", bad)
        check(rc == 2 and count(w.calls(), "cscript") == 0 and count(w.calls(), "wusa") == 4
              and w.state().get("next") == "7", "esu: bad key %r: exit %s, calls %s" % (bad, rc, w.calls()))
    # slmgr fails: stop, nothing after it installed
    with open(os.path.join(w.ctl, "cscript.codes"), "w") as fh:
        fh.write("1\n")
    rc, out = w.script(s, "/noreboot", "/esukey:" + ESU_KEY)
    check(rc == 1 and count(w.calls(), "cscript") == 1 and count(w.calls(), "wusa") == 4
          and "slmgr returned exit code 1 activating the ESU key of year 1: stop" in w.log(),
          "esu: failing slmgr: exit %s, calls %s:\n%s" % (rc, w.calls(), w.log()))
    os.unlink(os.path.join(w.ctl, "cscript.codes"))
    for leaf in ("cscript.log",):
        if os.path.exists(os.path.join(w.ctl, leaf)):
            os.unlink(os.path.join(w.ctl, leaf))
    with open(os.path.join(w.programdata, [f for f in os.listdir(w.programdata) if f.endswith(".state")][0]), "w") as fh:
        fh.write("next=7\r\ntrystep=0\r\ntries=0\r\nreboots=2\r\n")
    # with the key: slmgr /ipk KEY, slmgr /ato ID of year 1 (Server 2008), then the rollup
    rc, out = w.script(s, "/noreboot", "/esukey:" + ESU_KEY)
    cs = w.calls("cscript")
    log = w.log()
    check(rc == 3010 and len(cs) == 2 and cs[0].endswith("slmgr.vbs\" /ipk " + ESU_KEY)
          and cs[1].endswith("slmgr.vbs\" /ato 553673ed-6ddf-419c-a153-b760283472fd")
          and count(w.calls(), "wusa") == 5 and w.state().get("next") == "10"
          and "step 7: the ESU key of year 1 is activated" in log,
          "esu: with the key: exit %s, cscript %s, state %s:\n%s" % (rc, cs, w.state(), log))
    check(ESU_KEY not in log and ESU_KEY not in json.dumps(w.state()) and ESU_KEY not in out,
          "esu: the key reached the log, the state or the console")
    with open(s, encoding="ascii", errors="replace") as fh:
        check(ESU_KEY not in fh.read(), "esu: the key is in the script")
    # dry run: says what it would do, needs no key
    w.reset()
    rc, out = w.script(s, "/dryrun")
    check(rc == 0 and "dry run: step 7: would activate the ESU key of year 1" in out and count(w.calls(), "cscript") == 0,
          "esu: dry run: exit %s:\n%s" % (rc, out))


def window_case(w, folder):
    s = os.path.join(folder, "install.cmd")
    w.reset(codes={"wusa": [3010]})
    rc, out = w.script(s)
    check(rc == 0 and "the window ends here: run the script again in the next window, from step 4" in w.log()
          and w.runonce()[1] is None and count(w.calls(), "shutdown") == 1 and w.state().get("next") == "4",
          "--window: first run: exit %s, RunOnce %s:\n%s" % (rc, w.runonce(), w.log()))
    rc, out = w.script(s)
    check(rc == 0 and w.state().get("next") == "7" and count(w.calls(), "wusa") == 4, "--window: second run: exit %s" % rc)
    w.reset(codes={"wusa": [2359302]})
    rc, out = w.script(s)
    check(rc == 0 and w.state().get("next") == "4" and count(w.calls(), "shutdown") == 0,
          "--window, nothing installed: the window still ends: exit %s, state %s" % (rc, w.state()))


def main():
    if len(sys.argv) != 3:
        print("usage: run_wine.py SOURCE_DIR WORK_DIR")
        return 2
    src, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if not (shutil.which("wine") or shutil.which("wine64")):
        print("SKIP: wine is not installed (Debian: wine wine64)")
        return 77
    if not shutil.which("x86_64-w64-mingw32-gcc"):
        print("SKIP: x86_64-w64-mingw32-gcc is not installed (Debian: gcc-mingw-w64-x86-64)")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    w = Wine(work, src)
    try:
        return wine_cases(w, work)
    finally:
        w.stop()


def wine_cases(w, work):
    ver = w.raw(["cmd", "/c", "ver"]).stdout.decode("ascii", "replace")
    if not check(" 6.0." in ver, "Wine's ver does not report 6.0 with Version=win2008: %r" % ver):
        return report()
    with open(os.path.join(os.environ["PS_SOURCE_DIR"], "tests", "plan", "chain-2008sp2", "bundle.json")) as fh:
        chain_spec = json.load(fh)
    tmp = os.path.join(work, "bundles")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)

    # a folder with ( ) and spaces
    chain = os.path.join(tmp, "Patch set (2019) x64")
    mkbundle(chain_spec, chain, tmp)
    plan(chain, os.path.join(chain, "install.cmd"), "--arch", "x64")
    win = os.path.join(tmp, "window")
    mkbundle(chain_spec, win, tmp)
    plan(win, os.path.join(win, "install.cmd"), "--arch", "x64", "--window", "40")
    cases(w, chain, tmp)
    window_case(w, win)

    # the ESU activation step
    with open(os.path.join(os.environ["PS_SOURCE_DIR"], "tests", "plan", "track-rollup-esu", "bundle.json")) as fh:
        esu_spec = [p for p in json.load(fh)
                    if p["kb"] in ("KB4493730", "KB4474419", "KB5010452", "KB4538484", "KB4537810")]
    esu = os.path.join(tmp, "esu")
    mkbundle(esu_spec, esu, tmp)
    plan(esu, os.path.join(esu, "install.cmd"), "--arch", "x64")
    esu_case(w, esu)

    # subfolders below the bundle root
    sub = os.path.join(tmp, "tree")
    mkbundle(chain_spec, sub, tmp)
    for d in ("ssu", os.path.join("rollups", "2019-10")):
        os.makedirs(os.path.join(sub, d))
    for name in os.listdir(sub):
        if "KB4493730" in name:
            os.rename(os.path.join(sub, name), os.path.join(sub, "ssu", name))
        elif "KB4520002" in name:
            os.rename(os.path.join(sub, name), os.path.join(sub, "rollups", "2019-10", name))
    plan(sub, os.path.join(sub, "install.cmd"), "--arch", "x64")
    w.reset()
    rc, out = w.script(os.path.join(sub, "install.cmd"), "/noreboot")
    wusa = w.calls("wusa")
    check(rc == 3010 and len(wusa) == 2 and ('"%s\\ssu\\Windows6.0-KB4493730-x64.msu"' % winpath(sub)) in wusa[0],
          "subfolders: exit %s, wusa %s" % (rc, wusa))
    rc, out = w.script(os.path.join(sub, "install.cmd"), "/noreboot")
    wusa = w.calls("wusa")
    check(rc == 3010 and len(wusa) == 4 and "\\rollups\\2019-10\\Windows6.0-KB4520002-x64.msu" in wusa[3],
          "subfolders: second run: exit %s, wusa %s" % (rc, wusa))

    # .cab on 6.0: pkgmgr through start /w, its exit code read
    cab = os.path.join(tmp, "cab")
    mkbundle([{"kb": "KB4493730", "arch": "x64", "container": "cab", "file": "Windows6.0-KB4493730-x64.cab",
               "date": "2019-04-09", "provides_stack": "6.0.6002.24600"}], cab, tmp)
    plan(cab, os.path.join(cab, "install.cmd"), "--arch", "x64")
    w.reset(codes={"pkgmgr": [3010]})
    rc, out = w.script(os.path.join(cab, "install.cmd"), "/noreboot")
    pk = w.calls("pkgmgr")
    check(rc == 3010 and len(pk) == 1 and "/ip" in pk[0] and "Windows6.0-KB4493730-x64.cab" in pk[0]
          and "a restart is needed (exit code 3010)" in w.log(), "cab: exit %s, pkgmgr %s:\n%s" % (rc, pk, w.log()))
    return report()


def report():
    if FAILS:
        for f in FAILS:
            print("FAIL: " + f)
        return 1
    print("ok: wine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
