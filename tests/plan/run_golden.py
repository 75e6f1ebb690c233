#!/usr/bin/env python3
"""Golden plan test: build a bundle from text, plan it, compare exactly.

Usage: run_golden.py CASE_DIR

A case folder holds:
  bundle.json        a tests/mkpkg.py bundle spec
  expected.txt       the exact output of `patchseq plan ARGS --format text .`
  expected.json      the exact output of `patchseq plan ARGS --format json .`
  args               (optional) more arguments for `plan`, split like a shell would
  exit               (optional) the expected exit status (default 0)
  kb/                (optional) knowledge files laid over a copy of the
                     project's rules/ and manifests/; ARGS may name that
                     copy as ../kb
  installed*         (optional) inventory files; ARGS may name them as ../NAME
  time-model*        (optional) time models for --window; ARGS may name them as ../NAME
  explain-KBn.txt    (optional) the exact output of `patchseq explain KBn ARGS .`

The bundle is built twice: as the spec gives it, planned as the folder
`.`, and from the spec in another order, planned with its files named one
by one in yet another order.  Both must give the expected output: the plan
may not depend on the order in which files are found.  `explain` must
answer (exit 0) for every KB of the spec.  Commands run with the bundle as
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
    want_rc = 0
    if os.path.exists(os.path.join(case, "exit")):
        with open(os.path.join(case, "exit"), encoding="utf-8") as fh:
            want_rc = int(fh.read().strip())

    with tempfile.TemporaryDirectory(prefix="plan-%s." % name) as tmp:
        if os.path.isdir(os.path.join(case, "kb")):
            knowledge(case, tmp)
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

        for fmt, exp in (("text", "expected.txt"), ("json", "expected.json")):
            for tag, cwd, paths in (("as found", first, ["."]), ("reordered", second, files)):
                rc, out, err = run([exe, "plan"] + args + ["--format", fmt] + paths, cwd)
                if rc != want_rc:
                    fail("plan --format %s (%s): exit %d, expected %d\n%s" % (fmt, tag, rc, want_rc, err))
                compare("plan --format %s (%s)" % (fmt, tag), out, os.path.join(case, exp), update)
                if update:
                    break
            if fmt == "json":
                json.loads(out)

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
            if rc != 0 or not out.startswith(kb + " "):
                fail("explain %s: exit %d\n%s%s" % (kb, rc, out, err))
            path = os.path.join(case, "explain-%s.txt" % kb)
            if os.path.exists(path):
                compare("explain %s" % kb, out, path, update)
    print("ok: %s" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
