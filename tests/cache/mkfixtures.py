#!/usr/bin/env python3
"""Build the fixtures of the cache tests (at test time, into the build dir).

  mkfixtures.py --mkpkg MKPKG --out DIR --spec packages.json --stamp FILE

DIR/bundle/  the packages of packages.json (one with a damaged update.mum,
             one without update.mum), and readme.txt, a foreign file
DIR/other/   one more package (KB4500001, x64), to replace a bundle file
"""
import argparse
import os
import shutil
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mkpkg", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--spec", required=True)
    ap.add_argument("--stamp", required=True)
    a = ap.parse_args()
    if os.path.isdir(a.out):
        shutil.rmtree(a.out)
    bundle = os.path.join(a.out, "bundle")
    other = os.path.join(a.out, "other")
    os.makedirs(bundle)
    os.makedirs(other)
    subprocess.run([sys.executable, a.mkpkg, "--out", bundle, a.spec], check=True)
    subprocess.run([sys.executable, a.mkpkg, "--out", other, "--one",
                    '{"kb": "KB4500001", "arch": "x64", "payload": 9000}'], check=True)
    with open(os.path.join(bundle, "readme.txt"), "w") as fh:
        fh.write("not a package\n")
    with open(a.stamp, "w") as fh:
        fh.write("ok\n")


if __name__ == "__main__":
    main()
