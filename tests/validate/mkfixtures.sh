#!/bin/sh
# Builds the bundles of the validate tests from text, with tests/mkpkg.py:
#   OUT/ia64/        x64 and ia64 packages; no SHA-2 support update for ia64
#   OUT/clean/       a complete 2008 SP2 x64 chain, and a foreign file
#   OUT/superseded/  the clean chain plus the rollup KB4520002 supersedes
#   OUT/unknown/     the clean chain plus a KB the knowledge base does not know
#   OUT/catalog/     Update Catalog names: one with the file's SHA-1, one
#                    whose bytes are another build of the package
#   OUT/same-bytes/  the clean chain plus a copy of one package under another name
#   OUT/lock-a/      the clean chain (locked by the tests)
#   OUT/lock-b/      lock-a with KB4520002 gone, KB1234567 added and
#                    KB4474419 rebuilt (other bytes)
#   OUT/installed.txt  an inventory (a list of KBs) holding KB4474419
# usage: mkfixtures.sh OUT MKPKG SRCDIR IA64_SPEC STAMP
set -eu
OUT=$1
MKPKG=$2
SRC=$3
IA64=$4
STAMP=$5
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
rm -rf "$OUT"
mkdir -p "$OUT"

mk() { python3 "$MKPKG" --out "$1" "$2" > /dev/null; }

mk "$OUT/ia64" "$IA64"
mk "$OUT/clean" "$SRC/clean.json"
printf 'release notes, not a package\n' > "$OUT/clean/README.txt"

mk "$OUT/superseded" "$SRC/clean.json"
mk "$OUT/superseded" "$SRC/superseded.json"

mk "$OUT/unknown" "$SRC/clean.json"
mk "$OUT/unknown" "$SRC/unknown.json"

mk "$T/cat1" "$SRC/clean.json"
mk "$T/cat2" "$SRC/clean.json"
mkdir -p "$OUT/catalog"
A=Windows6.0-KB4493730-x64.msu
B=Windows6.0-KB4474419-v4-x64.msu
SA=$(sha1sum "$T/cat1/$A" | cut -c1-40)
SB=$(sha1sum "$T/cat1/$B" | cut -c1-40)
cp "$T/cat1/$A" "$OUT/catalog/windows6.0-kb4493730-x64_$SA.msu"
cp "$T/cat2/$B" "$OUT/catalog/windows6.0-kb4474419-v4-x64_$SB.msu"   # other bytes

mk "$OUT/same-bytes" "$SRC/clean.json"
cp "$OUT/same-bytes/$A" "$OUT/same-bytes/copy-of-ssu.msu"

mk "$OUT/lock-a" "$SRC/clean.json"
mkdir -p "$OUT/lock-b"
cp "$OUT/lock-a/$A" "$OUT/lock-a/Windows6.0-KB4517134-x64.msu" "$OUT/lock-b/"
cp "$T/cat2/$B" "$OUT/lock-b/$B"
mk "$OUT/lock-b" "$SRC/unknown.json"

printf 'KB4474419\n' > "$OUT/installed.txt"
date > "$STAMP"
