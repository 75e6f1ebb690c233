#!/usr/bin/env python3
"""Build the fixtures of the reader tests (at test time, into the build dir).

  mkfixtures.py --mkpkg MKPKG [--samples DIR] --out DIR --spec packages.json --stamp FILE

Without the samples folder (absent, or --samples not given) the fixtures
that need it (wsus3/, bad/lzx16.cab, bad/plain.dat) are not made; the tests
that use them skip.  Catalogs are signed by mkpkg.py itself, so the
fixtures do not depend on the samples.

good/   the packages of packages.json, made by mkpkg.py
wsus3/  an .msu holding the real WSUSSCAN.cab of KB4538483 (LZX:21) and an
        update cab made by mkpkg.py: msu -> WSUSSCAN.cab -> package.cab -> package.xml
bad/    damaged files derived from good/ (truncated, garbage, bad header,
        Quantum, CFDATA checksum, a "../../etc/passwd" member name, ...)
bomb/   a cab whose first member is 64 MiB of zeros (MSZIP), then update.mum;
        a cab whose update.mum is 24 MiB of blanks
cix/    update cabs with and without _manifest_.cix.xml, the child .mum that
        update.mum names placed behind a 4 MiB payload
real/   packages in the real member order (mkpkg.py --layout real), 6.0 and
        6.1, each with a 1 MiB and a 16 MiB payload
hostile/ a 29.6 MiB cix, 4,096 sub-packages named with a cix of 65,535 names,
         a 28 MB update.mum of 1.4 million elements,
        and an MSZIP bomb (.msu of a few KB whose update cab's first member
        is 1 GiB of zeros, before update.mum)
tree/   a folder for ps_bundle_read: subfolders, a foreign file, symbolic
        links inside and out of the tree
good/SUMS  "sha256 sha1 name" of every package in good/, from hashlib
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib


def run_mkpkg(mkpkg, samples, out, spec=None, one=None):
    del samples  # mkpkg.py signs its own catalogs
    cmd = [sys.executable, mkpkg, "--out", out]
    cmd += ["--one", one] if one else [spec]
    subprocess.run(cmd, check=True)


def read(path):
    with open(path, "rb") as fh:
        return fh.read()


def write(path, data):
    with open(path, "wb") as fh:
        fh.write(data)


def cffile_names(data):
    """(offset, name) of every CFFILE name in a cabinet without reserve."""
    (coff_files,) = struct.unpack_from("<I", data, 16)
    (cfiles,) = struct.unpack_from("<H", data, 28)
    out = []
    pos = coff_files
    for _ in range(cfiles):
        pos += 16
        end = data.index(b"\0", pos)
        out.append((pos, data[pos:end]))
        pos = end + 1
    return out


def rename_member(data, old, new):
    """Renames a CFFILE entry (any length) and moves the data offsets."""
    b = bytearray(data)
    (flags,) = struct.unpack_from("<H", b, 30)
    (nfolders,) = struct.unpack_from("<H", b, 26)
    pos = 36
    folder_reserve = 0
    if flags & 4:
        cb_header, folder_reserve, _ = struct.unpack_from("<HBB", b, 36)
        pos += 4 + cb_header
    if flags & 1:
        for _ in range(2):
            pos = b.index(b"\0", pos) + 1
    if flags & 2:
        for _ in range(2):
            pos = b.index(b"\0", pos) + 1
    folders = [pos + i * (8 + folder_reserve) for i in range(nfolders)]
    for at, name in cffile_names(b):
        if name == old:
            b[at:at + len(old)] = new
            delta = len(new) - len(old)
            struct.pack_into("<I", b, 8, struct.unpack_from("<I", b, 8)[0] + delta)
            for f in folders:
                struct.pack_into("<I", b, f, struct.unpack_from("<I", b, f)[0] + delta)
            return bytes(b)
    raise SystemExit("no member %r" % old)


def real_order(a, out):
    """The same packages with a 1 MiB and a 16 MiB payload, real member order."""
    for size, tag in ((1 << 20, "1m"), (16 << 20, "16m")):
        for spec in ({"kb": "KB4520002", "os": "6.0", "kernel": "6.0.6003.20654",
                      "provides_stack": "6.0.6003.20489", "sha2": True},
                     {"kb": "KB4538483", "os": "6.1", "version": "6.1.1.2",
                      "kernel": "6.1.7601.24545", "sha2": True},
                     {"kb": "KB4000012", "os": "6.1", "container": "cab", "wsus": False}):
            q = dict(spec, payload=size, layout="real", dir=tag)
            run_mkpkg(a.mkpkg, a.samples, out, one=json.dumps(q))
            src = os.path.join(out, tag)
            del src


def mszip_blocks(data):
    """CFDATA blocks (no checksum) of data, 32 KiB each, MSZIP."""
    out = []
    for i in range(0, len(data), 32768):
        chunk = data[i:i + 32768]
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        comp = b"CK" + c.compress(chunk) + c.flush()
        out.append(struct.pack("<IHH", 0, len(comp), len(chunk)) + comp)
    return out


def bomb_cab(mum, cat):
    """A one-folder MSZIP cab: "0" (1 GiB of zeros, the same compressed
    block 32,768 times), then update.mum and update.cat."""
    zero = mszip_blocks(bytes(32768))[0]
    tail = mszip_blocks(mum + cat)
    files = [(b"0", 1 << 30, 0), (b"update.mum", len(mum), 1 << 30), (b"update.cat", len(cat), (1 << 30) + len(mum))]
    cffiles = b"".join(struct.pack("<IIHHHH", size, off, 0, 0x5021, 0, 0x20) + name + b"\0"
                       for name, size, off in files)
    nblocks = 32768 + len(tail)
    coff_files = 36 + 8
    coff_data = coff_files + len(cffiles)
    total = coff_data + 32768 * len(zero) + sum(len(t) for t in tail)
    head = struct.pack("<4sIIIIIBBHHHHH", b"MSCF", 0, total, 0, coff_files, 0, 3, 1, 1, len(files), 0, 0, 0)
    folder = struct.pack("<IHH", coff_data, nblocks, 1)
    return b"".join([head, folder, cffiles, zero * 32768] + tail)


def hostile_packages(a, out):
    with tempfile.TemporaryDirectory(prefix="fx.") as tmp:
        # a cix of 29.6 MiB (under the 32 MiB XML limit) in front of update.mum
        q = {"kb": "KB4300001", "os": "6.1", "layout": "real", "payload": 4096,
             "cix_names": 310000, "wsus": False}
        run_mkpkg(a.mkpkg, a.samples, out, one=json.dumps(q))
        # 4,096 sub-packages named, a cix of 65,535 names
        q = {"kb": "KB4300002", "os": "6.1", "layout": "real", "payload": 4096,
             "cix_names": 65535 - 9, "children": 4095, "wsus": False}
        run_mkpkg(a.mkpkg, a.samples, out, one=json.dumps(q))
        # an update.mum of 28 MB (under the 32 MiB XML limit): 1.4 million
        # small elements that a tree would hold as nodes (some 1 GiB); hex
        # values, so that it compresses like text, not like a bomb
        rnd = random.Random(4300004)
        pad = "".join('    <x v="%08x"/>\n' % rnd.getrandbits(32) for _ in range(1400000))
        spec = os.path.join(tmp, "bigmum.json")
        with open(spec, "w") as fh:
            json.dump([{"kb": "KB4300004", "os": "6.1", "layout": "real", "payload": 4096,
                        "extra_mum": pad, "wsus": False}], fh)
        run_mkpkg(a.mkpkg, a.samples, out, spec=spec)
        # the MSZIP bomb: an update cab of 1 GiB of zeros inside an .msu
        run_mkpkg(a.mkpkg, a.samples, tmp, one='{"kb": "KB4300003", "container": "cab", "file": "x.cab"}')
        subprocess.run(["bsdtar", "-xf", os.path.join(tmp, "x.cab"), "-C", tmp], check=True)
        cab = bomb_cab(read(os.path.join(tmp, "update.mum")), read(os.path.join(tmp, "update.cat")))
        write(os.path.join(tmp, "Windows6.0-KB4300003-x64.cab"), cab)
        subprocess.run(["gcab", "-c", "-z", "-n", os.path.join(os.path.abspath(out), "Windows6.0-KB4300003-x64.msu"),
                        "Windows6.0-KB4300003-x64.cab"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mkpkg", required=True)
    ap.add_argument("--samples", default=None)
    ap.add_argument("--out", required=True)
    ap.add_argument("--spec", required=True)
    ap.add_argument("--stamp", required=True)
    a = ap.parse_args()

    good = os.path.join(a.out, "good")
    bad = os.path.join(a.out, "bad")
    wsus3 = os.path.join(a.out, "wsus3")
    bomb = os.path.join(a.out, "bomb")
    tree = os.path.join(a.out, "tree")
    cix = os.path.join(a.out, "cix")
    real_dir = os.path.join(a.out, "real")
    hostile = os.path.join(a.out, "hostile")
    for d in (good, bad, wsus3, bomb, tree, cix, real_dir, hostile):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    run_mkpkg(a.mkpkg, a.samples, good, spec=a.spec)
    have_samples = bool(a.samples) and os.path.isfile(os.path.join(a.samples, "SOURCES.md"))

    # msu -> real WSUSSCAN.cab (LZX:21) -> package.cab -> package.xml
    real = os.path.join(a.samples or "", "win7-kb4538483-x64")
    if have_samples:
        with tempfile.TemporaryDirectory(prefix="fx.") as tmp:
            run_mkpkg(a.mkpkg, a.samples, tmp, one='{"kb": "KB4538483", "os": "6.1", "version": "6.1.1.2", '
                      '"container": "cab", "sha2": true, "file": "Windows6.1-KB4538483-x64.cab"}')
            for n in ("WSUSSCAN.cab", "Windows6.1-KB4538483-x64-pkgProperties.txt",
                      "Windows6.1-KB4538483-x64.xml"):
                shutil.copyfile(os.path.join(real, n), os.path.join(tmp, n))
            subprocess.run(["gcab", "-c", "-z", "-n", os.path.join(os.path.abspath(wsus3),
                            "windows6.1-kb4538483-x64.msu"), "WSUSSCAN.cab",
                            "Windows6.1-KB4538483-x64.cab", "Windows6.1-KB4538483-x64-pkgProperties.txt",
                            "Windows6.1-KB4538483-x64.xml"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)

    msu = read(os.path.join(good, "Windows6.0-KB4474419-v4-x64.msu"))
    cab = read(os.path.join(good, "Windows6.0-KB4000002-x86.cab"))
    rnd = random.Random(4474419)

    write(os.path.join(bad, "empty.msu"), b"")
    write(os.path.join(bad, "empty.txt"), b"")
    write(os.path.join(bad, "garbage.msu"), rnd.randbytes(4096))
    write(os.path.join(bad, "notes.txt"), b"release notes\n")
    for off in (8, 30, 60, 200, 2000, len(msu) - 100):
        write(os.path.join(bad, "trunc-%d.msu" % off), msu[:off])
    # coffFiles pointing past the end of the file
    b = bytearray(msu)
    struct.pack_into("<I", b, 16, 0x7fff0000)
    write(os.path.join(bad, "bad-header.msu"), bytes(b))
    # cFolders = 0
    b = bytearray(msu)
    struct.pack_into("<H", b, 26, 0)
    write(os.path.join(bad, "no-folder.msu"), bytes(b))
    # typeCompress of the one folder (at 36 + 6, no reserve) -> Quantum
    b = bytearray(cab)
    struct.pack_into("<H", b, 42, 2)
    write(os.path.join(bad, "quantum.cab"), bytes(b))
    # flags: continued from a previous cabinet (multi-volume)
    b = bytearray(cab)
    struct.pack_into("<H", b, 30, struct.unpack_from("<H", b, 30)[0] | 1)
    write(os.path.join(bad, "multivolume.cab"), bytes(b))
    # cabinets not named .msu/.cab: an .msu, and a cabinet that is no package
    write(os.path.join(bad, "renamed.bin"), msu)
    if have_samples:
        shutil.copyfile(os.path.join(a.samples, "libarchive-test-cabs", "test_read_format_cab_1.cab"),
                        os.path.join(bad, "plain.dat"))
    # an .msu with a pkgProperties.txt and no update cab
    with tempfile.TemporaryDirectory(prefix="fx.") as tmp:
        write(os.path.join(tmp, "Windows6.0-KB4000010-x64-pkgProperties.txt"),
              b'KB Article Number="4000010"\r\nProcessor Architecture="x86"\r\n'
              b'Applies to="Windows 6.0"\r\nBuild Date="2019/02/03"\r\n')
        subprocess.run(["gcab", "-c", "-z", "-n", os.path.join(os.path.abspath(bad), "Windows6.0-KB4000010-x64.msu"),
                        "Windows6.0-KB4000010-x64-pkgProperties.txt"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
    # libarchive's LZX test cab whose pre-tree codes are longer than 10
    # bits, its member renamed update.mum: a failing decoder meets metadata
    if have_samples:
        lzx = read(os.path.join(a.samples, "libarchive-test-cabs", "test_read_format_cab_lzx_16bit.cab"))
        write(os.path.join(bad, "lzx16.cab"), rename_member(lzx, b"lzx16.bin", b"update.mum"))
    # a member named "../../etc/passwd" before update.mum
    with tempfile.TemporaryDirectory(prefix="fx.") as tmp:
        os.makedirs(os.path.join(tmp, "ab", "cd", "etc"))
        write(os.path.join(tmp, "ab", "cd", "etc", "passwd"), b"root:x:0:0::/root:/bin/sh\n")
        inner = os.path.join(tmp, "inner")
        run_mkpkg(a.mkpkg, a.samples, inner, one='{"kb": "KB4000007", "container": "cab", '
                  '"file": "x.cab"}')
        subprocess.run(["bsdtar", "-xf", os.path.join(inner, "x.cab"), "-C", inner], check=True)
        members = ["ab/cd/etc/passwd"]
        for n in ("update.mum", "update.cat"):
            shutil.copyfile(os.path.join(inner, n), os.path.join(tmp, n))
            members.append(n)
        out = os.path.join(os.path.abspath(bad), "Windows6.0-KB4000007-x64.cab")
        subprocess.run(["gcab", "-c", "-z", out] + members, cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        b = bytearray(read(out))
        for pos, name in cffile_names(b):
            if name == b"ab\\cd\\etc\\passwd":
                b[pos:pos + len(name)] = b"..\\..\\etc\\passwd"
        write(out, bytes(b))
        # a stored cab with a byte of update.cat (the end of its one CFDATA
        # block) flipped; gcab sets the CFDATA checksums.  update.cat is
        # fixed text here (a signed catalog differs at every build), so
        # that the checksums in the message are always the same.
        write(os.path.join(tmp, "update.cat"), b"".join(b"catalog line %04d\r\n" % i for i in range(400)))
        out = os.path.join(os.path.abspath(bad), "checksum.cab")
        subprocess.run(["gcab", "-c", "-n", out, "update.mum", "update.cat"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        b = bytearray(read(out))
        (coff_data,) = struct.unpack_from("<I", b, 36)
        b[len(b) - 100] ^= 0x55
        write(out, bytes(b))

    with open(os.path.join(good, "SUMS"), "w") as fh:
        for n in sorted(os.listdir(good)):
            if n == "SUMS":
                continue
            data = read(os.path.join(good, n))
            fh.write("%s %s %s\n" % (hashlib.sha256(data).hexdigest(), hashlib.sha1(data).hexdigest(), n))

    with tempfile.TemporaryDirectory(prefix="fx.") as tmp:
        run_mkpkg(a.mkpkg, a.samples, tmp, one='{"kb": "KB4000008", "container": "cab", "file": "x.cab"}')
        subprocess.run(["bsdtar", "-xf", os.path.join(tmp, "x.cab"), "-C", tmp], check=True)
        write(os.path.join(tmp, "0"), bytes(64 * 1024 * 1024))
        subprocess.run(["gcab", "-c", "-z", "-n", os.path.join(os.path.abspath(bomb), "Windows6.0-KB4000008-x64.cab"),
                        "0", "update.mum", "update.cat"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        # update.mum itself the bomb: 24 MiB of blanks (under max_xml_bytes) after the XML
        # declaration, read into memory until the ratio limit stops it
        bomb_mum = os.path.join(tmp, "mumbomb")
        os.makedirs(bomb_mum)
        write(os.path.join(bomb_mum, "update.mum"), b'<?xml version="1.0"?>' + b" " * (24 * 1024 * 1024))
        subprocess.run(["gcab", "-c", "-z", "-n", os.path.join(os.path.abspath(bomb), "Windows6.0-KB4000011-x64.cab"),
                        "update.mum"], cwd=bomb_mum, check=True, stdout=subprocess.DEVNULL)

    # The cix lists update.mum, update.cat and a servicing stack manifest,
    # but not the child .mum: it is known absent, so reading stops before
    # the payload (the child is in fact there, after the payload).
    with tempfile.TemporaryDirectory(prefix="fx.") as tmp:
        run_mkpkg(a.mkpkg, a.samples, tmp, one='{"kb": "KB4000009", "container": "cab", "file": "x.cab", '
                  '"kernel": "6.0.6003.20500"}')
        subprocess.run(["bsdtar", "-xf", os.path.join(tmp, "x.cab"), "-C", tmp], check=True)
        child = [n for n in os.listdir(tmp) if n.startswith("package_1_for_kb4000009")][0]
        ssu = "x86_microsoft-windows-servicingstack_31bf3856ad364e35_6.0.6003.20511_none_0123456789abcdef.manifest"
        files = "".join('<File id="%d" name="%s" length="1" time="0" attr="32"/>' % (i, n)
                        for i, n in enumerate(["update.mum", "update.cat", ssu,
                                               "x86_microsoft-windows-servicingstack_31bf3856ad364e35_"
                                               "6.0.6003.20511_none_0123456789abcdef\\smiengine.dll"]))
        write(os.path.join(tmp, "_manifest_.cix.xml"),
              ('<?xml version="1.0" encoding="utf-8"?>\r\n<Container name="kb4000009.cab" type="CAB" '
               'length="1" version="1" xmlns="urn:ContainerIndex"><Description/><Files>%s</Files>'
               '</Container>\r\n' % files).encode())
        write(os.path.join(tmp, "0"), random.Random(9).randbytes(4 * 1024 * 1024))
        # a catalog that is not PKCS#7: a finding, and the read still stops
        # before the payload
        bad_cat = os.path.join(tmp, "badcat")
        os.makedirs(bad_cat)
        for n in ("update.mum", child, "0"):
            shutil.copyfile(os.path.join(tmp, n), os.path.join(bad_cat, n))
        write(os.path.join(bad_cat, "update.cat"), b"not a catalog\r\n")
        subprocess.run(["gcab", "-c", "-z", "-n", os.path.join(os.path.abspath(cix), "Windows6.0-KB4000009-badcat-x64.cab"),
                        "update.mum", "update.cat", child, "0"], cwd=bad_cat, check=True, stdout=subprocess.DEVNULL)
        for name, members in (("Windows6.0-KB4000009-x64.cab", ["_manifest_.cix.xml", "update.mum", "update.cat",
                                                                "0", child]),
                              ("Windows6.0-KB4000009-nocix-x64.cab", ["update.mum", "update.cat", "0", child])):
            subprocess.run(["gcab", "-c", "-z", "-n", os.path.join(os.path.abspath(cix), name)] + members,
                           cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        # the same cab with a cbCabinet too small for its CFFILE table:
        # libarchive reads it, the header parser refuses it, so the cix is
        # the table of contents (streamed)
        b = bytearray(read(os.path.join(cix, "Windows6.0-KB4000009-x64.cab")))
        struct.pack_into("<I", b, 8, 40)
        write(os.path.join(cix, "Windows6.0-KB4000009-badhdr-x64.cab"), bytes(b))

    os.makedirs(os.path.join(tree, "b", "sub"))
    os.makedirs(os.path.join(tree, "a"))
    for sub, n in (("b", "Windows6.0-KB4474419-v4-x64.msu"), ("b/sub", "Windows6.0-KB4493730-x64.msu"),
                   (".", "Windows6.0-KB4000002-x86.cab")):
        shutil.copyfile(os.path.join(good, n), os.path.join(tree, sub, n))
    write(os.path.join(tree, "a", "notes.txt"), b"release notes\n")
    os.symlink("b/Windows6.0-KB4474419-v4-x64.msu", os.path.join(tree, "link-in.msu"))
    os.symlink(os.path.join("..", "good", "Windows6.0-KB4520002-x64.msu"), os.path.join(tree, "link-out.msu"))
    os.symlink("missing.msu", os.path.join(tree, "dangling.msu"))
    os.symlink("b", os.path.join(tree, "dirlink"))

    real_order(a, real_dir)
    hostile_packages(a, hostile)

    with open(a.stamp, "w") as fh:
        fh.write("ok\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
