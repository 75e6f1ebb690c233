#!/usr/bin/env python3
"""Output paths that never clobber, inputs that never block (suite 'hostile').

  run_paths.py WORKDIR

Each case runs $PATCHSEQ in a child process and asserts the exact exit
status and message, and that nothing was lost:
- -o onto a null device made here with mknod (and onto /dev/null): the
  device stays a device;
- -o onto a symlink: the file it names is replaced, the link stays;
- -o onto an existing file: its mode is kept;
- -o naming a package, a folder's package, --installed, --rules, --lock:
  exit 2, a message naming both, the input untouched (bytes and time);
- --junit F -o F: exit 2, a message naming both, F untouched;
- -o onto a directory: exit 2;
- a closed pipe (| head -1): no signal death, no message, the run's own
  exit status;
- stdout on /dev/full: a message, exit 2;
- a FIFO as --installed, --time-model, --lock or a rules file: refused at
  once (the run would hang on a blocking open otherwise);
- a temporary file left by a killed run is removed by the next run.
"""
import json
import os
import shutil
import stat
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


def run(args, stdout=subprocess.PIPE, timeout=60, **kw):
    try:
        return subprocess.run([os.environ["PATCHSEQ"]] + args, stdout=stdout,
                              stderr=subprocess.PIPE, timeout=timeout, **kw)
    except subprocess.TimeoutExpired:
        fail("%s: timed out (blocked?)" % " ".join(args))
        return None


def expect(name, p, code, err):
    if p is None:
        return
    got = p.stderr.decode(errors="replace")
    if p.returncode != code:
        fail("%s: exit %d, expected %d (stderr %r)" % (name, p.returncode, code, got))
    if got != err:
        fail("%s: stderr %r, expected %r" % (name, got, err))


def snap(path):
    st = os.stat(path)
    with open(path, "rb") as fh:
        return fh.read(), st.st_mtime_ns, stat.S_IMODE(st.st_mode)


def main():
    work = sys.argv[1]
    shutil.rmtree(work, ignore_errors=True)
    bundle = os.path.join(work, "bundle")
    os.makedirs(bundle)
    mk = os.environ.get("PS_MKPKG") or os.path.join(HERE, "..", "mkpkg.py")
    samples = os.environ.get("PS_SAMPLES")
    extra = ["--samples", samples] if samples and os.path.isdir(samples) else []
    spec = os.path.join(work, "spec.json")
    with open(spec, "w") as fh:
        json.dump([{"kb": "KB4493730", "provides_stack": "6.0.6003.20489", "payload": 64, "wsus": False},
                   {"kb": "KB4474419", "payload": 64, "wsus": False}], fh)
    subprocess.run([sys.executable, mk] + extra + ["--out", bundle, spec], check=True)
    pkg = os.path.join(bundle, "Windows6.0-KB4474419-x64.msu")
    os.chdir(work)
    ref = run(["plan", "bundle"]).stdout
    if not ref.startswith(b"Windows 6.0"):
        fail("reference plan: %r" % ref[:100])

    # a null device made here, and /dev/null: written, still a device
    dev = os.path.join(work, "null")
    try:
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        made = True
    except PermissionError:
        made = False
        print("mknod not permitted: the device case runs on /dev/null only")
    for d in ([dev] if made else []) + ["/dev/null"]:
        expect("-o " + d, run(["plan", "-o", d, "bundle"]), 0, "")
        if not stat.S_ISCHR(os.lstat(d).st_mode):
            fail("%s is no longer a device" % d)

    # -o /dev/stdout: to a pipe, to a file the shell opened (appending to
    # what is there: nothing is replaced, no file named after the link)
    p = run(["plan", "-o", "/dev/stdout", "bundle"])
    if p.returncode != 0 or p.stdout != ref:
        fail("-o /dev/stdout to a pipe: exit %d" % p.returncode)
    with open("stdout.txt", "wb") as fh:
        fh.write(b"kept\n")
    with open("stdout.txt", "ab") as fh:
        expect("-o /dev/stdout >>", run(["plan", "-o", "/dev/stdout", "bundle"], stdout=fh), 0, "")
    if snap("stdout.txt")[0] != b"kept\n" + ref:
        fail("-o /dev/stdout >> file: %r" % snap("stdout.txt")[0][:80])
    if any(f.startswith("pipe:") or f.startswith("socket:") for f in os.listdir(".")):
        fail("a file named after a /proc link was created")

    # a symlink: the target is replaced, the link stays; the mode is kept
    target = os.path.join(work, "plan.txt")
    with open(target, "w") as fh:
        fh.write("old\n")
    os.chmod(target, 0o640)
    os.symlink("plan.txt", "link.txt")
    expect("-o link", run(["plan", "-o", "link.txt", "bundle"]), 0, "")
    if not os.path.islink("link.txt"):
        fail("the symlink was replaced")
    if snap(target)[0] != ref:
        fail("the symlink's target does not hold the plan")
    if stat.S_IMODE(os.stat(target).st_mode) != 0o640:
        fail("the mode was not kept: %o" % stat.S_IMODE(os.stat(target).st_mode))

    # an output that is an input: refused before anything is read
    inv = os.path.join(work, "inv.csv")
    with open(inv, "w") as fh:
        fh.write('"Host Name","OS Name","OS Version","System Type","Hotfix(s)"\n'
                 '"SRV","Microsoft Windows Server 2008 Standard","6.0.6003 Service Pack 2 Build 6003",'
                 '"x64-based PC","1 Hotfix(s) Installed.,[01]: KB4474419"\n')
    before = {p: snap(p) for p in (pkg, inv)}
    expect("-o package", run(["plan", "-o", pkg, "bundle"]), 2,
           "patchseq plan: -o %s is also an input (PATH bundle): refused, nothing was read or "
           "written\n" % pkg)
    expect("-o PATH file", run(["plan", "-o", "bundle/Windows6.0-KB4474419-x64.msu", pkg]), 2,
           "patchseq plan: -o bundle/Windows6.0-KB4474419-x64.msu is also an input (PATH %s): "
           "refused, nothing was read or written\n" % pkg)
    expect("-o --installed", run(["plan", "--installed", "inv.csv", "-o", inv, "bundle"]), 2,
           "patchseq plan: -o %s is also an input (--installed inv.csv): refused, nothing was "
           "read or written\n" % inv)
    expect("validate -o --installed", run(["validate", "--installed", inv, "-o", "./inv.csv", "bundle"]), 2,
           "patchseq validate: -o ./inv.csv is also an input (--installed %s): refused, nothing "
           "was read or written\n" % inv)
    lock = os.path.join(work, "bundle.lock")
    expect("lock", run(["lock", "-o", lock, "bundle"]), 0, "")
    before[lock] = snap(lock)
    expect("validate -o --lock", run(["validate", "--lock", lock, "-o", lock, "bundle"]), 2,
           "patchseq validate: -o %s is also an input (--lock %s): refused, nothing was read or "
           "written\n" % (lock, lock))
    expect("validate --junit --lock", run(["validate", "--lock", lock, "--junit", lock, "bundle"]), 2,
           "patchseq validate: --junit %s is also an input (--lock %s): refused, nothing was "
           "read or written\n" % (lock, lock))
    rules = os.path.join(work, "rules")
    shutil.copytree(os.path.join(os.environ["PATCHSEQ_DATA_DIR"], "rules"), os.path.join(rules, "rules"))
    shutil.copytree(os.path.join(os.environ["PATCHSEQ_DATA_DIR"], "manifests"), os.path.join(rules, "manifests"))
    rfile = os.path.join(rules, "rules", sorted(os.listdir(os.path.join(rules, "rules")))[0])
    before[rfile] = snap(rfile)
    expect("lock -o rules file", run(["lock", "--rules", rules, "-o", rfile, "bundle"]), 2,
           "patchseq lock: -o %s is also an input (--rules %s): refused, nothing was read or "
           "written\n" % (rfile, rules))
    # the same output twice
    j = os.path.join(work, "report.xml")
    with open(j, "w") as fh:
        fh.write("keep\n")
    before[j] = snap(j)
    expect("--junit F -o F", run(["validate", "--junit", j, "-o", "report.xml", "bundle"]), 2,
           "patchseq validate: -o report.xml and --junit %s are the same file: refused, nothing "
           "was read or written\n" % j)
    for p, s in before.items():
        if snap(p) != s:
            fail("%s was changed" % p)
    # a directory
    expect("-o dir", run(["plan", "-o", "bundle", "bundle"]), 2,
           "patchseq plan: -o bundle: is a directory\n")

    # a closed pipe: quiet, the run's own status, never a signal
    head = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    p = subprocess.Popen([os.environ["PATCHSEQ"], "inspect", "--format", "json", "bundle"] * 1,
                         stdout=head.stdin, stderr=subprocess.PIPE)
    head.stdin.close()
    head.wait()
    err = p.stderr.read()
    p.wait()
    if p.returncode < 0:
        fail("closed pipe: killed by signal %d" % -p.returncode)
    elif p.returncode != 0 or err:
        fail("closed pipe: exit %d, stderr %r" % (p.returncode, err))
    # a big output into a closed pipe, through the shell
    if shutil.which("bash"):
        p = subprocess.run(["bash", "-c", 'set -o pipefail; "$PATCHSEQ" plan --format md bundle | '
                            'head -1 >/dev/null; echo $?'], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if p.stdout != b"0\n" or p.stderr:
            fail("closed pipe (bash, pipefail): %r %r" % (p.stdout, p.stderr))

    # stdout on a full disk
    if os.path.exists("/dev/full"):
        with open("/dev/full", "wb") as full:
            expect("stdout /dev/full", run(["plan", "bundle"], stdout=full), 2,
                   "patchseq: cannot write output: No space left on device\n")
        expect("-o /dev/full", run(["plan", "-o", "/dev/full", "bundle"]), 2,
               "patchseq: /dev/full: write failed: No space left on device\n")

    # FIFOs where a regular file is expected: refused at once
    fifo = os.path.join(work, "fifo")
    os.mkfifo(fifo)
    expect("--installed FIFO", run(["plan", "--installed", fifo, "bundle"], timeout=20), 2,
           "patchseq plan: %s: not a regular file (a FIFO is refused)\n" % fifo)
    expect("--time-model FIFO", run(["plan", "--window", "60", "--time-model", fifo, "bundle"], timeout=20), 2,
           "patchseq plan: %s: cannot open the time model: not a regular file (a FIFO is "
           "refused)\n" % fifo)
    p = run(["validate", "--lock", fifo, "bundle"], timeout=20)
    if p is not None and (p.returncode != 2 or b"not a regular file" not in p.stderr):
        fail("--lock FIFO: exit %d, %r" % (p.returncode, p.stderr))
    os.mkfifo(os.path.join(rules, "rules", "zz-fifo.xml"))
    p = run(["rules", "check", rules], timeout=20)
    if p is not None and (p.returncode != 1 or p.stdout != b"rules/zz-fifo.xml: error: rule-error: "
                          b"not a regular file (a FIFO is refused)\n"):
        fail("rules FIFO: exit %d, %r %r" % (p.returncode, p.stdout[-300:], p.stderr[-300:]))
    # a FIFO in the cache: the entry is ignored, the run does not block
    cache = os.path.join(work, "cache")
    env = dict(os.environ)
    env.pop("PATCHSEQ_NO_CACHE", None)
    expect("cache fill", run(["inspect", "--cache", cache, "bundle"], env=env), 0, "")
    entries = [os.path.join(dp, f) for dp, _, fs in os.walk(cache) for f in fs]
    if entries:
        os.unlink(entries[0])
        os.mkfifo(entries[0])
        p = run(["inspect", "--cache", cache, "bundle"], env=env, timeout=20)
        if p is not None and p.returncode != 0:
            fail("cache FIFO: exit %d, %r" % (p.returncode, p.stderr))
    else:
        fail("the cache holds no entry")

    # a temporary file of a killed run is removed by the next run
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = os.path.join(work, "plan.txt.tmp.%d.Ab12Cd" % dead.pid)
    with open(stale, "w") as fh:
        fh.write("partial")
    expect("-o after a killed run", run(["plan", "-o", target, "bundle"]), 0, "")
    if os.path.exists(stale):
        fail("the stale temporary file is still there")
    left = [f for f in os.listdir(work) if ".tmp." in f]
    if left:
        fail("temporary files left: %s" % left)

    if failures:
        print("%d failure(s)" % len(failures), file=sys.stderr)
        return 1
    print("output paths: all cases passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
