#!/usr/bin/env python3
"""A folder of good and hostile packages through `patchseq plan` (suite 'hardening').

  run_hardening.py WORKDIR

Builds WORKDIR/bundle with tests/mkpkg.py ($PS_MKPKG) and gcab: three good
packages (an SSU, the SHA-2 support update and a rollup for 6.0 x64) beside
truncated, empty, garbage, bad-header, manifest-less, malformed-XML,
DOCTYPE, entity-bomb and "../"-named ones, and runs
`$PATCHSEQ plan --format json WORKDIR/bundle` once, in a child process:

- exit status 1, the JSON plan has the three good packages as its steps;
- exactly one error finding per bad file, with the code and message
  expected, and none on a good file;
- peak resident memory of the child (wait4 rusage) under 100 MiB;
- nothing written: the bundle folder is unchanged (names, sizes, times),
  the child's own TMPDIR stays empty, the child may not write a byte to
  any file (RLIMIT_FSIZE 0: a write would kill it with SIGXFSZ), and, when
  strace is installed (and PS_HARDENING_NO_STRACE is not set), a second
  run under strace shows no system call that creates, opens for writing,
  renames or removes a file (LeakSanitizer is off for that run only);
- nothing on stderr, so no sanitizer report (the test runs in the ASan
  build too).
"""
import json
import os
import resource
import shutil
import struct
import subprocess
import sys
import tempfile

MIB = 1024 * 1024
MAX_RSS = 100 * MIB

GOOD = [
    {"kb": "KB4493730", "date": "2019-04-09", "provides_stack": "6.0.6003.20489", "payload": 256},
    {"kb": "KB4474419", "rev": 4, "version": "6.0.4.0", "date": "2019-09-23",
     "release_type": "Security Update", "restart": "required", "payload": 256},
    {"kb": "KB4520002", "name": "Package_for_RollupFix", "version": "6003.20654.1.3",
     "release_type": "Security Update", "restart": "required", "date": "2019-10-08",
     "installer": "6.0.6003.20489", "kernel": "6.0.6003.20654", "sha2": True, "payload": 256},
]

BAD_XML = ('<?xml version="1.0" encoding="utf-8"?>\r\n<assembly xmlns="urn:schemas-microsoft-com:asm.v3">\r\n'
           '  <assemblyIdentity name="Package_for_KB4200001"\r\n</assembly>\r\n')
DOCTYPE = '<?xml version="1.0"?>\n<!DOCTYPE assembly SYSTEM "http://example.com/a.dtd">\n<assembly/>\n'
BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
        ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n'
        ' <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">\n'
        ']>\n<assembly>&lol4;&lol4;&lol4;&lol4;</assembly>\n')
REFUSED = "document type declaration (DOCTYPE) refused: real manifests carry none"

# file -> (code, member, message) of its one error finding
EXPECTED = {
    "Windows6.0-KB4100001-x64.msu": ("unreadable-package", None, "not a cabinet file (empty file)"),
    "Windows6.0-KB4100002-x64.msu": ("unreadable-package", None, "not a cabinet file (no MSCF signature)"),
    "Windows6.0-KB4100003-x64.msu": ("unreadable-package", None, "cannot read the cabinet: Truncated CAB header"),
    "Windows6.0-KB4100004-x64.msu": ("unreadable-package", None, "cannot read the cabinet: Truncated CAB header"),
    "Windows6.0-KB4100005-x64.cab": ("unreadable-package", None, "no update.mum in Windows6.0-KB4100005-x64.cab"),
    "Windows6.0-KB4100006-x64.cab": ("unreadable-package", "update.mum",
                                     "not well-formed XML: error parsing attribute name"),
    "Windows6.0-KB4100007-x64.cab": ("unsafe-input", "update.mum", REFUSED),
    "Windows6.0-KB4100008-x64.msu": ("unsafe-input", "Windows6.0-KB4100008-x64.cab/update.mum", REFUSED),
    "Windows6.0-KB4100009-x64.cab": ("unsafe-input", "../../etc/passwd",
                                     'member name "../../etc/passwd" is not a plain relative name; the member is '
                                     'ignored and the package refused'),
    "Windows6.0-KB4100010-x64.msu": ("unreadable-package", None, "cannot read the cabinet: Invalid CAB header"),
}


def run(cmd, cwd=None):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def read(path):
    with open(path, "rb") as fh:
        return fh.read()


def write(path, data):
    with open(path, "wb") as fh:
        fh.write(data)


def mkpkg(out, spec):
    run([sys.executable, os.environ["PS_MKPKG"], "--out", out, "--one", json.dumps(spec)])


def build(bundle, tmp):
    os.makedirs(bundle)
    for spec in GOOD:
        mkpkg(bundle, spec)
    mkpkg(tmp, {"kb": "KB4100000", "payload": 256, "file": "model.msu"})
    msu = read(os.path.join(tmp, "model.msu"))
    write(os.path.join(bundle, "Windows6.0-KB4100001-x64.msu"), b"")
    write(os.path.join(bundle, "Windows6.0-KB4100002-x64.msu"), bytes((i * 131 + 7) % 256 for i in range(4096)))
    write(os.path.join(bundle, "Windows6.0-KB4100003-x64.msu"), msu[:30])
    b = bytearray(msu)
    struct.pack_into("<I", b, 16, 0x7FFF0000)  # coffFiles past the end of the file
    write(os.path.join(bundle, "Windows6.0-KB4100004-x64.msu"), bytes(b))
    mkpkg(bundle, {"kb": "KB4100005", "container": "cab", "no_mum": True, "file": "Windows6.0-KB4100005-x64.cab"})
    mkpkg(bundle, {"kb": "KB4100006", "container": "cab", "raw_mum": BAD_XML, "file": "Windows6.0-KB4100006-x64.cab"})
    mkpkg(bundle, {"kb": "KB4100007", "container": "cab", "raw_mum": DOCTYPE, "file": "Windows6.0-KB4100007-x64.cab"})
    mkpkg(bundle, {"kb": "KB4100008", "raw_mum": BOMB})
    # a bare cab whose first member is named ../../etc/passwd
    d = os.path.join(tmp, "trav")
    mkpkg(d, {"kb": "KB4100009", "container": "cab", "file": "x.cab"})
    run(["bsdtar", "-xf", "x.cab"], cwd=d)
    os.makedirs(os.path.join(d, "ab", "cd", "etc"))
    write(os.path.join(d, "ab", "cd", "etc", "passwd"), b"root:x:0:0::/root:/bin/sh\n")
    run(["gcab", "-c", "-z", "t.cab", "ab/cd/etc/passwd", "update.mum", "update.cat"], cwd=d)
    write(os.path.join(bundle, "Windows6.0-KB4100009-x64.cab"),
          read(os.path.join(d, "t.cab")).replace(b"ab\\cd\\etc\\passwd", b"..\\..\\etc\\passwd"))
    b = bytearray(msu)
    struct.pack_into("<H", b, 26, 0)  # cFolders = 0
    write(os.path.join(bundle, "Windows6.0-KB4100010-x64.msu"), bytes(b))


def snapshot(top):
    out = {}
    for root, dirs, files in os.walk(top):
        for n in dirs + files:
            p = os.path.join(root, n)
            st = os.lstat(p)
            out[os.path.relpath(p, top)] = (st.st_size, st.st_mtime_ns, st.st_mode)
    return out


def run_child(cmd, env, trace):
    """Runs cmd with no file writes allowed; (status, stdout, stderr, maxrss bytes)."""
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    rd_out, wr_out = os.pipe()
    rd_err, wr_err = os.pipe()
    if trace:
        cmd = ["strace", "-f", "-qq", "-o", trace,
               "-e", "trace=creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,link,linkat,"
               "symlink,symlinkat,truncate,ftruncate,open,openat"] + cmd
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(wr_out, 1)
            os.dup2(wr_err, 2)
            for fd in (rd_out, wr_out, rd_err, wr_err):
                os.close(fd)
            if not trace:
                limit()
            os.execvpe(cmd[0], cmd, env)
        finally:
            os._exit(127)
    os.close(wr_out)
    os.close(wr_err)
    chunks = {rd_out: [], rd_err: []}
    import selectors
    sel = selectors.DefaultSelector()
    for fd in chunks:
        sel.register(fd, selectors.EVENT_READ)
    while chunks and sel.get_map():
        for key, _ in sel.select():
            data = os.read(key.fd, 65536)
            if not data:
                sel.unregister(key.fd)
                os.close(key.fd)
            else:
                chunks[key.fd].append(data)
    _, status, ru = os.wait4(pid, 0)
    return status, b"".join(chunks[rd_out]), b"".join(chunks[rd_err]), ru.ru_maxrss * 1024


def writes_in_trace(trace):
    """System calls of the trace that write to the file system."""
    bad = []
    with open(trace) as fh:
        for line in fh:
            text = line.split(None, 1)[1] if line[:1].isdigit() else line
            if text.startswith("<...") or "(" not in text:
                continue  # the end of a call whose start was listed
            call = text.split("(", 1)[0]
            if call in ("open", "openat") and not any(
                    f in text for f in ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC")):
                continue
            bad.append(text.strip())
    return bad


def check(cond, what):
    if not cond:
        raise SystemExit("FAIL: " + what)


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    work = os.path.abspath(sys.argv[1])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    bundle = os.path.join(work, "bundle")
    with tempfile.TemporaryDirectory(prefix="hardening.", dir=work) as tmp:
        build(bundle, tmp)
    child_tmp = os.path.join(work, "tmp")
    os.makedirs(child_tmp)
    env = dict(os.environ, TMPDIR=child_tmp)
    before = snapshot(bundle)
    cmd = [os.environ["PATCHSEQ"], "plan", "--format", "json", bundle]
    status, out, err, rss = run_child(cmd, env, None)
    print("exit status %s, peak memory %.1f MiB, %d bytes of output" % (
        os.waitstatus_to_exitcode(status), rss / MIB, len(out)))
    check(os.WIFEXITED(status), "patchseq ended by signal %d: %s" % (os.WTERMSIG(status) if os.WIFSIGNALED(status)
                                                                     else -1, err.decode(errors="replace")))
    check(err == b"", "stderr is not empty:\n" + err.decode(errors="replace"))
    check(os.WEXITSTATUS(status) == 1, "exit status %d, not 1" % os.WEXITSTATUS(status))
    check(rss < MAX_RSS, "peak memory %d bytes, over %d" % (rss, MAX_RSS))
    check(snapshot(bundle) == before, "the bundle folder changed")
    check(os.listdir(child_tmp) == [], "files left in TMPDIR: %s" % os.listdir(child_tmp))
    if shutil.which("strace") and not os.environ.get("PS_HARDENING_NO_STRACE"):
        # LeakSanitizer cannot run under ptrace: off for this second run
        trace = os.path.join(work, "strace.log")
        tenv = dict(env, ASAN_OPTIONS=env.get("ASAN_OPTIONS", "") + ":detect_leaks=0")
        status2, out2, err2, _ = run_child(cmd, tenv, trace)
        check(os.WIFEXITED(status2) and os.WEXITSTATUS(status2) == 1 and out2 == out,
              "the run under strace differs: %s" % err2.decode(errors="replace"))
        bad = writes_in_trace(trace)
        check(bad == [], "system calls that write to the file system:\n" + "\n".join(bad))
        print("strace: no system call writes to the file system")
        check(snapshot(bundle) == before, "the bundle folder changed")

    doc = json.loads(out)
    check(doc["schema"] == "patchseq.plan/1", "schema %r" % doc["schema"])
    errors = {}
    for f in doc["findings"]:
        if f["severity"] != "error":
            continue
        name = os.path.basename(f["file"])
        check(name not in errors, "two error findings on %s: %r and %r" % (name, errors.get(name), f))
        errors[name] = (f["code"], f.get("member"), f["message"])
    for name, want in sorted(EXPECTED.items()):
        check(errors.get(name) == want, "%s: finding %r, expected %r" % (name, errors.get(name), want))
    check(sorted(errors) == sorted(EXPECTED), "error findings on %s" % sorted(set(errors) - set(EXPECTED)))
    check(len(doc["plans"]) == 1, "%d plans" % len(doc["plans"]))
    plan = doc["plans"][0]
    check((plan["os"], plan["arch"]) == ("6.0", "x64"), "plan for %s %s" % (plan["os"], plan["arch"]))
    installs = [s["kb"] for s in plan["steps"] if s["action"] == "install"]
    check(installs == ["KB4493730", "KB4474419", "KB4520002"], "installs %r" % installs)
    check([s["kb"] for s in plan.get("skipped", [])] == [], "skipped %r" % plan.get("skipped"))
    print("ok: %d bad files, one error finding each; plan %s" % (len(EXPECTED), " ".join(installs)))
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
