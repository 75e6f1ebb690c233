#!/bin/sh
# Builds the CLI test fixtures from text and the real samples, with gcab:
#   OUT/real/     packages assembled from real Microsoft metadata (samples)
#   OUT/damaged/  one damaged package per kind of damage, and a foreign file
# usage: mkfixtures.sh SAMPLES OUT MKPKG STAMP
set -eu
S=$1
OUT=$2
MKPKG=$3
STAMP=$4
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
rm -rf "$OUT"
mkdir -p "$OUT/real" "$OUT/damaged"

# KB4538483 x64 (2020, SHA-256-only catalog, real LZX:21 WSUSSCAN.cab)
A=$S/win7-kb4538483-x64
mkdir -p "$T/a/in" "$T/a/out"
cp "$A/update.mum" "$A/update.cat" "$A"/package_*.mum "$T/a/in/"
head -c 65536 /dev/urandom > "$T/a/in/0"
(cd "$T/a/in" && gcab -c -z -n ../out/Windows6.1-KB4538483-x64.cab update.mum update.cat \
    package_for_kb4538483_sp1~31bf3856ad364e35~amd64~~6.1.1.2.mum \
    package_1_for_kb4538483~31bf3856ad364e35~amd64~~6.1.1.2.mum 0)
cp "$A/WSUSSCAN.cab" "$A/Windows6.1-KB4538483-x64-pkgProperties.txt" "$A/Windows6.1-KB4538483-x64.xml" "$T/a/out/"
(cd "$T/a/out" && gcab -c -z -n "$OUT/real/Windows6.1-KB4538483-x64.msu" WSUSSCAN.cab \
    Windows6.1-KB4538483-x64.cab Windows6.1-KB4538483-x64-pkgProperties.txt Windows6.1-KB4538483-x64.xml)

# KB4538483 x86 (no catalog in the samples: the package has none)
B=$S/win7-kb4538483-x86
mkdir -p "$T/b/in" "$T/b/out"
cp "$B/update.mum" "$T/b/in/"
(cd "$T/b/in" && gcab -c -z -n ../out/Windows6.1-KB4538483-x86.cab update.mum)
cp "$B/Windows6.1-KB4538483-x86-pkgProperties.txt" "$B/Windows6.1-KB4538483-x86.xml" "$T/b/out/"
(cd "$T/b/out" && gcab -c -z -n "$OUT/real/Windows6.1-KB4538483-x86.msu" \
    Windows6.1-KB4538483-x86.cab Windows6.1-KB4538483-x86-pkgProperties.txt Windows6.1-KB4538483-x86.xml)

# KB2999226 x64 (2015, SHA-1 catalog; stored inner cab)
C=$S/win7-kb2999226-x64
mkdir -p "$T/c/in" "$T/c/out"
cp "$C/update.mum" "$C/update.cat" "$C/update-bf.mum" "$C"/package_*.mum "$T/c/in/"
(cd "$T/c/in" && gcab -c -n ../out/Windows6.1-KB2999226-x64.cab update.mum update.cat update-bf.mum \
    package_for_kb2999226_rtm~31bf3856ad364e35~amd64~~6.1.1.6.mum)
cp "$C/Windows6.1-KB2999226-x64-pkgProperties.txt" "$C/Windows6.1-KB2999226-x64.xml" "$T/c/out/"
(cd "$T/c/out" && gcab -c -z -n "$OUT/real/Windows6.1-KB2999226-x64.msu" \
    Windows6.1-KB2999226-x64.cab Windows6.1-KB2999226-x64-pkgProperties.txt Windows6.1-KB2999226-x64.xml)

# ---- damaged ------------------------------------------------------------
D=$OUT/damaged
: > "$D/Windows6.0-KB1000001-x64.msu"                                   # empty
printf 'this is not a cabinet at all\n' > "$D/Windows6.0-KB1000002-x64.msu" # garbage
python3 "$MKPKG" --out "$T/good" --one '{"kb":"KB1000003","payload":65536}'
head -c 400 "$T/good/Windows6.0-KB1000003-x64.msu" > "$D/Windows6.0-KB1000003-x64.msu"  # truncated
# bad header: the MSCF signature kept, the header fields overwritten
{ printf 'MSCF'; head -c 60 /dev/zero | tr '\0' '\377'; } > "$D/Windows6.0-KB1000004-x64.msu"
python3 "$MKPKG" --out "$D" --one '{"kb":"KB1000005","no_mum":true}'          # no update.mum
python3 "$MKPKG" --out "$D" --one '{"kb":"KB1000006","raw_mum":"<?xml version=\"1.0\"?>\n<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\">\n  <assemblyIdentity name=\"x\"\n</assembly>\n"}'
python3 "$MKPKG" --out "$D" --one '{"kb":"KB1000007","raw_mum":"<?xml version=\"1.0\"?>\n<!DOCTYPE assembly [ <!ENTITY a \"aaaaaaaaaa\"> ]>\n<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\">&a;</assembly>\n"}'
printf 'release notes, not a package\n' > "$D/README.txt"                       # foreign file
date > "$STAMP"
