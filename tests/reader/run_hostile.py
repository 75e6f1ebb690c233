#!/usr/bin/env python3
"""Hostile packages through `patchseq inspect`, with asserted limits (suite 'reader').

  run_hostile.py FIXTURES WORKDIR [--sanitized]

FIXTURES/hostile holds a 30 MiB cix in front of update.mum, an update.mum
naming 4,096 sub-packages with a cix of 65,535 names, a 28 MB update.mum
of 1.4 million elements (a tree of it took some 1 GiB) and an MSZIP bomb
(mkfixtures.py).  Six copies of each are read on six threads, cold, in
one child process:

- peak resident memory (the rusage of the one child; it includes the forked Python's
  pages, so it is an upper bound) at most 64 MiB (not checked in a
  sanitized build, whose shadow memory counts too);
- CPU time (user + sys) at most 20 s: the quadratic matching took 131 s
  for one package;
- the JSON output (one line, as stdout is a pipe): every good copy read
  with deep_reads 0, every bomb refused with the ratio limit, and no other
  finding.

Then `inspect --verbose` says how far reading went: "deep read: none" on
the real-order packages, one deep read on the cab whose table names no
component manifest (FIXTURES/cix), and its JSON has deep_reads 1.
"""
import json
import os
import resource
import shutil
import subprocess
import sys

MIB = 1024 * 1024


def main():
    fixtures, work = sys.argv[1], sys.argv[2]
    sanitized = "--sanitized" in sys.argv[3:]
    src = os.path.join(fixtures, "hostile")
    bundle = os.path.join(work, "bundle")
    shutil.rmtree(work, ignore_errors=True)
    for i in range(6):
        os.makedirs(os.path.join(bundle, "c%d" % i))
        for n in sorted(os.listdir(src)):
            # copies, not links: the same file (device and inode) is read once
            shutil.copyfile(os.path.join(src, n), os.path.join(bundle, "c%d" % i, n))
    env = dict(os.environ, PATCHSEQ_NO_CACHE="1", PATCHSEQ_THREADS="6")
    p = subprocess.Popen([os.environ["PATCHSEQ"], "inspect", "--format", "json", bundle],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)  # the one child
    rss = ru.ru_maxrss * 1024
    cpu = ru.ru_utime + ru.ru_stime
    print("exit %d, peak RSS %.1f MiB, cpu %.2f s, %d bytes of JSON"
          % (p.returncode, rss / MIB, cpu, len(out)))
    fails = []
    if p.returncode != 1:
        fails.append("exit status %d, not 1 (findings)" % p.returncode)
    if err:
        fails.append("stderr: %r" % err[:400])
    if not sanitized and rss > 64 * MIB:
        fails.append("peak RSS %.1f MiB, over 64 MiB" % (rss / MIB))
    if cpu > 20:
        fails.append("cpu %.1f s, over 20 s" % cpu)
    doc = json.loads(out)
    pk = doc["packages"]
    if len(pk) != 24:
        fails.append("%d packages, not 24" % len(pk))
    for q in pk:
        bomb = "KB4300003" in q["file"]
        if q["readable"] == bomb:
            fails.append("%s: readable %s" % (q["file"], q["readable"]))
        if q["deep_reads"] != 0:
            fails.append("%s: deep_reads %d" % (q["file"], q["deep_reads"]))
    fs = doc["findings"]
    if len(fs) != 6 or not all("KB4300003" in f["file"] and "limit max_ratio" in f["message"]
                               for f in fs):
        fails.append("findings: %s" % json.dumps(fs)[:800])
    if out.count(b"\n") != 1:
        fails.append("JSON to a pipe is %d lines, not one" % out.count(b"\n"))

    env = dict(os.environ, PATCHSEQ_NO_CACHE="1")
    deep = os.path.join(fixtures, "cix", "Windows6.0-KB4000009-nocix-x64.cab")
    for path, want in ((os.path.join(fixtures, "real", "1m"), "  deep read:     none: every fact came"),
                       (deep, "  deep read:     1 member decoded past the front: the cab names no "
                              "component manifest")):
        r = subprocess.run([os.environ["PATCHSEQ"], "inspect", "--verbose", path], env=env,
                           capture_output=True, text=True)
        if r.returncode != 0 or want not in r.stdout:
            fails.append("inspect --verbose %s: exit %d, no %r in %r" % (path, r.returncode, want,
                                                                        r.stdout[-600:]))
    r = subprocess.run([os.environ["PATCHSEQ"], "inspect", "--format", "json", deep], env=env,
                       capture_output=True, text=True)
    if r.returncode != 0 or json.loads(r.stdout)["packages"][0]["deep_reads"] != 1:
        fails.append("inspect --format json %s: %r" % (deep, r.stdout[:400]))
    for f in fails:
        print("FAIL:", f)
    shutil.rmtree(work, ignore_errors=True)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
