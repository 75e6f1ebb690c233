#!/usr/bin/env python3
"""patchseq fleet benchmark: 1,000 inventories against a 400-package bundle.

Builds a bundle of 400 rollups (bench.py's spec: 6.0 and 6.1 alternating,
x86 and x64 alternating, small payloads) and the SHA-2 support update of
each of the four (OS, architecture) systems, with tests/mkpkg.py, and 1,000
systeminfo inventories at mixed levels: each machine is of one of the four
systems, has the first 0, 1, 10, 50 or 100 packages of its system installed
(the SHA-2 support update first; 100: all of them), and up to 20 KBs the
bundle does not know.  Then, in
one run, interleaved (one of each per round), each the median of --repeat
rounds with the CPU time of the median run:

  single   `plan --installed ONE.csv BUNDLE` (one machine)
  fleet    `plan --installed DIR BUNDLE` (the 1,000 machines), text
  json     the same, --format json (every machine's plans written out)

The bundle's metadata is read from a warm cache in every run (the cache is
filled first), so the figures are the cost of planning, not of reading.
Target: the fleet (text) in under 2 s of wall time here; printed with the
ratios fleet/single and json/single.  Exit 1 when the target is missed.

usage: bench/fleet.py [--patchseq build/patchseq] [--repeat 5] [--work DIR]
"""
import argparse
import os
import random
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402 (spec_of, build_bundle, Measure)

PACKAGES = 400
MACHINES = 1000
LEVELS = (0, 1, 10, 50, 100)  # 0: nothing; 1: the SHA-2 support update; 100: everything


def csv_line(fields):
    return ",".join('"%s"' % f.replace('"', '""') for f in fields) + "\r\n"


def inventories(spec, out, seed=1):
    """MACHINES systeminfo files at mixed levels; returns the first one."""
    if os.path.isdir(out):
        return os.path.join(out, sorted(os.listdir(out))[0])
    tmp = out + ".part"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    rnd = random.Random(seed)
    systems = {}
    for p in spec:
        systems.setdefault((p["os"], p["arch"]), []).append(p["kb"])
    keys = sorted(systems)
    names = {"6.0": ("Microsoft Windows Server 2008 Standard", "6.0.6003 Service Pack 2 Build 6003"),
             "6.1": ("Microsoft Windows Server 2008 R2 Standard", "6.1.7601 Service Pack 1 Build 7601")}
    for i in range(MACHINES):
        os_, arch = keys[i % len(keys)]
        level = LEVELS[rnd.randrange(len(LEVELS))]
        kbs = systems[(os_, arch)][:level] + ["KB%d" % rnd.randrange(100000, 999999)
                                              for _ in range(rnd.randrange(21))]
        hot = "%d Hotfix(s) Installed." % len(kbs) + "".join(
            ",[%02d]: %s" % (j + 1, k) for j, k in enumerate(kbs))
        text = csv_line(["Host Name", "OS Name", "OS Version", "System Type", "Hotfix(s)"]) + \
            csv_line(["SRV%04d" % i, names[os_][0], names[os_][1],
                      "x64-based PC" if arch == "x64" else "X86-based PC", hot])
        with open(os.path.join(tmp, "srv%04d.csv" % i), "w", newline="") as fh:
            fh.write(text)
    os.rename(tmp, out)
    return os.path.join(out, "srv0000.csv")


def main():
    ap = argparse.ArgumentParser(description="patchseq fleet benchmark")
    ap.add_argument("--patchseq", default=os.path.join(bench.ROOT, "build", "patchseq"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--work", help="keep the bundle and inventories here")
    args = ap.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="patchseq-fleet.")
    os.makedirs(work, exist_ok=True)
    try:
        sha2 = [{"kb": "KB4474419", "arch": a, "os": o, "rev": 4 if o == "6.0" else 3,
                 "version": "%s.4.0" % o, "date": "2019-09-23", "release_type": "Security Update",
                 "restart": "required", "layout": "real", "payload": 4096}
                for o in ("6.0", "6.1") for a in ("x64", "x86")]
        spec = sha2 + bench.spec_of(PACKAGES - len(sha2), 4096, arches=("x64", "x64", "x86", "x86"))
        bundle = os.path.join(work, "bundle-%d" % PACKAGES)
        if not os.path.isdir(bundle):
            bench.build_bundle(bundle, spec, os.cpu_count() or 2)
        invdir = os.path.join(work, "inventories-%d" % MACHINES)
        one = inventories(spec, invdir)
        cache = os.path.join(work, "cache")
        exe = os.path.abspath(args.patchseq)
        base = [exe, "plan", "-q", "--cache", cache]
        runs = [bench.Measure("single", base + ["--installed", one, bundle]),
                bench.Measure("fleet", base + ["--installed", invdir, bundle]),
                bench.Measure("json", base + ["--format", "json", "--installed", invdir, bundle])]
        runs[0].once()  # fills the metadata cache
        runs[0].runs.clear()
        for _ in range(args.repeat):
            for m in runs:
                m.once()
        print("%-8s %10s %10s %10s" % ("", "wall s", "cpu s", "RSS MiB"))
        for m in runs:
            print("%-8s %10.3f %10.3f %10.1f" % (m.name, m.wall, m.cpu, m.rss))
        single, fleet, js = runs
        print("fleet/single %.1fx (wall), %.1fx (cpu); json/single %.1fx (wall); %d machines, "
              "%d packages" % (fleet.wall / single.wall, fleet.cpu / single.cpu,
                               js.wall / single.wall, MACHINES, PACKAGES))
        ok = fleet.wall < 2.0
        print("%s: %d inventories against %d packages in %.2f s (target < 2 s)"
              % ("PASS" if ok else "MISS", MACHINES, PACKAGES, fleet.wall))
        return 0 if ok else 1
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
