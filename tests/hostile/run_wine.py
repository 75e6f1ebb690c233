#!/usr/bin/env python3
"""The cmd script of a hostile bundle through a real cmd (suite 'hostile').

  run_wine.py WORKDIR

Builds a bundle of good packages and hostile ones (the OS-Kernel version
"6.0.6003.99999&#13;&#10;echo PWNED> ..." of a sub-package .mum, a release
type and restart with & and |, a file name with &), writes
`patchseq plan --format cmd` and runs it with `wine cmd /c SCRIPT /dryrun`
in a WINEPREFIX of its own.  Passes when the injected command did not run
(no pwn.txt beside the script) and the script reached its own checks (it
stops at the Windows version check: wine is not Windows 6.0).  A control
script, holding the injection the way an unescaped renderer would write it,
must create pwn.txt: so the check is known to catch a command that runs.
Exit 77 (skipped) where wine is not installed or cannot start.
"""
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PAYLOAD = '6.0.6003.99999\r\necho PWNED> "%~dp0pwn.txt" & rem '


def wine(prefix, args, cwd, timeout=300):
    env = dict(os.environ, WINEPREFIX=prefix, WINEDEBUG="-all", WINEDLLOVERRIDES="mscoree,mshtml=")
    env.pop("DISPLAY", None)
    return subprocess.run(["wine"] + args, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout)


def main():
    if shutil.which("wine") is None:
        print("wine is not installed: skipped")
        return 77
    work = sys.argv[1]
    shutil.rmtree(work, ignore_errors=True)
    bundle = os.path.join(work, "bundle")
    os.makedirs(bundle)
    prefix = os.path.join(work, "prefix")
    try:
        p = wine(prefix, ["cmd", "/c", "echo", "wine-ok"], work)
    except (OSError, subprocess.TimeoutExpired) as e:
        print("wine cannot start (%s): skipped" % e)
        return 77
    if b"wine-ok" not in p.stdout:
        print("wine cannot run cmd: skipped (%r)" % p.stderr[-300:])
        return 77

    sys.path.insert(0, HERE)
    import mkhostile
    mk = mkhostile.load_mkpkg()
    mk.esc = mkhostile.xml_esc
    mk.manifest_names = lambda q: []
    samples = os.environ.get("PS_SAMPLES")
    signer = mk.Signer(samples if samples and os.path.isdir(samples) else None)
    try:
        for spec in mkhostile.GOOD + [
                {"kb": "KB4199001", "kernel": PAYLOAD, "payload": 64, "wsus": False},
                {"kb": "KB4199002", "release_type": "Update & echo PWNED> pwn.txt", "payload": 64,
                 "restart": "possible | echo PWNED> pwn.txt", "wsus": False},
                {"kb": "KB4199003", "file": "Windows6.0-KB4199003-x64&echo PWNED.msu", "payload": 64,
                 "wsus": False}]:
            mk.build(spec, signer, bundle)
    finally:
        signer.close()

    run = subprocess.run([os.environ["PATCHSEQ"], "plan", "--allow-partial", "--arch", "x64", "--format", "cmd", bundle],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if run.returncode not in (0, 1) or not run.stdout.startswith(b"@echo off\r\n"):
        print("FAIL: patchseq plan --format cmd: exit %d %r" % (run.returncode, run.stderr))
        return 1
    script = os.path.join(bundle, "plan.cmd")
    with open(script, "wb") as fh:
        fh.write(run.stdout)
    # the control: what an unescaped first comment would have been
    control = os.path.join(work, "control.cmd")
    with open(control, "wb") as fh:
        fh.write(("@echo off\r\nREM build 6.0.6002.18005 -> %s; 1 installs\r\necho control-end\r\n"
                  % PAYLOAD).replace("\r\n", "\n").replace("\n", "\r\n").encode())
    failures = 0
    p = wine(prefix, ["cmd", "/c", "control.cmd"], work)
    if not os.path.exists(os.path.join(work, "pwn.txt")):
        print("FAIL: the control's injected command did not run: the check proves nothing (%r %r)"
              % (p.stdout[-300:], p.stderr[-300:]))
        failures += 1
    p = wine(prefix, ["cmd", "/c", "plan.cmd", "/dryrun"], bundle)
    out = p.stdout.decode(errors="replace")
    if os.path.exists(os.path.join(bundle, "pwn.txt")):
        print("FAIL: a command from a package ran under cmd")
        failures += 1
    if "PWNED" in out:
        print("FAIL: the script printed a payload: %r" % out[-500:])
        failures += 1
    low = out.lower()  # the refusal is logged: "refused: this script is for Windows 6.0; ..."
    if "this script is for windows 6.0" not in low and "this script is for x64" not in low:
        print("FAIL: the script did not reach its own checks: exit %d %r %r"
              % (p.returncode, out[-500:], p.stderr[-300:]))
        failures += 1
    print("wine cmd: exit %d; %s" % (p.returncode, out.strip().splitlines()[-1] if out.strip() else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
