#!/usr/bin/env python3
"""patchseq benchmarks: reading cost against payload size and package count.

Builds its bundles at run time with tests/mkpkg.py (random, incompressible
payloads; several mkpkg processes at once), then measures in one run, so
that every figure has its baseline taken on the same machine under the
same load:

  payload   `patchseq inspect` over 8 packages with 1 MiB payloads and over
            8 packages with 48 MiB payloads (the cost should not follow the
            payload: metadata is read, the payload is not)
  extract   an extract-then-parse baseline over the 48 MiB bundle: bsdtar
            unpacks every .msu and its update cab, then update.mum is read,
            as a tool without streaming and early stop would do
  hash      `patchseq inspect --hash` over the 48 MiB bundle, against
            reading its bytes (cat) and against sha256sum + sha1sum
  count     10 / 100 / 400 / 1000 packages with 64 KiB payloads (hard links
            into one pool of 1000), and an empty folder (the fixed cost:
            start-up and the knowledge base)
  cache     `inspect` over the 1000 packages with a warm metadata cache (and
            the same with --format json, for information)

`inspect` runs with its default output (text).  Every measurement but the
cache ones runs with PATCHSEQ_NO_CACHE=1.  The
repetitions are interleaved (one run of each measurement per round), so
that a change of load on the machine touches all of them alike; each
figure is the median wall time of --repeat rounds, with the CPU time
(user + sys) of the median run and the peak RSS of the largest run.
Results are printed as a table, then the targets of the performance issue
as ratios with PASS or MISS; the exit status is 1 when a target is missed.

usage: bench/bench.py [--patchseq build/patchseq] [--repeat 5] [--work DIR]
                      [--jobs N] [--quick]

--work keeps the bundles (and reuses them on the next run); without it
they are built in a temporary folder and removed at the end.
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
ROOT = os.path.dirname(HERE)
MKPKG = os.path.join(ROOT, "tests", "mkpkg.py")
MIB = 1 << 20


# ---------------------------------------------------------------- bundles

def spec_of(count, payload, first=0, arches=("x64",)):
    spec = []
    for i in range(first, first + count):
        spec.append({"kb": "KB%d" % (5000000 + i), "arch": arches[i % len(arches)],
                     "payload": payload, "name": "Package_for_RollupFix",
                     "version": "6003.%d.1.0" % (20000 + i),
                     "release_type": "Security Update", "date": "2020-01-%02d" % (1 + i % 28)})
    return spec


def build_bundle(out, spec, jobs):
    """Runs mkpkg.py over `spec` in `jobs` processes at once; the folder
    appears only when complete (so --work never reuses half a bundle)."""
    tmp = out + ".part"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    chunks = [spec[i::jobs] for i in range(jobs) if spec[i::jobs]]
    procs, files = [], []
    for chunk in chunks:
        fh = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(chunk, fh)
        fh.close()
        files.append(fh.name)
        procs.append(subprocess.Popen([sys.executable, MKPKG, "--out", tmp, fh.name],
                                      stdout=subprocess.DEVNULL))
    bad = [p.wait() for p in procs]
    for f in files:
        os.unlink(f)
    if any(bad):
        raise SystemExit("mkpkg.py failed while building %s" % out)
    os.rename(tmp, out)


def link_subset(pool, out, count):
    """A bundle of the first `count` packages of pool (hard links)."""
    if os.path.isdir(out):
        return
    tmp = out + ".part"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for name in sorted(os.listdir(pool))[:count]:
        os.link(os.path.join(pool, name), os.path.join(tmp, name))
    os.rename(tmp, out)


# ---------------------------------------------------------------- runs

GNU_TIME = "/usr/bin/time"


class Measure:
    """One command, run several times.  The peak RSS comes from GNU time
    when it is installed: the rusage of a child forked by Python keeps the
    RSS of the Python process it was forked from (a floor of some 15 MiB)."""

    def __init__(self, name, cmd, env=None):
        self.name, self.cmd, self.env = name, cmd, env
        self.runs = []  # (wall s, cpu s, peak RSS KiB)

    def once(self):
        env = dict(os.environ)
        env.update(self.env or {})
        cmd, rss_file = self.cmd, None
        if os.access(GNU_TIME, os.X_OK):
            fd, rss_file = tempfile.mkstemp(prefix="patchseq-bench.rss.")
            os.close(fd)
            cmd = [GNU_TIME, "-f", "%M", "-o", rss_file] + cmd
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        rss = ru.ru_maxrss
        if rss_file:
            with open(rss_file) as fh:
                text = fh.read().split()
            os.unlink(rss_file)
            rss = int(text[-1]) if text and text[-1].isdigit() else rss
        if code not in (0, 1):
            raise SystemExit("%s: %s exited with %d" % (self.name, " ".join(self.cmd), code))
        self.runs.append((wall, ru.ru_utime + ru.ru_stime, rss))

    @property
    def wall(self):
        return statistics.median(r[0] for r in self.runs)

    @property
    def cpu(self):
        return sorted(self.runs)[len(self.runs) // 2][1]

    @property
    def rss(self):
        return max(r[2] for r in self.runs) / 1024.0


def extract_cmd(bundle, scratch):
    """What a non-streaming tool runs: unpack everything, then parse."""
    script = (
        'set -e; rm -rf "$2"; mkdir -p "$2"; cd "$1"; for m in *.msu; do '
        'd="$2/${m%.msu}"; mkdir -p "$d/inner"; bsdtar -xf "$m" -C "$d"; '
        'for c in "$d"/*.cab; do [ "$(basename "$c")" = WSUSSCAN.cab ] && continue; '
        'bsdtar -xf "$c" -C "$d/inner"; done; '
        'grep -c "<assemblyIdentity" "$d/inner/update.mum" >/dev/null; done; rm -rf "$2"')
    return ["sh", "-c", script, "sh", bundle, scratch]


def main():
    ap = argparse.ArgumentParser(description="patchseq benchmarks")
    ap.add_argument("--patchseq", default=os.path.join(ROOT, "build", "patchseq"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--work", help="keep the bundles here (default: a temporary folder)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                    help="mkpkg.py processes building the bundles")
    ap.add_argument("--quick", action="store_true", help="smaller bundles (a smoke run)")
    a = ap.parse_args()
    ps = os.path.abspath(a.patchseq)
    if not os.access(ps, os.X_OK):
        raise SystemExit("no patchseq at %s (use --patchseq)" % ps)
    for tool in ("bsdtar", "gcab", "sha256sum", "sha1sum"):
        if shutil.which(tool) is None:
            raise SystemExit("%s is needed" % tool)
    work = os.path.abspath(a.work) if a.work else tempfile.mkdtemp(prefix="patchseq-bench.")
    os.makedirs(work, exist_ok=True)
    big = 16 * MIB if a.quick else 48 * MIB
    counts = (10, 40, 100) if a.quick else (10, 100, 400, 1000)
    os.environ.setdefault("PATCHSEQ_DATA_DIR", ROOT)
    load0 = os.getloadavg()
    try:
        t0 = time.perf_counter()
        small_dir = os.path.join(work, "p1m")
        big_dir = os.path.join(work, "p%dm" % (big // MIB))
        pool = os.path.join(work, "pool%d" % counts[-1])
        empty = os.path.join(work, "empty")
        os.makedirs(empty, exist_ok=True)
        if not os.path.isdir(small_dir):
            build_bundle(small_dir, spec_of(8, MIB), a.jobs)
        if not os.path.isdir(big_dir):
            build_bundle(big_dir, spec_of(8, big), a.jobs)
        if not os.path.isdir(pool):
            build_bundle(pool, spec_of(counts[-1], 64 * 1024, arches=("x86", "x64")), a.jobs)
        count_dirs = {}
        for n in counts:
            count_dirs[n] = os.path.join(work, "n%d" % n)
            link_subset(pool, count_dirs[n], n)
        built = time.perf_counter() - t0

        nocache = {"PATCHSEQ_NO_CACHE": "1"}
        inspect = [ps, "inspect"]  # the default output, text
        cache_dir = os.path.join(work, "cache")
        shutil.rmtree(cache_dir, ignore_errors=True)
        m_small = Measure("inspect 8 x 1 MiB", inspect + [small_dir], nocache)
        m_big = Measure("inspect 8 x %d MiB" % (big // MIB), inspect + [big_dir], nocache)
        m_ext = Measure("bsdtar extract-then-parse 8 x %d MiB" % (big // MIB),
                        extract_cmd(big_dir, os.path.join(work, "scratch")))
        m_hash = Measure("inspect --hash 8 x %d MiB" % (big // MIB),
                         inspect + ["--hash", big_dir], nocache)
        files = [os.path.join(big_dir, f) for f in sorted(os.listdir(big_dir))]
        m_cat = Measure("cat 8 x %d MiB > /dev/null" % (big // MIB), ["cat"] + files)
        m_sums = Measure("sha256sum + sha1sum 8 x %d MiB" % (big // MIB),
                         ["sh", "-c", 'sha256sum "$@" && sha1sum "$@"', "sh"] + files)
        m_empty = Measure("inspect empty folder (fixed cost)", inspect + [empty], nocache)
        m_counts = [Measure("inspect %d packages" % n, inspect + [count_dirs[n]], nocache)
                    for n in counts]
        n_last = counts[-1]
        m_warm = Measure("inspect %d packages, warm cache" % n_last,
                         inspect + [count_dirs[n_last]], {"PATCHSEQ_CACHE_DIR": cache_dir})
        m_warm_json = Measure("inspect --format json %d, warm cache" % n_last,
                              inspect + ["--format", "json", count_dirs[n_last]],
                              {"PATCHSEQ_CACHE_DIR": cache_dir})
        # The cache: filled by one run, over files older than its 100 ms
        # window (the hard links above changed their ctime).
        time.sleep(0.3)
        Measure("fill cache", inspect + [count_dirs[n_last]],
                {"PATCHSEQ_CACHE_DIR": cache_dir}).once()
        entries = len([f for f in os.listdir(cache_dir) if f.endswith(".json")]) \
            if os.path.isdir(cache_dir) else 0

        measures = [m_small, m_big, m_ext, m_hash, m_cat, m_sums, m_empty] + m_counts + [m_warm, m_warm_json]
        for m in measures:  # warm-up: page cache, dynamic loader
            m.once()
            m.runs.clear()
        for _ in range(max(1, a.repeat)):
            for m in measures:
                m.once()
        load1 = os.getloadavg()

        print("patchseq benchmarks: %s, %d processors, load average %.2f at start, %.2f at end"
              % (os.uname().machine, os.cpu_count() or 0, load0[0], load1[0]))
        print("bundles built in %.1f s in %s; %d rounds; cache entries: %d"
              % (built, work, a.repeat, entries))
        print()
        print("%-46s %9s %9s %10s" % ("measurement", "median s", "cpu s", "peak RSS"))
        for m in measures:
            print("%-46s %9.4f %9.4f %6.1f MiB" % (m.name, m.wall, m.cpu, m.rss))
        print()

        results = []
        if a.quick:
            print("(--quick: smaller bundles; the targets are those of a full run)")

        def target(text, value, ok):
            results.append(ok)
            print("%-4s %-62s %s" % ("PASS" if ok else "MISS", text, value))

        big_bytes = sum(os.path.getsize(f) for f in files)
        target("payload: 8 x %d MiB within 2x the time of 8 x 1 MiB" % (big // MIB),
               "%.2fx" % (m_big.wall / m_small.wall), m_big.wall <= 2 * m_small.wall)
        target("extract: at least 20x faster than bsdtar extract-then-parse",
               "%.0fx" % (m_ext.wall / m_big.wall), m_ext.wall >= 20 * m_big.wall)
        rss = max(m.rss for m in measures if m.cmd[0] == ps)
        target("peak RSS of patchseq at most 64 MiB (any bundle)", "%.1f MiB" % rss, rss <= 64)
        n400 = [m for n, m in zip(counts, m_counts) if n == 400]
        if n400:
            target("400 small packages in under 2 s", "%.3f s" % n400[0].wall, n400[0].wall < 2)
        # Linearity: the cost per package past the fixed cost, small vs large n.
        per = [(n, max(m.wall - m_empty.wall, 1e-9) / n) for n, m in zip(counts, m_counts)]
        lo = [p for n, p in per if n >= 100] or [per[0][1]]
        spread = max(lo) / min(lo)
        target("linear in package count (per-package cost, n >= 100, max/min <= 1.5)",
               ", ".join("%d: %.2f ms" % (n, p * 1000) for n, p in per) +
               " (spread %.2f)" % spread, spread <= 1.5)
        target("warm cache, %d packages, under 100 ms" % n_last, "%.3f s (cpu %.3f s)"
               % (m_warm.wall, m_warm.cpu), m_warm.wall < 0.1)
        print("info hashing: %.0f MiB/s with patchseq --hash, %.0f MiB/s reading (cat), "
              "%.0f MiB/s sha256sum + sha1sum"
              % (big_bytes / MIB / m_hash.wall, big_bytes / MIB / m_cat.wall,
                 big_bytes / MIB / m_sums.wall))
        return 0 if all(results) else 1
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
