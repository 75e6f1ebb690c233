#!/usr/bin/env python3
"""Build a hostile bundle: every payload in every field the reader keeps.

  mkhostile.py OUTDIR        writes OUTDIR/bundle/*.msu and OUTDIR/cases.json

The packages are made by tests/mkpkg.py ($PS_MKPKG), from text, with the
layout of real ones; one package per (field, payload), each value built as
PREFIX + PAYLOAD + "echo PWNED> %TEMP%\\pwn.txt & rem " so that a payload
that broke out of its line or literal would leave a line (or a command)
starting with "echo PWNED".  Beside them, three good packages make a real
plan.  In XML a control character is written as a character reference
(&#13;), which is how a real attacker gets a CR past attribute
normalisation.

cases.json lists, per package file: field, payload name, the field path a
finding must name, and what patchseq must do with it:
  "refused"   an error finding (unsafe-input; unreadable-package only where
              the payload cannot be in the document at all), and the package
              is in no plan;
  "accepted"  the value is valid for its grammar (printable ASCII in a
              release type, say): planned, and escaped in every output;
  "unsafe-name" a file name outside [A-Za-z0-9._()+-]: unsafe-file-name,
              left out of scripts.
"""
import importlib.util
import json
import os
import re
import sys

INJECT = "echo PWNED> %TEMP%\\pwn.txt & rem "

PAYLOADS = [
    ("cr", "\r"), ("lf", "\n"), ("crlf", "\r\n"), ("u2028", "\u2028"), ("percent", "%"),
    ("percent-tilde", "%~"), ("bang", "!"), ("caret", "^"), ("amp", "&"), ("pipe", "|"),
    ("dquote", '"'), ("squote", "'"), ("backtick", "`"), ("subexpr", "$("), ("comment-end", "-->"),
    ("cdata-end", "]]>"), ("script", "<script>"), ("ufffe", "\ufffe"), ("long", "A" * 9000),
]

GOOD = [
    {"kb": "KB4493730", "date": "2019-04-09", "provides_stack": "6.0.6003.20489", "payload": 64,
     "wsus": False},
    {"kb": "KB4474419", "version": "6.0.4.0", "date": "2019-09-23",
     "release_type": "Security Update", "restart": "required", "payload": 64, "wsus": False},
    {"kb": "KB4520002", "name": "Package_for_RollupFix", "version": "6003.20654.1.3",
     "release_type": "Security Update", "restart": "required", "date": "2019-10-08",
     "installer": "6.0.6003.20489", "kernel": "6.0.6003.20654", "sha2": True, "payload": 64,
     "wsus": False},
]


def load_mkpkg():
    path = os.environ.get("PS_MKPKG") or os.path.join(os.path.dirname(__file__), "..", "mkpkg.py")
    spec = importlib.util.spec_from_file_location("mkpkg", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def xml_esc(s):
    """Markup escaped, and every control character as a reference."""
    s = str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return "".join("&#%d;" % ord(c) if ord(c) < 0x20 else c for c in s)


def printable_ascii(s):
    return all(0x20 <= ord(c) <= 0x7E for c in s)


def line_break_free(s):
    return not any(ord(c) < 0x20 or ord(c) == 0x7F or 0x80 <= ord(c) <= 0x9F or c in "\u2028\u2029"
                   for c in s)


# field -> (how it is injected, field path named by the finding, accepts(value) or None)
FIELDS = [
    ("identity-name", "assemblyIdentity/@name", None),
    ("identity-version", "assemblyIdentity/@version", None),
    ("arch", "assemblyIdentity/@processorArchitecture", None),
    ("language", "assemblyIdentity/@language", None),
    ("token", "assemblyIdentity/@publicKeyToken", None),
    ("identifier", "package/@identifier", None),
    ("release-type", "package/@releaseType", lambda v: printable_ascii(v) and len(v) <= 64),
    ("restart", "package/@restart", lambda v: printable_ascii(v) and len(v) <= 64),
    ("date", "assembly/@creationTimeStamp", None),
    ("installer", "installerAssembly/@version", None),
    ("parent-version", "parent/assemblyIdentity/@version", None),
    ("kernel", "assemblyIdentity/@version", None),
    ("stack", "assemblyIdentity/@version", None),
    ("wsus-update-id", "Update/@UpdateId", None),
    ("wsus-revision", "Revision/@Id", None),
    ("props-kb", 'pkgProperties "KB Article Number"', None),
    ("props-arch", 'pkgProperties "Processor Architecture"', None),
    ("props-type", 'pkgProperties "Package Type"', lambda v: printable_ascii(v) and len(v) <= 64),
    ("props-installer", 'pkgProperties "Installer Version"', None),
    ("props-date", 'pkgProperties "Build Date"', None),
    ("unattend-source", "source/@location", None),
    # (libarchive gives no name for one with U+FFFE: refused as unsafe)
    ("member-name", "member name", lambda v: line_break_free(v) and "\ufffe" not in v),
    ("file-name", None, None),
]


def value_for(field, payload):
    if field in ("release-type", "restart", "props-type"):
        return "Update" + payload + INJECT
    if field == "identity-name":
        return "Package_for_X" + payload + INJECT
    if field in ("arch",):
        return "amd64" + payload + INJECT
    if field == "language":
        return "en-US" + payload + INJECT
    if field == "token":
        return "31bf3856ad364e35" + payload + INJECT
    if field == "identifier":
        return "KB4100000" + payload + INJECT
    if field in ("date", "props-date"):
        return "2019-01-01" + payload + INJECT
    if field == "wsus-update-id":
        return "f326c2c9-8e25-4d1f-850d-80495e82da3c" + payload + INJECT
    if field == "wsus-revision":
        return "1001" + payload + INJECT
    if field == "props-kb":
        return "4100000" + payload + INJECT
    if field == "props-arch":
        return "amd64" + payload + INJECT
    if field == "unattend-source":
        return "Windows6.0-KB4100000-x64.cab" + payload + INJECT
    return "6.0.6003.1" + payload + INJECT  # versions


def main():
    out = sys.argv[1]
    bundle = os.path.join(out, "bundle")
    os.makedirs(bundle, exist_ok=True)
    mk = load_mkpkg()
    mk.esc = xml_esc  # every XML value the packages carry, with control characters as references
    samples = os.environ.get("PS_SAMPLES")
    signer = mk.Signer(samples if samples and os.path.isdir(samples) else None)
    cases = {}
    base_props = mk.props_text
    base_unattend = mk.unattend_xml
    base_mum = mk.update_mum
    base_manifests = mk.manifest_names
    try:
        for spec in GOOD:
            f = mk.build(spec, signer, bundle)
            cases[f] = {"field": None, "payload": None, "expect": "good"}
        for fi, (field, path, accepts) in enumerate(FIELDS):
            for pi, (pname, payload) in enumerate(PAYLOADS):
                kb = "KB41%02d%03d" % (fi, pi)
                v = value_for(field, payload)
                if field in ("member-name", "file-name"):
                    # a file system name: at most 255 bytes, no '/' or NUL
                    v = "x" + (payload if pname != "long" else "A" * 200) + "echo PWNED & rem "
                spec = {"kb": kb, "payload": 64, "wsus": field.startswith("wsus-")}
                post = None
                # the identity of update.mum only (the child .mum names are
                # made from it and must stay file names)
                if field == "identity-name":
                    post = ('name="Package_for_%s"' % kb, 'name="%s"' % xml_esc(v))
                elif field == "identity-version":
                    post = ('version="6.0.1.0"', 'version="%s"' % xml_esc(v))
                elif field == "arch":
                    post = ('processorArchitecture="amd64"', 'processorArchitecture="%s"' % xml_esc(v))
                elif field == "release-type":
                    spec["release_type"] = v
                elif field == "restart":
                    spec["restart"] = v
                elif field == "date":
                    post = ("creationTimeStamp=\"2019-01-01T10:00:00Z\"",
                            "creationTimeStamp=\"%s\"" % xml_esc(v))
                elif field == "installer":
                    spec["installer"] = v
                elif field == "kernel":
                    spec["kernel"] = v
                elif field == "stack":
                    spec["provides_stack"] = v
                elif field == "wsus-update-id":
                    spec["update_id"] = v
                elif field == "wsus-revision":
                    spec["superseded_by"] = [v]
                elif field == "language":
                    post = ('language="neutral"', 'language="%s"' % xml_esc(v))
                elif field == "token":
                    post = ('publicKeyToken="%s"' % mk.TOKEN, 'publicKeyToken="%s"' % xml_esc(v))
                elif field == "identifier":
                    post = ('identifier="%s"' % kb, 'identifier="%s"' % xml_esc(v))
                elif field == "parent-version":
                    post = ('version="%s"' % mk.PARENT["6.0"], 'version="%s"' % xml_esc(v))
                elif field.startswith("props-") or field == "unattend-source":
                    spec["no_mum"] = True  # the fallbacks are read only without update.mum
                if post is not None:
                    q = mk.defaults(spec)
                    text = base_mum(q)
                    assert post[0] in text, (field, post[0])
                    spec["raw_mum"] = text.replace(post[0], post[1], 1)
                key = {"props-kb": "KB Article Number", "props-arch": "Processor Architecture",
                       "props-type": "Package Type", "props-installer": "Installer Version",
                       "props-date": "Build Date"}.get(field)
                if key:
                    def props(q, key=key, v=v):
                        return re.sub(r'(?m)^%s="[^"\r\n]*"' % re.escape(key),
                                      lambda m: '%s="%s"' % (key, v), base_props(q))
                    mk.props_text = props
                else:
                    mk.props_text = base_props
                if field == "unattend-source":
                    mk.unattend_xml = lambda q, v=v: base_unattend(q).replace(
                        "%%configsetroot%%\\%s.CAB" % q["base"], xml_esc(v))
                else:
                    mk.unattend_xml = base_unattend
                # component versions go into the child .mum only (manifest
                # member names are file names)
                mk.manifest_names = (lambda q: []) if field in ("kernel", "stack") else base_manifests
                if field == "member-name":
                    spec["payload_name"] = v
                if field == "file-name":
                    spec["file"] = "Windows6.0-%s-x64%s.msu" % (kb, v)
                f = build(mk, spec, signer, bundle)
                if field == "file-name":
                    expect = "unsafe-name"
                elif accepts is not None and accepts(v):
                    expect = "accepted"
                else:
                    expect = "refused"
                cases[f] = {"field": field, "payload": pname, "path": path, "expect": expect,
                            "value": v, "kb": kb}
    finally:
        mk.props_text = base_props
        mk.unattend_xml = base_unattend
        mk.manifest_names = base_manifests
        signer.close()
    with open(os.path.join(out, "cases.json"), "w", encoding="utf-8") as fh:
        json.dump(cases, fh, indent=1, ensure_ascii=True)
    return 0


def build(mk, spec, signer, bundle):
    """mkpkg.build, with the payload member renamed when asked."""
    name = spec.pop("payload_name", None)
    if name is None:
        return mk.build(spec, signer, bundle)
    real_write = mk.write
    real_gcab = mk.gcab

    def gcab(out, files, cwd, compress=True):
        if "0" in files and os.path.exists(os.path.join(cwd, "0")):
            os.rename(os.path.join(cwd, "0"), os.path.join(cwd, name))
            # first in the cabinet, so that it is listed before the reader
            # has what it needs and stops
            files = [name] + [f for f in files if f != "0"]
        real_gcab(out, files, cwd, compress)

    mk.gcab = gcab
    try:
        return mk.build(spec, signer, bundle)
    finally:
        mk.gcab = real_gcab
        mk.write = real_write


if __name__ == "__main__":
    sys.exit(main())
