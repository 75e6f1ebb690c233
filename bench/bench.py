#!/usr/bin/env python3
"""patchseq benchmarks: reading cost against payload size and package count.

Builds its bundles at run time with tests/mkpkg.py (random, incompressible
payloads), then measures, in one run so that every figure has a baseline
taken on the same machine under the same load:

  payload   8 packages with 1 MiB payloads vs 8 with 48 MiB payloads
            (patchseq inspect; the ratio should stay near 1)
  extract   patchseq inspect vs an extract-then-parse baseline that
            unpacks every .msu and its update cab with bsdtar, as a tool
            without streaming and early stop would
  count     10 / 100 / 400 packages (time per package should stay flat)

Each measurement is the median of --repeat runs (wall time) and the peak
RSS of the slowest run.  Figures are printed as a table and as ratios.

usage: bench/bench.py [--patchseq build/patchseq] [--repeat 5] [--work DIR] [--quick]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MKPKG = os.path.join(HERE, "..", "tests", "mkpkg.py")
MIB = 1 << 20


def build_bundle(out, count, payload, arches=("x64",)):
    spec = []
    for i in range(count):
        arch = arches[i % len(arches)]
        spec.append({"kb": "KB%d" % (5000000 + i), "arch": arch, "payload": payload,
                     "name": "Package_for_RollupFix", "version": "6003.%d.1.0" % (20000 + i),
                     "release_type": "Security Update", "date": "2020-01-%02d" % (1 + i % 28)})
    os.makedirs(out, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(spec, fh)
        path = fh.name
    try:
        subprocess.run([sys.executable, MKPKG, "--out", out, path], check=True)
    finally:
        os.unlink(path)


def run_once(cmd, cwd=None):
    """Wall time of cmd, and the peak RSS (KiB) of that process alone."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode not in (0, 1):
        raise SystemExit("%s failed with status %d" % (cmd, p.returncode))
    return dt, usage.ru_maxrss


def measure(cmd, repeat, cwd=None):
    times = []
    rss = 0
    for _ in range(repeat):
        dt, r = run_once(cmd, cwd)
        times.append(dt)
        rss = max(rss, r)
    return statistics.median(times), rss


def extract_baseline(bundle, scratch):
    """Shell pipeline a non-streaming tool would run: unpack everything."""
    script = (
        'set -e; cd "$1"; for m in *.msu; do d="$2/${m%.msu}"; mkdir -p "$d/inner"; '
        'bsdtar -xf "$m" -C "$d"; for c in "$d"/*.cab; do '
        '[ "$(basename "$c")" = WSUSSCAN.cab ] && continue; bsdtar -xf "$c" -C "$d/inner"; done; '
        'grep -l identifier "$d/inner/update.mum" >/dev/null; done; rm -rf "$2"/*')
    return ["sh", "-c", script, "sh", bundle, scratch]


def main():
    ap = argparse.ArgumentParser(description="patchseq benchmarks")
    ap.add_argument("--patchseq", default=os.path.join(HERE, "..", "build", "patchseq"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--work", help="keep the bundles here (default: a temporary folder)")
    ap.add_argument("--quick", action="store_true", help="smaller bundles (a smoke run)")
    a = ap.parse_args()
    ps = os.path.abspath(a.patchseq)
    work = a.work or tempfile.mkdtemp(prefix="patchseq-bench.")
    big = 16 * MIB if a.quick else 48 * MIB
    counts = (10, 40) if a.quick else (10, 100, 400)
    rows = []
    try:
        small_dir = os.path.join(work, "p1m")
        big_dir = os.path.join(work, "p%dm" % (big // MIB))
        if not os.path.isdir(small_dir):
            build_bundle(small_dir, 8, MIB)
        if not os.path.isdir(big_dir):
            build_bundle(big_dir, 8, big)
        inspect = [ps, "inspect", "--format", "json"]
        t_small, r_small = measure(inspect + [small_dir], a.repeat)
        t_big, r_big = measure(inspect + [big_dir], a.repeat)
        rows.append(("inspect 8 x 1 MiB", t_small, r_small))
        rows.append(("inspect 8 x %d MiB" % (big // MIB), t_big, r_big))
        scratch = os.path.join(work, "scratch")
        os.makedirs(scratch, exist_ok=True)
        t_ext, r_ext = measure(extract_baseline(big_dir, scratch), max(1, a.repeat // 2))
        rows.append(("bsdtar extract-then-parse 8 x %d MiB" % (big // MIB), t_ext, r_ext))
        per_pkg = []
        for n in counts:
            d = os.path.join(work, "n%d" % n)
            if not os.path.isdir(d):
                build_bundle(d, n, 64 * 1024, arches=("x86", "x64"))
            t, r = measure(inspect + [d], a.repeat)
            rows.append(("inspect %d packages (64 KiB payload)" % n, t, r))
            per_pkg.append((n, t / n))
        print("%-44s %10s %10s" % ("measurement", "median s", "peak RSS"))
        for name, t, r in rows:
            print("%-44s %10.4f %8.1f MiB" % (name, t, r / 1024.0))
        print()
        print("payload ratio   (%d MiB / 1 MiB, target <= 2):   %.2f" % (big // MIB, t_big / t_small))
        print("extract ratio   (bsdtar baseline / patchseq, target >= 20): %.1f" % (t_ext / t_big))
        print("count linearity (per-package time, %d vs %d packages): %.2f"
              % (counts[-1], counts[0], per_pkg[-1][1] / per_pkg[0][1]))
        print("peak RSS of patchseq, largest: %.1f MiB (target <= 64)"
              % (max(r for name, _, r in rows if name.startswith("inspect")) / 1024.0))
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
