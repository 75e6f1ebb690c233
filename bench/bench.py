#!/usr/bin/env python3
"""patchseq benchmarks: cold reading against the physical limit.

Builds its bundles at run time with tests/mkpkg.py in the real member
order (--layout real, as ../shared/samples/*/LISTING.txt shows: the cix
first on 6.1, manifests, update.mum, update.cat, then the payload with the
sub-package .cat and .mum behind most of it; random, incompressible
payloads; 6.0 and 6.1 packages alternate), then measures in one run, so
that every figure has its baseline taken on the same machine under the
same load:

  baseline  bench/baseline.c (built here with cc): streams each .msu with
            libarchive, opens the update cab nested and stops once
            update.mum is read: the physical limit of a streaming reader
  payload   `patchseq inspect`, cold (PATCHSEQ_NO_CACHE=1), over 8 packages
            with 1 MiB payloads and over 8 with 48 MiB payloads
  extract   bsdtar extract-then-parse over the 48 MiB bundle: every .msu
            and its update cab unpacked, then update.mum read
  count     10 / 100 / 1000 packages with 64 KiB payloads, cold, each with
            its baseline; and an empty folder (the fixed cost: start-up and
            the knowledge base)
  cache     `inspect` over the 1000 packages with a warm metadata cache,
            text and --format json (to a pipe: one line)
  hostile   a 30 MiB cix, 4,096 sub-packages with a cix of 65,535 names,
            a 30 MiB WSUSSCAN package.xml, an MSZIP bomb: 6 copies each, read
            on 6 threads (peak RSS)
  hash      `patchseq inspect --hash` over the 48 MiB bundle in MiB/s,
            next to `openssl speed` for SHA-256 and SHA-1 (one pass of both
            costs 1/(1/sha256 + 1/sha1) per core)

The repetitions are interleaved (one run of each measurement per round), so
that a change of load touches all of them alike; each figure is the median
wall time of --repeat rounds, with the CPU time (user + sys) of the median
run and the peak RSS of the largest run.  Results are printed as a table,
then the targets as ratios with PASS or MISS; the exit status is 1 when a
target is missed.  Reading ratios compare the reading cost: the time past
the fixed cost of an empty run (patchseq on an empty folder, the baseline
on no file).  The targets are judged on CPU time (user + sys, all threads:
for patchseq, which reads on a thread per processor, more than its wall
time on an idle machine), which the other tenants of a loaded machine do
not inflate; the wall-time ratios are printed beside them.

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
    """Rollups in the real member order, 6.0 and 6.1 alternating."""
    spec = []
    for i in range(first, first + count):
        os_ = "6.0" if i % 2 == 0 else "6.1"
        build = "6003.%d" % (20000 + i) if os_ == "6.0" else "7601.%d" % (24000 + i)
        spec.append({"kb": "KB%d" % (5000000 + i), "arch": arches[i % len(arches)], "os": os_,
                     "payload": payload, "name": "Package_for_RollupFix", "layout": "real",
                     "version": "%s.1.0" % build, "kernel": "%s.%s" % (os_, build),
                     "sha2": True, "release_type": "Security Update",
                     "date": "2020-01-%02d" % (1 + i % 28)})
    return spec


HOSTILE = [
    {"kb": "KB4300001", "os": "6.1", "layout": "real", "payload": 4096, "cix_names": 310000,
     "wsus": False},
    {"kb": "KB4300002", "os": "6.1", "layout": "real", "payload": 4096, "cix_names": 65535 - 9,
     "children": 4095, "wsus": False},
]


def build_hostile(out, jobs):
    """6 copies of each hostile package (and of the bomb and the 30 MiB
    package.xml of the reader tests, from tests/reader/mkfixtures.py)."""
    if os.path.isdir(out):
        return
    one = out + ".one"
    sys.path.insert(0, os.path.join(ROOT, "tests", "reader"))
    import mkfixtures  # noqa: E402 (the MSZIP bomb, the big package.xml)
    build_bundle(one, HOSTILE + [{"kb": "KB4300005", "os": "6.1", "layout": "real",
                                  "payload": 4096,
                                  "extra_updates": mkfixtures.hostile_wsus_updates()}], jobs)
    with tempfile.TemporaryDirectory(prefix="bench-bomb.") as tmp:
        subprocess.run([sys.executable, MKPKG, "--out", tmp, "--one",
                        '{"kb": "KB4300003", "container": "cab", "file": "x.cab"}'],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["bsdtar", "-xf", os.path.join(tmp, "x.cab"), "-C", tmp], check=True)
        with open(os.path.join(tmp, "update.mum"), "rb") as fh:
            mum = fh.read()
        with open(os.path.join(tmp, "update.cat"), "rb") as fh:
            cat = fh.read()
        with open(os.path.join(tmp, "Windows6.0-KB4300003-x64.cab"), "wb") as fh:
            fh.write(mkfixtures.bomb_cab(mum, cat))
        subprocess.run(["gcab", "-c", "-z", "-n", os.path.join(one, "Windows6.0-KB4300003-x64.msu"),
                        "Windows6.0-KB4300003-x64.cab"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
    tmp = out + ".part"
    shutil.rmtree(tmp, ignore_errors=True)
    for i in range(6):
        os.makedirs(os.path.join(tmp, "c%d" % i))
        for n in os.listdir(one):
            os.link(os.path.join(one, n), os.path.join(tmp, "c%d" % i, n))
    os.rename(tmp, out)


def openssl_speed(algo):
    """MiB/s of `openssl speed` for 16 KiB blocks, one core."""
    p = subprocess.run(["openssl", "speed", "-seconds", "2", "-bytes", "16384", "-evp", algo],
                       capture_output=True, text=True, check=True)
    for line in p.stdout.splitlines():
        f = line.split()
        if f and f[0].lower() == algo and f[-1].endswith("k"):
            return float(f[-1][:-1]) * 1000 / MIB
    raise SystemExit("cannot read `openssl speed -evp %s`" % algo)


def build_baseline(work):
    exe = os.path.join(work, "baseline")
    src = os.path.join(HERE, "baseline.c")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
        subprocess.run([os.environ.get("CC", "cc"), "-O2", "-o", exe, src, "-larchive"], check=True)
    return exe


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
    for tool in ("bsdtar", "gcab", "openssl", os.environ.get("CC", "cc")):
        if shutil.which(tool) is None:
            raise SystemExit("%s is needed" % tool)
    work = os.path.abspath(a.work) if a.work else tempfile.mkdtemp(prefix="patchseq-bench.")
    os.makedirs(work, exist_ok=True)
    big = 16 * MIB if a.quick else 48 * MIB
    counts = (10, 100) if a.quick else (10, 100, 1000)
    os.environ.setdefault("PATCHSEQ_DATA_DIR", ROOT)
    load0 = os.getloadavg()
    try:
        t0 = time.perf_counter()
        base = build_baseline(work)
        small_dir = os.path.join(work, "real-p1m")
        big_dir = os.path.join(work, "real-p%dm" % (big // MIB))
        pool = os.path.join(work, "real-pool%d" % counts[-1])
        hostile = os.path.join(work, "hostile")
        empty = os.path.join(work, "empty")
        os.makedirs(empty, exist_ok=True)
        if not os.path.isdir(small_dir):
            build_bundle(small_dir, spec_of(8, MIB), a.jobs)
        if not os.path.isdir(big_dir):
            build_bundle(big_dir, spec_of(8, big), a.jobs)
        if not os.path.isdir(pool):
            build_bundle(pool, spec_of(counts[-1], 64 * 1024, arches=("x86", "x64")), a.jobs)
        build_hostile(hostile, a.jobs)
        count_dirs = {}
        for n in counts:
            count_dirs[n] = os.path.join(work, "n%d" % n)
            link_subset(pool, count_dirs[n], n)
        built = time.perf_counter() - t0

        def files_of(d):
            return [os.path.join(d, f) for f in sorted(os.listdir(d))]

        nocache = {"PATCHSEQ_NO_CACHE": "1"}
        inspect = [ps, "inspect"]  # the default output, text
        cache_dir = os.path.join(work, "cache")
        shutil.rmtree(cache_dir, ignore_errors=True)
        mb = big // MIB
        m_empty = Measure("inspect empty folder (fixed cost)", inspect + [empty], nocache)
        m_base0 = Measure("baseline, no file (fixed cost)", [base])
        m_base_small = Measure("baseline 8 x 1 MiB", [base] + files_of(small_dir))
        m_small = Measure("inspect 8 x 1 MiB", inspect + [small_dir], nocache)
        m_base_big = Measure("baseline 8 x %d MiB" % mb, [base] + files_of(big_dir))
        m_big = Measure("inspect 8 x %d MiB" % mb, inspect + [big_dir], nocache)
        m_ext = Measure("bsdtar extract-then-parse 8 x %d MiB" % mb,
                        extract_cmd(big_dir, os.path.join(work, "scratch")))
        m_hash = Measure("inspect --hash 8 x %d MiB" % mb, inspect + ["--hash", big_dir], nocache)
        m_counts, m_bases = [], []
        for n in counts:
            m_bases.append(Measure("baseline %d packages" % n, [base] + files_of(count_dirs[n])))
            m_counts.append(Measure("inspect %d packages" % n, inspect + [count_dirs[n]], nocache))
        n_last = counts[-1]
        m_warm = Measure("inspect %d packages, warm cache" % n_last,
                         inspect + [count_dirs[n_last]], {"PATCHSEQ_CACHE_DIR": cache_dir})
        m_warm_json = Measure("inspect --format json %d, warm cache" % n_last,
                              inspect + ["--format", "json", count_dirs[n_last]],
                              {"PATCHSEQ_CACHE_DIR": cache_dir})
        m_hostile = Measure("inspect hostile x 6, 6 threads", inspect + [hostile],
                            {"PATCHSEQ_NO_CACHE": "1", "PATCHSEQ_THREADS": "6"})
        # The cache: filled by one run, over files older than its 100 ms
        # window (the hard links above changed their ctime).
        time.sleep(0.3)
        Measure("fill cache", inspect + [count_dirs[n_last]],
                {"PATCHSEQ_CACHE_DIR": cache_dir}).once()
        entries = len([f for f in os.listdir(cache_dir) if f.endswith(".json")]) \
            if os.path.isdir(cache_dir) else 0

        measures = [m_empty, m_base0, m_base_small, m_small, m_base_big, m_big, m_ext, m_hash]
        for b_, c_ in zip(m_bases, m_counts):
            measures += [b_, c_]
        measures += [m_warm, m_warm_json, m_hostile]
        for m in measures:  # warm-up: page cache, dynamic loader
            m.once()
            m.runs.clear()
        for _ in range(max(1, a.repeat)):
            for m in measures:
                m.once()
        sha256 = openssl_speed("sha256")
        sha1 = openssl_speed("sha1")
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
            print("%-4s %-66s %s" % ("PASS" if ok else "MISS", text, value))

        def reading(m, wall=False):
            return max((m.wall - m_empty.wall) if wall else (m.cpu - m_empty.cpu), 1e-4)

        def bare(m, wall=False):
            return max((m.wall - m_base0.wall) if wall else (m.cpu - m_base0.cpu), 1e-4)

        big_bytes = sum(os.path.getsize(f) for f in files_of(big_dir))
        target("payload: cold 8 x %d MiB within 1.3x of 8 x 1 MiB (real order)" % mb,
               "%.2fx cpu (%.2fx wall)" % (m_big.cpu / m_small.cpu, m_big.wall / m_small.wall),
               m_big.cpu <= 1.3 * m_small.cpu)
        for name, m, b_ in [("8 x %d MiB" % mb, m_big, m_base_big)] + \
                [("%d packages" % n, c_, b_) for n, c_, b_ in zip(counts, m_counts, m_bases)
                 if n >= 100]:
            r = reading(m) / bare(b_)
            target("baseline: cold reading of %s within 2x of the bare libarchive read" % name,
                   "%.2fx cpu, %.1f / %.1f ms past the fixed costs (%.2fx wall)"
                   % (r, reading(m) * 1000, bare(b_) * 1000,
                      reading(m, True) / bare(b_, True)), r <= 2)
        target("extract: at least 50x faster than bsdtar extract-then-parse",
               "%.0fx cpu (%.0fx wall)" % (m_ext.cpu / m_big.cpu, m_ext.wall / m_big.wall),
               m_ext.cpu >= 50 * m_big.cpu)
        rss = max(m.rss for m in measures if m.cmd[0] == ps)
        target("peak RSS of patchseq at most 64 MiB (every bundle, hostile on 6 threads)",
               "%.1f MiB (hostile %.1f MiB)" % (rss, m_hostile.rss), rss <= 64)
        per = [(n, max(m.wall - m_empty.wall, 1e-9) / n) for n, m in zip(counts, m_counts)]
        print("info per-package cold cost past the fixed cost: " +
              ", ".join("%d: %.2f ms" % (n, p * 1000) for n, p in per))
        target("warm cache, %d packages, text, at most 50 ms" % n_last, "cpu %.3f s (wall %.3f s)"
               % (m_warm.cpu, m_warm.wall), m_warm.cpu <= 0.05)
        target("warm cache, %d packages, --format json, at most 100 ms" % n_last,
               "cpu %.3f s (wall %.3f s)" % (m_warm_json.cpu, m_warm_json.wall),
               m_warm_json.cpu <= 0.1)
        both = 1 / (1 / sha256 + 1 / sha1)
        got = big_bytes / MIB / max(m_hash.cpu - m_empty.cpu, 1e-4)
        target("hashing within 1.5x of openssl speed (SHA-256 + SHA-1 in one pass)",
               "%.0f MiB/s per cpu second vs %.0f MiB/s (openssl speed, one core: sha256 %.0f, "
               "sha1 %.0f MiB/s); %.0f MiB/s wall"
               % (got, both, sha256, sha1, big_bytes / MIB / m_hash.wall), both <= 1.5 * got)
        return 0 if all(results) else 1
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
