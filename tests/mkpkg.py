#!/usr/bin/env python3
"""Build Windows update packages (.msu / .cab) from text, with gcab.

Test fixtures and the examples/ bundle are made by this script at build or
test time, so that no opaque binary is kept in git.  The packages have the
layout of real ones (see docs/formats.md): an MSZIP outer cabinet holding
WSUSSCAN.cab, the update cab, <name>-pkgProperties.txt and the unattend
<name>.xml; the update cab holds update.mum first, then update.cat, the
sub-package .mum files, component manifests and the payload.  Real update
cabs are LZX, which no Debian tool writes: these are MSZIP.

update.cat is a PKCS#7 SignedData made with `openssl cms -sign` and a
throw-away key: digest SHA-256 for a package marked sha2, SHA-1 otherwise,
which is what patchseq reads from a catalog (SignedData.digestAlgorithms).
With --samples DIR the real Microsoft catalogs of the samples folder are used
instead (SHA-1: KB2999226, 2015; SHA-256 only: KB4538483, 2020).

With "layout": "real" (or --layout real for every package) the update cab
has the member order of Microsoft's packages (../shared/samples/*/LISTING.txt):
_manifest_.cix.xml first (6.1 and later; a 6.0 cab has none), the component
manifests, update.mum, update.cat, then the payload in pieces "0", "1", "2"
with the sub-package .cat and .mum spread through and after it, so that
they lie behind most of the decompressed bytes.

Usage:
  mkpkg.py [--samples DIR] [--layout real] --out DIR SPEC.json     build every package of a bundle spec
  mkpkg.py [--samples DIR] [--layout real] --out DIR --one 'JSON'  build one package

A bundle spec is a JSON list of package objects; keys (all but kb optional):
  kb            "KB4474419"
  file          output file name (default Windows<os>-<kb>[-v<rev>]-<arch>.msu)
  arch          x86 | x64 | ia64 (default x64); the file name uses it
  mum_arch      processorArchitecture written in update.mum (default from arch)
  os            "6.0" (default) or "6.1"
  rev           revision number for "-vN" in the file name
  name          identity name (default Package_for_<kb>)
  version       identity version (default "<os>.1.0")
  release_type  default "Update"
  restart       "possible" | "required" | null (default "possible")
  date          "YYYY-MM-DD" creation date (default 2019-01-01)
  installer     minimum servicing stack version (default "6.0.0.0")
  provides_stack  version of Microsoft-Windows-ServicingStack delivered
  kernel        version of Microsoft-Windows-OS-Kernel delivered
  sha2          true for a SHA-256-only catalog (default false)
  payload       payload size in bytes (default 4096); random, incompressible
  container     "msu" (default) or "cab" (a bare update cab)
  wsus          true to include WSUSSCAN.cab (default true)
  superseded_by list of WSUS revision ids for package.xml SupersededBy
  extra_updates raw text inside <Updates> of package.xml, before the package's own
                Update (hostile tests)
  update_id     WSUS UpdateId (default derived from the kb)
  title         WSUS title of the bundle: package.cab then has the real layout
                (docs/formats.md 3.1): core/, extended/, localized/en/<RevisionId>
                fragments of a detectoid, the bundle and its leaf, package.xml last
  classification  WSUS UpdateClassification GUID (default from release_type)
  props         false to leave pkgProperties.txt out
  utf16_props   true to write pkgProperties.txt as UTF-16LE with a BOM
  extra_mum     raw text appended inside <package> of update.mum (for bad-input tests)
  raw_mum       complete replacement text for update.mum
  no_mum        true to leave update.mum out
  layout        "plain" (default: update.mum first, as above) or "real"
  cix_names     real layout: this many more <File> names in the cix (hostile tests)
  children      update.mum names this many more sub-packages (absent from the cab)
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

TOKEN = "31bf3856ad364e35"
MUM_ARCH = {"x86": "x86", "x64": "amd64", "ia64": "ia64"}
PARENT = {"6.0": "6.0.6001.18000", "6.1": "6.1.7601.17514"}


def esc(s):
    return (str(s).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def defaults(p):
    q = dict(p)
    q.setdefault("arch", "x64")
    q.setdefault("os", "6.0")
    q.setdefault("mum_arch", MUM_ARCH[q["arch"]])
    q.setdefault("name", "Package_for_" + q["kb"])
    q.setdefault("version", q["os"] + ".1.0")
    q.setdefault("release_type", "Update")
    q.setdefault("restart", "possible")
    q.setdefault("date", "2019-01-01")
    q.setdefault("installer", "6.0.0.0")
    q.setdefault("sha2", False)
    q.setdefault("payload", 4096)
    q.setdefault("container", "msu")
    q.setdefault("wsus", True)
    base = "Windows%s-%s%s-%s" % (q["os"], q["kb"],
                                  "-v%d" % q["rev"] if q.get("rev") else "", q["arch"])
    q.setdefault("base", base)
    q.setdefault("file", base + (".msu" if q["container"] == "msu" else ".cab"))
    q.setdefault("update_id", "%08x-0000-4000-8000-%012x" % (
        int(hashlib.sha1(q["kb"].encode()).hexdigest()[:8], 16),
        int(hashlib.sha1((q["kb"] + q["arch"]).encode()).hexdigest()[:12], 16)))
    return q


def identity_xml(name, version, arch, extra=""):
    return ('<assemblyIdentity name="%s" version="%s" language="neutral" '
            'processorArchitecture="%s" publicKeyToken="%s"%s />'
            % (esc(name), esc(version), esc(arch), TOKEN, extra))


def update_mum(q):
    if q.get("raw_mum") is not None:
        return q["raw_mum"]
    restart = ' restart="%s"' % esc(q["restart"]) if q["restart"] else ""
    child = "Package_1_for_%s" % q["kb"]
    return crlf(
        '\ufeff<?xml version="1.0" encoding="utf-8"?>\n'
        '<assembly xmlns="urn:schemas-microsoft-com:asm.v3" manifestVersion="1.0" '
        'description="Fix for %(kb)s" displayName="default" company="Microsoft Corporation" '
        'copyright="Microsoft Corporation" supportInformation="http://support.microsoft.com/?kbid=%(num)s" '
        'creationTimeStamp="%(date)sT10:00:00Z" lastUpdateTimeStamp="%(date)sT10:00:00Z">\n'
        '  %(ident)s\n'
        '  <package identifier="%(kb)s" applicabilityEvaluation="deep" releaseType="%(rt)s"%(restart)s>\n'
        '    <parent buildCompare="EQ" serviceCompare="GE" integrate="separate" disposition="detect">\n'
        '      <assemblyIdentity name="Microsoft-Windows-Foundation-Package" language="neutral" '
        'version="%(parent)s" processorArchitecture="%(arch)s" publicKeyToken="%(tok)s" buildType="release" />\n'
        '    </parent>\n'
        '    <installerAssembly name="Microsoft-Windows-ServicingStack" version="%(inst)s" language="neutral" '
        'processorArchitecture="%(arch)s" versionScope="nonSxS" publicKeyToken="%(tok)s" />\n'
        '    <update name="%(num)s-1_neutral_PACKAGE">\n'
        '      <package integrate="hidden">\n'
        '        %(child)s\n'
        '      </package>\n'
        '    </update>\n'
        '%(extra)s'
        '  </package>\n'
        '</assembly>\n' % {
            "kb": esc(q["kb"]), "num": esc(q["kb"][2:]), "date": esc(q["date"]),
            "ident": identity_xml(q["name"], q["version"], q["mum_arch"]),
            "rt": esc(q["release_type"]), "restart": restart,
            "parent": PARENT.get(q["os"], q["os"] + ".0.0"), "arch": esc(q["mum_arch"]),
            "tok": TOKEN, "inst": esc(q["installer"]),
            "child": identity_xml(child, q["version"], q["mum_arch"]),
            "extra": q.get("extra_mum", "") + more_children(q)})


def more_children(q):
    return "".join(
        '    <update name="%s-%d_neutral_PACKAGE">\n'
        '      <package integrate="hidden">\n'
        '        %s\n'
        '      </package>\n'
        '    </update>\n' % (esc(q["kb"][2:]), i + 2,
                            identity_xml("Package_%d_for_%s" % (i + 2, q["kb"]), q["version"],
                                         q["mum_arch"]))
        for i in range(int(q.get("children", 0))))


def components(q):
    out = []
    if q.get("provides_stack"):
        out.append(("Microsoft-Windows-ServicingStack", q["provides_stack"]))
    if q.get("kernel"):
        out.append(("Microsoft-Windows-OS-Kernel", q["kernel"]))
    return out


def child_mum(q):
    child = "Package_1_for_%s" % q["kb"]
    comps = "".join(
        '    <update name="%s-1_neutral_LDR">\n'
        '      <component>\n'
        '        <assemblyIdentity name="%s" version="%s" processorArchitecture="%s" language="neutral" '
        'buildType="release" publicKeyToken="%s" versionScope="nonSxS" />\n'
        '      </component>\n'
        '    </update>\n' % (esc(q["kb"][2:]), esc(n), esc(v), esc(q["mum_arch"]), TOKEN)
        for n, v in components(q))
    return crlf(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<assembly xmlns="urn:schemas-microsoft-com:asm.v3" manifestVersion="1.0" '
        'description="Fix for %s" displayName="default" company="Microsoft Corporation" '
        'copyright="Microsoft Corporation">\n'
        '  %s\n'
        '  <package identifier="%s" releaseType="%s">\n%s  </package>\n'
        '</assembly>\n' % (esc(q["kb"]), identity_xml(child, q["version"], q["mum_arch"]),
                           esc(q["kb"]), esc(q["release_type"]), comps))


def child_mum_name(q):
    return ("package_1_for_%s~%s~%s~~%s.mum"
            % (q["kb"].lower(), TOKEN, q["mum_arch"], q["version"]))


def manifest_names(q):
    names = []
    for n, v in components(q):
        h = hashlib.sha1((n + v + q["arch"]).encode()).hexdigest()[:16]
        names.append("%s_%s_%s_%s_none_%s.manifest" % (q["mum_arch"], n.lower(), TOKEN, v, h))
    return names


def component_manifest_name(q):
    """The manifest of an ordinary component: real packages always carry some."""
    v = q["version"] if q["version"].count(".") == 3 else q["os"] + ".6003.1"
    h = hashlib.sha1((q["kb"] + q["arch"]).encode()).hexdigest()[:16]
    return "%s_microsoft-windows-%s-component_%s_%s_none_%s.manifest" % (
        q["mum_arch"], q["kb"].lower(), TOKEN, v, h)


def cix_xml(q, members, sizes):
    files = "".join('<File id="%d" name="%s" length="%d" time="0" attr="32"/>' % (i, esc(n), sizes[n])
                    for i, n in enumerate(members))
    files += "".join('<File id="%d" name="x86_padding_%s_%d\\f%d.dll" length="1" time="0" attr="32"/>'
                     % (len(members) + i, TOKEN, i, i) for i in range(int(q.get("cix_names", 0))))
    return ('<?xml version="1.0" encoding="utf-8"?>\r\n<Container name="%s.cab" type="CAB" length="1" '
            'version="1" xmlns="urn:ContainerIndex"><Description/><Files>%s</Files></Container>\r\n'
            % (esc(q["base"].lower()), files)).encode()


def real_members(q, inner, rnd):
    """Writes the update cab members in the real order; returns their names."""
    members = []
    mani = [component_manifest_name(q)] + manifest_names(q)
    for m in mani:
        write(os.path.join(inner, m), crlf('<?xml version="1.0" encoding="utf-8"?>\n'
                                           '<assembly manifestVersion="1.0" />\n'))
    members += mani
    if not q.get("no_mum"):
        write(os.path.join(inner, "update.mum"), update_mum(q))
        members.append("update.mum")
    content = os.path.join(inner, "..", "catalog-content")
    write(content, "catalog of %s %s\n" % (q["kb"], q["arch"]))
    return members, content


def props_text(q):
    lines = [
        'ApplicabilityInfo="Windows %s Server SP2;"' % q["os"],
        'Applies to="Windows %s"' % q["os"],
        'Build Date="%s"' % q["date"].replace("-", "/"),
        'Company="Microsoft Corporation"',
        'File Version="1"',
        'Installation Type="FULL"',
        'Installer Engine="Component Based Servicing - WUSA.exe"',
        'Installer Version="%s"' % q["installer"],
        'KB Article Number="%s"' % q["kb"][2:],
        'Language="ALL"',
        'Package Type="%s"' % q["release_type"],
        'Processor Architecture="%s"' % q["mum_arch"],
        'Product Name="Windows %s"' % q["os"],
        'Support Link="http://support.microsoft.com?kbid=%s"' % q["kb"][2:],
    ]
    return "\r\n".join(lines) + "\r\n"


def unattend_xml(q):
    return crlf(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<unattend xmlns="urn:schemas-microsoft-com:unattend">\n'
        '    <servicing>\n'
        '        <package action="install">\n'
        '            %s\n'
        '            <source location="%%configsetroot%%\\%s.CAB" />\n'
        '        </package>\n'
        '     </servicing>\n'
        '</unattend>\n' % (identity_xml(q["name"], q["version"], q["mum_arch"]), esc(q["base"])))


def package_xml(q):
    sup = ""
    if q.get("superseded_by"):
        sup = "<SupersededBy>%s</SupersededBy>" % "".join(
            '<Revision Id="%s"/>' % esc(r) for r in q["superseded_by"])
    cls = q.get("classification") or (
        "0fa1201d-4330-4fa8-8ae9-b877473b6441" if "Security" in q["release_type"]
        else "cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83")
    return ('\ufeff<OfflineSyncPackage MinimumClientVersion="5.4.3790.2191" ProtocolVersion="2.0" '
            'PackageId="00000000-0000-0000-0000-000000000000" CreationDate="%sT12:00:00Z" '
            'PackageVersion="1.0" xmlns="http://schemas.microsoft.com/msus/2004/02/OfflineSync">'
            '<Updates>%s<Update CreationDate="%sT12:00:00Z" DefaultLanguage="en" UpdateId="%s" '
            'RevisionNumber="200" RevisionId="1001" IsLeaf="true" IsBundle="true"><Categories>'
            '<Category Type="Company" Id="56309036-4c77-4dd9-951a-99ee9c246a94"/>'
            '<Category Type="UpdateClassification" Id="%s"/></Categories>'
            '<Prerequisites><UpdateId Id="%s"/></Prerequisites>%s</Update></Updates>'
            '</OfflineSyncPackage>' % (esc(q["date"]), q.get("extra_updates", ""), esc(q["date"]), esc(q["update_id"]), cls,
                                       cls, sup))


def wsus_fragments(q, wdir):
    """core/, extended/ and localized/en/ of a detectoid (1000), the bundle
    (1001, the RevisionId of package_xml) and its leaf (1002), in the member
    order of a real package.cab (folders in turn, package.xml last)."""
    kbnum = q["kb"][2:]
    frag = {
        "core": {
            "1000": '<UpdateIdentity UpdateID="%s" RevisionNumber="200" /><Properties '
                    'UpdateType="Detectoid" />' % esc(q["update_id"]),
            "1001": '<UpdateIdentity UpdateID="%s" RevisionNumber="200" /><Properties '
                    'UpdateType="Software" ExplicitlyDeployable="true" />' % esc(q["update_id"]),
            "1002": '<UpdateIdentity UpdateID="%s" RevisionNumber="200" /><Properties '
                    'UpdateType="Software" />' % esc(q["update_id"])},
        "extended": {
            "1000": '<ExtendedProperties DefaultPropertiesLanguage="en" />',
            "1001": '<ExtendedProperties DefaultPropertiesLanguage="en" IsBeta="false"><KBArticleID>'
                    '%s</KBArticleID></ExtendedProperties>' % esc(kbnum),
            "1002": '<ExtendedProperties DefaultPropertiesLanguage="en" />'},
        "localized/en": {
            "1000": '<LocalizedProperties><Language>en</Language><Title>Windows %s</Title>'
                    '</LocalizedProperties>' % esc(q["os"]),
            "1001": '<LocalizedProperties><Language>en</Language><Title>%s</Title><Description>'
                    'Fix for %s</Description></LocalizedProperties>' % (esc(q["title"]), esc(q["kb"])),
            "1002": '<LocalizedProperties><Language>en</Language><Title>Binary  0</Title>'
                    '</LocalizedProperties>'},
    }
    members = []
    for folder in ("core", "extended", "localized/en"):
        os.makedirs(os.path.join(wdir, folder))
        for rev in sorted(frag[folder]):
            write(os.path.join(wdir, folder, rev), frag[folder][rev])
            members.append(folder + "/" + rev)
    return members


def gcab(out, files, cwd, compress=True, paths=False):
    cmd = ["gcab", "-c"] + (["-z"] if compress else []) + ([] if paths else ["-n"]) + [out] + files
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def write(path, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    kw = {} if isinstance(data, bytes) else {"encoding": "utf-8", "newline": ""}
    with open(path, mode, **kw) as fh:
        fh.write(data)


class Signer:
    """A throw-away signing key, made once per run."""

    def __init__(self, samples):
        self.samples = samples
        self.dir = None

    def catalog(self, sha2, content_path, out_path):
        if self.samples:
            cat = os.path.join(self.samples, "win7-kb4538483-x64" if sha2 else "win7-kb2999226-x64",
                               "update.cat")
            shutil.copyfile(cat, out_path)
            return
        if self.dir is None:
            self.dir = tempfile.mkdtemp(prefix="mkpkg-key.")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-subj", "/CN=patchseq test catalog signer", "-days", "2",
                            "-keyout", os.path.join(self.dir, "key.pem"),
                            "-out", os.path.join(self.dir, "cert.pem")],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["openssl", "cms", "-sign", "-md", "sha256" if sha2 else "sha1",
                        "-binary", "-nodetach", "-outform", "DER", "-in", content_path,
                        "-signer", os.path.join(self.dir, "cert.pem"),
                        "-inkey", os.path.join(self.dir, "key.pem"), "-out", out_path],
                       check=True, stdout=subprocess.DEVNULL)

    def close(self):
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)


def plain_update_cab(q, inner, tmp, rnd, signer):
    """update.mum first, then update.cat, the sub-package .mum, manifests, payload."""
    members = []
    if not q.get("no_mum"):
        write(os.path.join(inner, "update.mum"), update_mum(q))
        members.append("update.mum")
    content = os.path.join(tmp, "catalog-content")
    write(content, "catalog of %s %s\n" % (q["kb"], q["arch"]))
    signer.catalog(q["sha2"], content, os.path.join(inner, "update.cat"))
    members.append("update.cat")
    write(os.path.join(inner, child_mum_name(q)), child_mum(q))
    members.append(child_mum_name(q))
    for m in manifest_names(q):
        write(os.path.join(inner, m), crlf('<?xml version="1.0" encoding="utf-8"?>\n'
                                           '<assembly manifestVersion="1.0" />\n'))
        members.append(m)
    write(os.path.join(inner, "0"), rnd.randbytes(int(q["payload"])))
    members.append("0")
    return members


def real_update_cab(q, inner, rnd, signer):
    """The member order of LISTING.txt: cix (6.1+), manifests, update.mum,
    update.cat, payload "0" (60 %), the sub-package .cat, "1" (30 %), the
    sub-package .mum, "2" (10 %)."""
    members, content = real_members(q, inner, rnd)
    signer.catalog(q["sha2"], content, os.path.join(inner, "update.cat"))
    members.append("update.cat")
    total = int(q["payload"])
    parts = [total * 6 // 10, total * 3 // 10]
    parts.append(total - sum(parts))
    child = child_mum_name(q)
    child_cat = child[:-4] + ".cat"
    signer.catalog(q["sha2"], content, os.path.join(inner, child_cat))
    write(os.path.join(inner, child), child_mum(q))
    for i, n in enumerate(parts):
        write(os.path.join(inner, str(i)), rnd.randbytes(n))
    members += ["0", child_cat, "1", child, "2"]
    if q["os"] != "6.0":
        sizes = {m: os.path.getsize(os.path.join(inner, m)) for m in members}
        write(os.path.join(inner, "_manifest_.cix.xml"), cix_xml(q, members, sizes))
        members.insert(0, "_manifest_.cix.xml")
    return members


def build(p, signer, outdir):
    q = defaults(p)
    rnd = random.Random(q["kb"] + q["arch"] + str(q.get("rev", 0)))
    with tempfile.TemporaryDirectory(prefix="mkpkg.") as tmp:
        inner = os.path.join(tmp, "inner")
        outer = os.path.join(tmp, "outer")
        os.makedirs(inner)
        os.makedirs(outer)
        if q.get("layout", "plain") == "real":
            members = real_update_cab(q, inner, rnd, signer)
        else:
            members = plain_update_cab(q, inner, tmp, rnd, signer)
        if q["container"] == "cab":
            gcab(os.path.join(os.path.abspath(outdir), q["file"]), members, inner)
            return q["file"]
        cabname = q["base"] + ".cab"
        gcab(os.path.join(outer, cabname), members, inner)
        outer_members = []
        if q["wsus"]:
            wdir = os.path.join(tmp, "wsus")
            os.makedirs(wdir)
            members = wsus_fragments(q, wdir) if q.get("title") is not None else []
            write(os.path.join(wdir, "package.xml"), package_xml(q))
            gcab(os.path.join(wdir, "package.cab"), members + ["package.xml"], wdir, paths=True)
            gcab(os.path.join(outer, "WSUSSCAN.cab"), ["package.cab"], wdir)
            outer_members.append("WSUSSCAN.cab")
        outer_members.append(cabname)
        if q.get("props", True):
            pname = q["base"] + "-pkgProperties.txt"
            text = props_text(q)
            data = ("\ufeff" + text).encode("utf-16-le") if q.get("utf16_props") else text.encode()
            write(os.path.join(outer, pname), data)
            outer_members.append(pname)
        xname = q["base"] + ".xml"
        write(os.path.join(outer, xname), unattend_xml(q))
        outer_members.append(xname)
        gcab(os.path.join(os.path.abspath(outdir), q["file"]), outer_members, outer)
        return q["file"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", help="take the real update.cat files from this samples folder")
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--one", help="a single package as JSON")
    ap.add_argument("--stamp", help="touch this file when done (for build systems)")
    ap.add_argument("--layout", choices=["plain", "real"],
                    help="member order of every package that does not set its own")
    ap.add_argument("spec", nargs="?", help="bundle spec (JSON list)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.one:
        specs = [json.loads(a.one)]
    elif a.spec:
        with open(a.spec, encoding="utf-8") as fh:
            specs = json.load(fh)
    else:
        ap.error("give SPEC.json or --one")
    signer = Signer(a.samples)
    try:
        for p in specs:
            if a.layout and "layout" not in p:
                p = dict(p, layout=a.layout)
            name = build(p, signer, a.out)
            sub = p.get("dir")
            if sub:
                os.makedirs(os.path.join(a.out, sub), exist_ok=True)
                os.replace(os.path.join(a.out, name), os.path.join(a.out, sub, name))
    finally:
        signer.close()
    if a.stamp:
        with open(a.stamp, "w", encoding="utf-8") as fh:
            fh.write("%d packages\n" % len(specs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
