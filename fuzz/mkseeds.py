#!/usr/bin/env python3
"""Make the seeds of the package fuzz target (fuzz/corpus/package/).

  mkseeds.py [--samples DIR] OUT

Small packages (< 16 KiB each) made by tests/mkpkg.py with a tiny payload,
the same with stored (uncompressed) cabinets so that mutations reach the
metadata text, damaged variants (truncated, bad header, Quantum, CFDATA
checksum, a "../" member name, DOCTYPE, entity bomb, malformed XML), and
libarchive's CAB test files and the synthetic .msu of the samples folder.
The seeds are kept in git; run this again only to remake them.
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MKPKG = os.path.join(HERE, "..", "tests", "mkpkg.py")
MAX_SEED = 16 * 1024

SPECS = {
    "msu-x64-wsus.msu": {"kb": "KB4474419", "rev": 4, "restart": "required", "installer": "6.0.6003.20484"},
    "msu-ssu.msu": {"kb": "KB4493730", "provides_stack": "6.0.6003.20489", "wsus": False},
    "msu-rollup-sha2.msu": {"kb": "KB4520002", "name": "Package_for_RollupFix", "kernel": "6.0.6003.20654",
                            "sha2": True, "wsus": False},
    "msu-ia64-superseded.msu": {"kb": "KB4512476", "arch": "ia64", "superseded_by": ["2001", "2002"]},
    "msu-61-utf16-props.msu": {"kb": "KB4538483", "os": "6.1", "utf16_props": True, "sha2": True, "wsus": False},
    "msu-no-mum.msu": {"kb": "KB4000004", "no_mum": True, "utf16_props": True, "wsus": False},
    "cab-x86.cab": {"kb": "KB4000002", "arch": "x86", "container": "cab"},
    "cab-bad-xml.cab": {"kb": "KB4200001", "container": "cab",
                        "raw_mum": "<?xml version=\"1.0\"?>\n<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\">"
                                   "\n  <assemblyIdentity name=\"Package_for_KB4200001\"\n</assembly>\n"},
    "cab-doctype.cab": {"kb": "KB4200002", "container": "cab",
                        "raw_mum": "<?xml version=\"1.0\"?>\n<!DOCTYPE assembly SYSTEM \"http://example.com/a.dtd\">"
                                   "\n<assembly/>\n"},
    "msu-entity-bomb.msu": {"kb": "KB4200003", "wsus": False,
                            "raw_mum": "<?xml version=\"1.0\"?>\n<!DOCTYPE l [\n <!ENTITY a \"aaaaaaaaaa\">\n"
                                       " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n]>\n<assembly>&b;</assembly>\n"},
}


def run(cmd, cwd=None):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def read(path):
    with open(path, "rb") as fh:
        return fh.read()


def mkpkg(spec, out, name):
    spec = dict(spec, payload=64, file=name)
    run([sys.executable, MKPKG, "--out", out, "--one", __import__("json").dumps(spec)])
    return os.path.join(out, name)


def restore(cab, out, tmp):
    """The cabinet `cab` rebuilt stored, its nested cabinets stored too."""
    d = tempfile.mkdtemp(dir=tmp)
    run(["bsdtar", "-xf", cab, "-C", d])
    names = sorted(os.listdir(d))
    for n in names:
        if n.lower().endswith(".cab"):
            inner = os.path.join(d, n)
            restore(inner, inner + ".s", tmp)
            os.replace(inner + ".s", inner)
    # update.mum first, as in real update cabs
    names.sort(key=lambda n: (n.lower() != "update.mum", n))
    run(["gcab", "-c", "-n", os.path.abspath(out)] + names, cwd=d)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", default=os.path.join(HERE, "..", "..", "shared", "samples"))
    ap.add_argument("out")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="seeds.") as tmp:
        for name, spec in SPECS.items():
            shutil.copyfile(mkpkg(spec, tmp, name), os.path.join(a.out, name))
        for name in ("msu-x64-wsus.msu", "cab-x86.cab", "msu-61-utf16-props.msu"):
            restore(os.path.join(tmp, name), os.path.join(a.out, "stored-" + name), tmp)
        msu = read(os.path.join(tmp, "msu-x64-wsus.msu"))
        cab = read(os.path.join(a.out, "stored-cab-x86.cab"))
        damaged = {
            "trunc-60.msu": msu[:60],
            "trunc-200.msu": msu[:200],
            "trunc-tail.msu": msu[:-100],
            "empty.msu": b"",
            "signature-only.cab": b"MSCF",
        }
        b = bytearray(msu)
        struct.pack_into("<I", b, 16, 0x7fff0000)       # coffFiles past the end
        damaged["bad-header.msu"] = bytes(b)
        b = bytearray(cab)
        struct.pack_into("<H", b, 42, 2)                # typeCompress: Quantum
        damaged["quantum.cab"] = bytes(b)
        b = bytearray(cab)
        b[len(b) - 40] ^= 0x55                          # a byte of the last CFDATA block
        damaged["checksum.cab"] = bytes(b)
        b = bytearray(cab)
        struct.pack_into("<H", b, 30, 1)                # flags: a previous cabinet (multi-volume)
        damaged["multivolume.cab"] = bytes(b)
        # a stored cab whose first member is named "../../etc/passwd"
        d = tempfile.mkdtemp(dir=tmp)
        run(["bsdtar", "-xf", os.path.join(a.out, "stored-cab-x86.cab"), "-C", d])
        os.makedirs(os.path.join(d, "ab", "cd", "etc"))
        with open(os.path.join(d, "ab", "cd", "etc", "passwd"), "wb") as fh:
            fh.write(b"root:x:0:0::/root:/bin/sh\n")
        out = os.path.join(tmp, "traversal.cab")
        run(["gcab", "-c", out, "ab/cd/etc/passwd", "update.mum", "update.cat"], cwd=d)
        damaged["traversal.cab"] = read(out).replace(b"ab\\cd\\etc\\passwd", b"..\\..\\etc\\passwd")
        for name, data in damaged.items():
            with open(os.path.join(a.out, name), "wb") as fh:
                fh.write(data)
    cabs = os.path.join(a.samples, "libarchive-test-cabs")
    if os.path.isdir(cabs):
        for n in sorted(os.listdir(cabs)):
            shutil.copyfile(os.path.join(cabs, n), os.path.join(a.out, "libarchive-" + n))
    syn = os.path.join(a.samples, "synthetic", "synthetic-gcab-Windows6.1-KB2999226-x64.msu")
    if os.path.exists(syn):
        shutil.copyfile(syn, os.path.join(a.out, "synthetic-kb2999226.msu"))
    for n in os.listdir(a.out):
        size = os.path.getsize(os.path.join(a.out, n))
        if size > MAX_SEED:
            raise SystemExit("seed %s is %d bytes (over %d)" % (n, size, MAX_SEED))
    return 0


if __name__ == "__main__":
    sys.exit(main())
