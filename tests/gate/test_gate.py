#!/usr/bin/env python3
"""CLI tests of the CI gate and of the conventions CI users expect.

Runs the patchseq binary ($PATCHSEQ) on bundles built here from text with
tests/mkpkg.py, each from inside a scratch folder so that the output holds
no temporary path, and asserts the exact output, findings and exit code:

  - a folder with no package, or only foreign files, is empty-bundle (1);
  - an archive of a good bundle reads as the folder does;
  - packages kept as symbolic links are followed; loops, links out of
    the bundle and dangling links are findings;
  - the same file reached twice is read once;
  - a Windows installer beside the packages is unplanned-installer;
  - a file name naming another KB than its metadata is name-mismatch;
  - waivers: matching, matching nothing, expired, malformed;
  - diff of two bundles, two plans and two locks;
  - --arch amd64, did-you-mean, help CMD, --junit -, -o -, paths from
    standard input and --files-from, --quiet, --verbose, NO_COLOR,
    TERM=dumb and the progress bar, the bash completion;
  - every JSON document written is valid against docs/schema/.
"""
import json
import os
import pty
import select
import shutil
import subprocess
import sys
import tarfile
import tempfile
import xml.dom.minidom
import zipfile

PATCHSEQ = os.environ["PATCHSEQ"]
MKPKG = os.environ["PS_MKPKG"]
SRC = os.environ["PS_SOURCE_DIR"]
SPECS = os.path.join(SRC, "tests", "validate")

sys.path.insert(0, os.path.join(SRC, "tests", "schema"))
try:
    import check_schemas  # noqa: E402
    SCHEMAS = check_schemas.load_schemas(os.path.join(SRC, "docs", "schema"))
except SystemExit:
    SCHEMAS = None  # python3-jsonschema missing: the schema test says so

FAILED = []
CHECKED_JSON = [0]


def run(args, cwd, stdin=None, env=None):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    if env:
        e.update(env)
    p = subprocess.run([PATCHSEQ] + args, cwd=cwd, input=stdin, capture_output=True,
                       env=e, timeout=120)
    out, err = p.stdout.decode(), p.stderr.decode()
    if out.startswith('{') and '"schema":' in out[:40]:  # indented, or on one line (a pipe)
        check_json(out, args)
    return p.returncode, out, err


def check_json(text, args):
    keep = os.environ.get("PS_TEST_JSON_DIR")
    if keep:  # for the schema test too (tests/schema)
        os.makedirs(keep, exist_ok=True)
        with open(os.path.join(keep, "gate-%d-%d.json" % (os.getpid(), CHECKED_JSON[0])), "w") as f:
            f.write(text)
    if SCHEMAS is None:
        return
    doc = json.loads(text)
    v = SCHEMAS.get(doc["schema"])
    if v is None:
        fail("%s: no schema for %s" % (args, doc["schema"]))
        return
    errs = list(v.iter_errors(doc))
    for e in errs:
        fail("%s: JSON not valid against %s: %s at /%s" % (
            " ".join(args), doc["schema"], e.message, "/".join(map(str, e.absolute_path))))
    CHECKED_JSON[0] += 1


def fail(msg):
    FAILED.append(msg)
    print("FAIL: " + msg)


def eq(what, got, want):
    if got != want:
        fail("%s:\n--- want\n%s\n--- got\n%s" % (what, want, got))


def expect(what, r, rc, out=None, err=None):
    got_rc, got_out, got_err = r
    eq(what + " (exit code)", got_rc, rc)
    if out is not None:
        eq(what + " (stdout)", got_out, out)
    if err is not None:
        eq(what + " (stderr)", got_err, err)


def mk(out, *specs):
    for s in specs:
        subprocess.run([sys.executable, MKPKG, "--out", out, os.path.join(SPECS, s)],
                       check=True, stdout=subprocess.DEVNULL)


SSU = "Windows6.0-KB4493730-x64.msu"
SHA2 = "Windows6.0-KB4474419-v4-x64.msu"
STACK = "Windows6.0-KB4517134-x64.msu"
ROLLUP = "Windows6.0-KB4520002-x64.msu"
OLD_ROLLUP = "Windows6.0-KB4512476-x64.msu"
CLEAN = sorted([SSU, SHA2, STACK, ROLLUP])
FOREIGN = ": info: foreign-file: not an update package (no MSCF signature)\n"


def passed(strict, pkgs, warnings=0, info=0, extra=""):
    return "validate%s: passed: %d packages, 1 plan; 0 errors, %d warning%s, %d info%s\n" % (
        " --strict" if strict else "", pkgs, warnings, "" if warnings == 1 else "s", info, extra)


def setup(t):
    mk(os.path.join(t, "good"), "clean.json")
    with open(os.path.join(t, "good", "README.txt"), "w") as f:
        f.write("release notes, not a package\n")
    mk(os.path.join(t, "sup"), "clean.json")
    for f in CLEAN:  # the same bytes as good/, so that locks compare file by file
        shutil.copy(os.path.join(t, "good", f), os.path.join(t, "sup", f))
    mk(os.path.join(t, "sup"), "superseded.json")


# ---------------------------------------------------------------- the gate

def test_empty(t):
    os.mkdir(os.path.join(t, "empty"))
    expect("empty folder", run(["validate", "--strict", "empty"], t), 1,
           "error: empty-bundle: no update package was read: the bundle holds no files\n"
           "validate --strict: FAILED: 0 packages, 0 plans; 1 error, 0 warnings, 0 info\n", "")
    # only things that are not packages: said what was found instead
    d = os.path.join(t, "junk")
    os.mkdir(d)
    with open(os.path.join(d, "notes.txt"), "w") as f:
        f.write("not a package\n")
    with open(os.path.join(d, "broken.msu"), "w") as f:
        f.write("MSCF but not really")
    os.symlink("gone.msu", os.path.join(d, "dangling.msu"))
    expect("foreign files only", run(["validate", "junk"], t), 1,
           "error: empty-bundle: no update package was read: found 1 foreign file, 1 "
           "unreadable, 1 symbolic link not followed\n"
           "junk/broken.msu: error: unreadable-package: cannot read the cabinet: "
           "Unrecognized archive format\n"
           "junk/dangling.msu: error: dangling-link: dangling symbolic link: its target cannot "
           "be reached (No such file or directory)\n"
           "junk/notes.txt" + FOREIGN +
           "validate: FAILED: 1 package, 0 plans; 3 errors, 0 warnings, 1 info\n", "")
    # every command that reads a bundle refuses an empty one
    for cmd in (["inspect"], ["plan"], ["lock"]):
        r = run(cmd + ["empty"], t)
        eq("%s on an empty folder (exit code)" % cmd[0], r[0], 1)
        if "empty-bundle" not in r[1] + r[2]:
            fail("%s on an empty folder does not say empty-bundle: %r" % (cmd[0], r))
    r = run(["validate", "--format", "json", "empty"], t)
    doc = json.loads(r[1])
    eq("empty folder JSON ok", doc["ok"], False)
    eq("empty folder JSON findings", [(x["code"], x["severity"]) for x in doc["findings"]],
       [("empty-bundle", "error")])


def test_archive(t):
    good = os.path.join(t, "good")
    with zipfile.ZipFile(os.path.join(t, "good.zip"), "w") as z:
        for f in sorted(os.listdir(good)):
            z.write(os.path.join(good, f), f)
    with tarfile.open(os.path.join(t, "good.tar.gz"), "w:gz") as z:
        for f in sorted(os.listdir(good), reverse=True):  # another order
            z.add(os.path.join(good, f), "./" + f)
    folder = run(["validate", "--strict", "good"], t)
    expect("folder", folder, 0, "good/README.txt" + FOREIGN + passed(True, 4, info=1), "")
    for name in ("good.zip", "good.tar.gz"):
        r = run(["validate", "--strict", name], t)
        expect(name, r, 0, folder[1].replace("good/", name + "/"), "")
        # the same plan as the folder
        plan_f = run(["plan", "--format", "json", "good"], t)
        plan_a = run(["plan", "--format", "json", name], t)
        eq(name + " plan", plan_a[1].replace(name + "/", "good/"), plan_f[1])
        eq(name + " plan exit", plan_a[0], 0)
        ins = run(["inspect", "--format", "json", name], t)
        eq(name + " inspect exit", ins[0], 0)
        eq(name + " inspect packages", [p["file"] for p in json.loads(ins[1])["packages"]],
           [name + "/" + f for f in CLEAN])
        lock = run(["lock", name], t)
        eq(name + " lock exit", lock[0], 0)
        eq(name + " lock files", [f["path"] for f in json.loads(lock[1])["files"]],
           [name + "/" + f for f in CLEAN])
        with open(os.path.join(t, name + ".lock"), "w") as f:
            f.write(lock[1])
        expect(name + " validate --lock", run(["validate", "--lock", name + ".lock", name], t),
               0, "%s/README.txt" % name + FOREIGN +
               passed(False, 4, info=1).replace(", 1 plan;", ", 1 plan, checked against %s.lock;"
                                                % name), "")
        for fmt in ("cmd", "ps1"):
            expect(name + " plan --format " + fmt,
                   run(["plan", "--format", fmt, "--arch", "x64", name], t), 2, "",
                   "patchseq plan: --format %s: %s is an archive: the script needs the package "
                   "files on disk; extract it and plan the folder\n" % (fmt, name))
    # an archive with nothing in it, or only notes, is an empty bundle too
    zipfile.ZipFile(os.path.join(t, "empty.zip"), "w").close()
    expect("an empty archive", run(["validate", "empty.zip"], t), 1,
           "error: empty-bundle: no update package was read: the bundle holds no files\n"
           "validate: FAILED: 0 packages, 0 plans; 1 error, 0 warnings, 0 info\n", "")
    with zipfile.ZipFile(os.path.join(t, "notes.zip"), "w") as z:
        z.writestr("notes.txt", "not a package\n")
        z.writestr("setup.exe", "MZ")
    expect("an archive of no package", run(["validate", "notes.zip"], t), 1,
           "error: empty-bundle: no update package was read: found 2 foreign files, 0 "
           "unreadable, 0 symbolic links not followed\n"
           "notes.zip/notes.txt" + FOREIGN +
           "notes.zip/setup.exe: warning: unplanned-installer: a Windows installer, not an "
           "update package: patchseq cannot order it; install it by hand or leave it out of the "
           "bundle\n"
           "validate: FAILED: 0 packages, 0 plans; 1 error, 1 warning, 1 info\n", "")
    with open(os.path.join(t, "bad.zip"), "wb") as f:
        f.write(b"PK\x03\x04 not really a zip")
    r = run(["validate", "bad.zip"], t)
    eq("a damaged archive (exit code)", r[0], 1)
    if "bad.zip: error: unreadable-package: cannot read the archive" not in r[1]:
        fail("a damaged archive: %r" % (r,))


def test_symlinks(t):
    # laid out as git-annex does: the packages are links into an object store
    b = os.path.join(t, "annexed")
    store = os.path.join(b, "objects")
    os.makedirs(store)
    for f in CLEAN:
        key = "SHA256E-" + f.lower()
        shutil.copy(os.path.join(t, "good", f), os.path.join(store, key))
        os.symlink(os.path.join("objects", key), os.path.join(b, f))
    expect("symlinked packages", run(["validate", "--strict", "annexed"], t), 0,
           passed(True, 4), "")
    r = run(["inspect", "--format", "json", "annexed"], t)
    eq("symlinked packages are read under the link names",
       [p["file"] for p in json.loads(r[1])["packages"]], ["annexed/" + f for f in CLEAN])
    # a loop, a link out of the bundle, a dangling link, a link to a folder
    os.symlink(".", os.path.join(b, "loop"))
    os.symlink(os.path.join("..", "sup", OLD_ROLLUP), os.path.join(b, "outside.msu"))
    os.symlink("missing.msu", os.path.join(b, "dangling.msu"))
    os.makedirs(os.path.join(t, "annexed-sub", "real"))
    expect("links that are not followed", run(["validate", "annexed"], t), 1,
           "annexed/dangling.msu: error: dangling-link: dangling symbolic link: its target "
           "cannot be reached (No such file or directory)\n"
           "annexed/loop: warning: link-not-followed: symbolic link not followed: it names a "
           "folder it is inside (a loop)\n"
           "annexed/outside.msu: warning: link-not-followed: symbolic link not followed: its "
           "target is outside the folders given (give the folder that holds the targets too)\n"
           "validate: FAILED: 4 packages, 1 plan; 1 error, 2 warnings, 0 info\n", "")
    # the folder holding the target given too: followed
    r = run(["validate", "annexed", "sup"], t)
    if "outside.msu: warning: link-not-followed" in r[1]:
        fail("a link into another PATH is not followed: %r" % (r,))


def test_same_file_twice(t):
    once = run(["validate", "good"], t)
    expect("a folder", once, 0, "good/README.txt" + FOREIGN + passed(False, 4, info=1), "")
    expect("the same folder twice", run(["validate", "good", "good"], t), 0, once[1], "")
    expect("the same folder twice, once as ./good", run(["validate", "good", "./good/"], t), 0,
           once[1], "")
    expect("a file and its folder", run(["validate", "good", "good/" + SSU], t), 0, once[1], "")
    os.symlink(SSU, os.path.join(t, "good", "link-to-ssu.msu"))
    try:
        expect("a link beside its target", run(["validate", "good"], t), 0, once[1], "")
    finally:
        os.unlink(os.path.join(t, "good", "link-to-ssu.msu"))
    # a hard link is the same file too
    d = os.path.join(t, "hard")
    os.mkdir(d)
    for f in CLEAN:
        os.link(os.path.join(t, "good", f), os.path.join(d, f))
    os.link(os.path.join(t, "good", SSU), os.path.join(d, "copy.msu"))
    expect("a hard link", run(["validate", "hard"], t), 0, passed(False, 4), "")


def test_installer(t):
    d = os.path.join(t, "with-exe")
    shutil.copytree(os.path.join(t, "good"), d)
    with open(os.path.join(d, "ndp48-x86-x64-allos-enu.exe"), "wb") as f:
        f.write(b"MZ\x90\x00")
    with open(os.path.join(d, "vcredist.MSI"), "wb") as f:
        f.write(b"\xd0\xcf\x11\xe0")
    lines = ("with-exe/README.txt" + FOREIGN +
             "with-exe/ndp48-x86-x64-allos-enu.exe: warning: unplanned-installer: a Windows "
             "installer, not an update package: patchseq cannot order it; install it by hand or "
             "leave it out of the bundle\n"
             "with-exe/vcredist.MSI: warning: unplanned-installer: a Windows installer, not an "
             "update package: patchseq cannot order it; install it by hand or leave it out of "
             "the bundle\n")
    expect(".exe beside the packages", run(["validate", "with-exe"], t), 0,
           lines + passed(False, 4, warnings=2, info=1), "")
    expect(".exe beside the packages, --strict", run(["validate", "--strict", "with-exe"], t), 1,
           lines + "validate --strict: FAILED: 4 packages, 1 plan; 0 errors, 2 warnings, 1 info\n",
           "")


def test_name_mismatch(t):
    d = os.path.join(t, "renamed")
    shutil.copytree(os.path.join(t, "good"), d)
    os.remove(os.path.join(d, "README.txt"))
    os.rename(os.path.join(d, SSU), os.path.join(d, "Windows6.0-KB4000001-x64.msu"))
    expect("a file name naming another KB", run(["validate", "--strict", "renamed"], t), 1,
           "renamed/Windows6.0-KB4000001-x64.msu: warning: name-mismatch [x64]: the file name "
           "says KB4000001 but update.mum says KB4493730: renamed, or the wrong file under this "
           "name; planned as KB4493730\n"
           "validate --strict: FAILED: 4 packages, 1 plan; 0 errors, 1 warning, 0 info\n", "")
    expect("the name matches: no finding", run(["validate", "--strict", "good"], t), 0)


def test_waivers(t):
    sup_line = ("sup/Windows6.0-KB4512476-x64.msu: warning: superseded [x64]%s: superseded by "
                "KB4520002: a newer version of Package_for_RollupFix (6.0.1.22 > 6.0.1.20)\n")
    expect("no waiver", run(["validate", "--strict", "sup"], t), 1,
           sup_line % "" +
           "validate --strict: FAILED: 5 packages, 1 plan; 0 errors, 1 warning, 0 info\n")
    expect("a waiver that matches", run(["validate", "--strict", "--waive", "superseded:KB4512476",
                                         "sup"], t), 0,
           sup_line % " (waived)" +
           "validate --strict: passed: 5 packages, 1 plan; 0 errors, 1 warning, 0 info; "
           "1 waived\n", "")
    expect("a waiver of the whole code", run(["validate", "--strict", "--waive", "superseded",
                                              "sup"], t), 0,
           sup_line % " (waived)" +
           "validate --strict: passed: 5 packages, 1 plan; 0 errors, 1 warning, 0 info; "
           "1 waived\n", "")
    expect("a waiver that matches nothing", run(["validate", "--strict", "--waive",
                                                 "superseded:KB4489887", "sup"], t), 1,
           "info: unused-waiver: waiver 'superseded:KB4489887' matches no finding: remove it\n" +
           sup_line % "" +
           "validate --strict: FAILED: 5 packages, 1 plan; 0 errors, 1 warning, 1 info\n", "")
    with open(os.path.join(t, "waivers.txt"), "w") as f:
        f.write("# accepted risks\n"
                "superseded:KB4512476 expires=2000-01-31 kept until the rollup is tested\n"
                "\n"
                "duplicate expires=2999-12-31 mirror keeps two names   # never seen here\n")
    expect("an expired waiver", run(["validate", "--strict", "--waivers", "waivers.txt", "sup"],
                                    t), 1,
           sup_line % "" +
           "waivers.txt: line 2: warning: expired-waiver: waiver 'superseded:KB4512476' expired "
           "on 2000-01-31 (kept until the rollup is tested): it waives nothing now; renew it or "
           "fix what it waived\n"
           "waivers.txt: line 4: info: unused-waiver: waiver 'duplicate' matches no finding: "
           "remove it\n"
           "validate --strict: FAILED: 5 packages, 1 plan; 0 errors, 2 warnings, 1 info\n", "")
    with open(os.path.join(t, "waivers2.txt"), "w") as f:
        f.write("superseded:KB4512476 expires=2999-12-31 kept until the rollup is tested\n")
    r = run(["validate", "--strict", "--waivers", "waivers2.txt", "--format", "json", "sup"], t)
    eq("a waiver from a file (exit code)", r[0], 0)
    doc = json.loads(r[1])
    eq("waived in JSON", [(x["code"], x.get("waived", False)) for x in doc["findings"]],
       [("superseded", True)])
    eq("waived in the JSON summary", doc["summary"]["waived"], 1)
    eq("JSON ok with a waiver", doc["ok"], True)
    # JUnit: a waived finding is no failure
    r = run(["validate", "--strict", "--waive", "superseded", "--junit", "-", "sup"], t)
    x = xml.dom.minidom.parseString(r[1])
    eq("waived: no JUnit failure", x.documentElement.getAttribute("failures"), "0")
    # malformed waivers: exit 2, said where
    for args, msg in (
            (["--waive", "superseed"], "patchseq validate: --waive superseed: unknown finding "
             "code 'superseed'; did you mean 'superseded'?\n"),
            (["--waive", "superseded:12x"], "patchseq validate: --waive superseded:12x: '12x' "
             "is not a KB number\n"),
            (["--waivers", "no-such-file"], "patchseq validate: no-such-file: cannot open the "
             "waivers\n")):
        expect("bad waiver %s" % args, run(["validate"] + args + ["sup"], t), 2, "", msg)
    for body, msg in (("superseded\n", "a waiver needs a reason (CODE[:KB] "
                       "[expires=YYYY-MM-DD] REASON)"),
                      ("superseded expires=2020-13-01 why\n", "expires=2020-13-01 is not a date "
                       "(YYYY-MM-DD)")):
        with open(os.path.join(t, "bad-waivers.txt"), "w") as f:
            f.write("# header\n" + body)
        expect("bad waivers file %r" % body, run(["validate", "--waivers", "bad-waivers.txt",
                                                  "sup"], t), 2, "",
               "patchseq validate: bad-waivers.txt:2: %s\n" % msg)


def test_diff(t):
    expect("diff of two bundles", run(["diff", "good", "sup"], t), 1,
           "diff good -> sup\n"
           "KBs added: KB4512476\n"
           "KBs removed: none\n"
           "newly superseded: KB4512476 (6.0 x64, by KB4520002)\n"
           "plan 6.0 x64: unchanged\n", "")
    expect("diff the other way", run(["diff", "sup", "good"], t), 1,
           "diff sup -> good\n"
           "KBs added: none\n"
           "KBs removed: KB4512476\n"
           "newly superseded: none\n"
           "plan 6.0 x64: unchanged\n", "")
    d = os.path.join(t, "less")
    os.mkdir(d)
    for f in (SSU, SHA2, ROLLUP):
        shutil.copy(os.path.join(t, "good", f), d)
    expect("diff with a plan changed", run(["diff", "good", "less"], t), 1,
           "diff good -> less\n"
           "KBs added: none\n"
           "KBs removed: KB4517134\n"
           "newly superseded: none\n"
           "plan 6.0 x64: changed: 4 -> 2 installs, 2 -> 1 reboots; - KB4517134, KB4520002\n",
           "")
    expect("diff of a bundle with itself", run(["diff", "good", "good"], t), 0,
           "diff good -> good\n"
           "KBs added: none\n"
           "KBs removed: none\n"
           "newly superseded: none\n"
           "plan 6.0 x64: unchanged\n"
           "no change to the plans\n", "")
    expect("diff in Markdown", run(["diff", "--format", "md", "good", "less"], t), 1,
           "### patchseq diff\n\n"
           "Old: good  \nNew: less\n\n"
           "- **KBs added:** none\n"
           "- **KBs removed:** KB4517134\n"
           "- **Newly superseded:** none\n\n"
           "| Plan | Status | Installs | Reboots | Added | Removed |\n"
           "|---|---|---|---|---|---|\n"
           "| 6.0 x64 | changed | 4 → 2 | 2 → 1 | none | KB4517134, KB4520002 |\n", "")
    r = run(["diff", "--format", "json", "good", "sup"], t)
    eq("diff JSON exit", r[0], 1)
    doc = json.loads(r[1])
    eq("diff JSON", (doc["mode"], doc["kbs_added"], doc["newly_superseded"], doc["changed"]),
       ("plans", ["KB4512476"], [{"kb": "KB4512476", "os": "6.0", "arch": "x64",
                                  "by": "KB4520002"}], True))
    # two plan outputs give what the two bundles give
    for name in ("good", "sup"):
        with open(os.path.join(t, name + ".plan.json"), "w") as f:
            f.write(run(["plan", "--format", "json", name], t)[1])
    r = run(["diff", "good.plan.json", "sup.plan.json"], t)
    eq("diff of two plans", (r[0], r[1].split("\n", 1)[1]),
       (1, run(["diff", "good", "sup"], t)[1].split("\n", 1)[1]))
    # two locks: files and the plan digest
    for name in ("good", "sup"):
        with open(os.path.join(t, name + ".lock.json"), "w") as f:
            f.write(run(["lock", name], t)[1])
    expect("diff of two locks", run(["diff", "good.lock.json", "sup.lock.json"], t), 1,
           "diff good.lock.json -> sup.lock.json\n"
           "files added: Windows6.0-KB4512476-x64.msu\n"
           "files removed: none\n"
           "files changed: none\n"
           "plan: changed (the plan digest differs)\n", "")
    r = run(["diff", "--format", "json", "good.lock.json", "good"], t)
    eq("a lock and its bundle", (r[0], json.loads(r[1])["changed"]), (0, False))
    expect("a plan and a lock", run(["diff", "good.plan.json", "good.lock.json"], t), 2, "",
           "patchseq diff: good.plan.json is a plan and good.lock.json a lock: a lock holds no "
           "plan to compare; give two plans, two locks or bundles\n")
    expect("diff with one side", run(["diff", "good"], t), 2)
    with open(os.path.join(t, "other.json"), "w") as f:
        f.write('{"schema": "something/1"}\n')
    expect("diff of an unknown document", run(["diff", "other.json", "good"], t), 2, "",
           "patchseq diff: other.json: neither a plan (patchseq.plan/1) nor a lock "
           "(patchseq.lock/1)\n")


# ---------------------------------------------------------------- conventions

def test_arch(t):
    x64 = run(["plan", "--arch", "x64", "good"], t)
    eq("--arch x64 exit", x64[0], 0)
    for v in ("amd64", "AMD64", "X64"):
        expect("--arch " + v, run(["plan", "--arch", v, "good"], t), 0, x64[1])
    expect("--arch misspelt", run(["plan", "--arch", "amd46", "good"], t), 2, "",
           "patchseq plan: unknown architecture 'amd46'; did you mean 'amd64'? (x86, x64 or "
           "amd64, ia64)\n")
    expect("--arch list misspelt", run(["plan", "--arch", "x86,ia46", "good"], t), 2, "",
           "patchseq plan: unknown architecture 'ia46'; did you mean 'ia64'? (x86, x64 or amd64, "
           "ia64)\n")
    expect("--arch far off", run(["plan", "--arch", "arm64", "good"], t), 2, "",
           "patchseq plan: unknown architecture 'arm64' (x86, x64 or amd64, ia64)\n")
    expect("explain --arch amd64", run(["explain", "--arch", "amd64", "KB4474419", "good"], t), 0)
    expect("a misspelt option", run(["validate", "--stirct", "good"], t), 2, "",
           "patchseq validate: bad option '--stirct'; did you mean '--strict'? (see 'patchseq "
           "validate --help')\n")
    expect("a misspelt command", run(["valdate", "good"], t), 2, "",
           "patchseq: unknown command 'valdate'; did you mean 'validate'? (see 'patchseq "
           "--help')\n")
    for cmd in ("inspect", "plan", "explain", "validate", "lock", "diff", "rules"):
        want = run([cmd, "--help"], t)
        expect("help " + cmd, run(["help", cmd], t), 0, want[1], "")
        if not want[1].startswith("usage: patchseq " + cmd):
            fail("%s --help: %r" % (cmd, want[1][:60]))


def test_junit_stdout(t):
    r = run(["validate", "--junit", "-", "good"], t)
    eq("--junit - exit", r[0], 0)
    eq("--junit -: the report on stderr", r[2], "good/README.txt" + FOREIGN +
       passed(False, 4, info=1))
    x = xml.dom.minidom.parseString(r[1])  # only the XML: it parses
    eq("--junit -: testsuites", x.documentElement.tagName, "testsuites")
    eq("--junit -: tests", x.documentElement.getAttribute("tests"), "6")
    r = run(["validate", "--junit", "-", "--format", "json", "-o", "report.json", "good"], t)
    eq("--junit - with -o FILE (exit, stderr)", (r[0], r[2]), (0, ""))
    xml.dom.minidom.parseString(r[1])
    with open(os.path.join(t, "report.json")) as f:
        check_json(f.read(), ["validate -o report.json"])
    expect("-o -", run(["validate", "-o", "-", "good"], t), 0,
           "good/README.txt" + FOREIGN + passed(False, 4, info=1), "")
    expect("plan -o -", run(["plan", "-o", "-", "good"], t), 0, run(["plan", "good"], t)[1], "")


def test_paths_from_stdin(t):
    listing = "".join("good/%s\n" % f for f in CLEAN)
    want = passed(False, 4)
    expect("paths from stdin", run(["validate", "-"], t, stdin=listing.encode()), 0, want, "")
    expect("paths from stdin, CRLF and blank lines",
           run(["validate", "-"], t, stdin=("\r\n" + listing.replace("\n", "\r\n")).encode()),
           0, want, "")
    with open(os.path.join(t, "list.txt"), "w") as f:
        f.write(listing)
    expect("--files-from", run(["validate", "--files-from", "list.txt"], t), 0, want, "")
    expect("--files-from -", run(["validate", "--files-from", "-"], t, stdin=listing.encode()),
           0, want, "")
    find = subprocess.run(["find", "good", "-name", "*.msu"], cwd=t, capture_output=True,
                          check=True).stdout
    expect("find | patchseq validate -", run(["validate", "--strict", "-"], t, stdin=find), 0,
           passed(True, 4), "")
    r = run(["plan", "--format", "json", "-"], t, stdin=listing.encode())
    eq("plan - (exit)", r[0], 0)
    expect("inspect -", run(["inspect", "-"], t, stdin=listing.encode()), 0)
    expect("empty stdin", run(["validate", "-"], t, stdin=b""), 2, "",
           "patchseq validate: no path read from standard input\n")
    expect("- twice", run(["validate", "-", "-"], t, stdin=listing.encode()), 2, "",
           "patchseq validate: '-' (the paths from standard input) given twice\n")
    expect("--files-from missing", run(["validate", "--files-from", "nope.txt"], t), 2, "",
           "patchseq validate: --files-from nope.txt: cannot open\n")
    # a path from stdin that starts with '-' is a path, not an option
    shutil.copy(os.path.join(t, "good", SSU), os.path.join(t, "-" + SSU))
    r = run(["inspect", "--format", "json", "-"], t, stdin=("-" + SSU + "\n").encode())
    eq("a path starting with '-'", [p["file"] for p in json.loads(r[1])["packages"]],
       ["-" + SSU])


def test_quiet_verbose(t):
    expect("--quiet", run(["validate", "--quiet", "good"], t), 0, "good/README.txt" + FOREIGN, "")
    expect("-q, clean", run(["validate", "-q", "--strict", "annexed"], t), 1)
    expect("-q on a bundle with no finding", run(["validate", "-q", "hard"], t), 0, "", "")
    r = run(["validate", "--verbose", "good"], t)
    eq("--verbose stdout", r[1], "good/README.txt" + FOREIGN + passed(False, 4, info=1))
    lines = r[2].splitlines()
    eq("--verbose: one line per package, then a total", len(lines), 5)
    eq("--verbose: a package", lines[0],
       "patchseq: read good/%s: KB4474419 (from update.mum), x64, Windows 6.0" % SHA2)
    if not (lines[4].startswith("patchseq: read 4 packages from 1 path in ") and
            lines[4].endswith(" s, every byte hashed")):
        fail("--verbose total: %r" % lines[4])
    r = run(["inspect", "-v", "good.zip"], t)
    if "(inside an archive)" not in r[2]:
        fail("--verbose of an archive: %r" % r[2])
    expect("--quiet and --verbose", run(["validate", "-q", "-v", "good"], t), 2, "",
           "patchseq validate: --quiet and --verbose contradict each other\n")


def on_tty(args, cwd, env):
    """Runs patchseq with stdout and stderr on a terminal; all it wrote."""
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.update(env)
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.execve(PATCHSEQ, [PATCHSEQ] + args, e)
    out = b""
    while True:
        r, _, _ = select.select([fd], [], [], 60)
        if not r:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode()


def test_terminal(t):
    try:  # a root without /dev/pts (a bare chroot) has no terminal to offer
        for fd in pty.openpty():
            os.close(fd)
    except OSError as e:
        print("SKIPPED the terminal checks: no pseudo-terminal here (%s)" % e)
        return
    # a slow enough read for the bar to show: many copies of one package
    d = os.path.join(t, "many")
    os.mkdir(d)
    for i in range(300):
        shutil.copy(os.path.join(t, "good", SSU), os.path.join(d, "p%03d-%s" % (i, SSU)))
    env = {"TERM": "xterm", "PATCHSEQ_THREADS": "1"}
    rc, out = on_tty(["validate", "good"], t, env)
    eq("colour on a terminal (exit)", rc, 0)
    if "\x1b[36minfo\x1b[0m: foreign-file" not in out:
        fail("no colour on a terminal: %r" % out[:200])
    for extra in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):
        rc, out = on_tty(["validate", "good"], t, dict(env, **extra))
        if "\x1b[" in out:
            fail("colour with %s: %r" % (extra, out[:200]))
    rc, out = on_tty(["validate", "many"], t, env)
    bar = "hashing " in out and "\r" in out
    for args, extra in ((["validate", "--no-progress", "many"], {}),
                        (["validate", "many"], {"TERM": "dumb"}),
                        (["validate", "-q", "many"], {})):
        rc, out = on_tty(args, t, dict(env, **extra))
        if "hashing " in out:
            fail("a progress bar with %s %s" % (args, extra))
    if not bar:
        print("note: the read was too fast for the progress bar to show; its absence is "
              "checked only")


def test_completion(t):
    r = run(["completion", "bash"], t)
    eq("completion exit", r[0], 0)
    with open(os.path.join(t, "patchseq.bash"), "w") as f:
        f.write(r[1])
    if shutil.which("bash"):
        p = subprocess.run(["bash", "-n", os.path.join(t, "patchseq.bash")], capture_output=True)
        eq("completion is bash", (p.returncode, p.stderr.decode()), (0, ""))
        # what bash offers
        script = ('source %s; COMP_WORDS=(patchseq validate --st); COMP_CWORD=2; _patchseq; '
                  'echo "${COMPREPLY[*]}"; COMP_WORDS=(patchseq plan --arch ""); COMP_CWORD=3; '
                  '_patchseq; echo "${COMPREPLY[*]}"; COMP_WORDS=(patchseq va); COMP_CWORD=1; '
                  '_patchseq; echo "${COMPREPLY[*]}"' % os.path.join(t, "patchseq.bash"))
        p = subprocess.run(["bash", "-c", script], capture_output=True)
        eq("completion words", p.stdout.decode(), "--strict\nx86 x64 amd64 ia64\nvalidate\n")
    # the option table and each command's --help name the same options
    import re
    for cmd in ("inspect", "plan", "explain", "validate", "lock", "diff"):
        helped = set(re.findall(r"^\s+(?:-\w, )?(--[a-z][a-z-]*)", run([cmd, "--help"], t)[1],
                                re.M))
        block = r[1].split("    %s)\n" % cmd, 1)[1].split(";;", 1)[0]
        completed = set(re.findall(r"--[a-z][a-z-]*", block))
        eq("%s: options of --help and of the completion" % cmd, sorted(helped),
           sorted(completed))


def test_schemas_reject(t):
    """The schemas do reject what is not the documented shape."""
    if SCHEMAS is None:
        return
    r = run(["validate", "--format", "json", "sup"], t)
    doc = json.loads(r[1])
    bad = [dict(doc, ok="yes"), dict(doc, findings=[{"code": "x", "severity": "fatal",
                                                     "message": "m"}]),
           {k: v for k, v in doc.items() if k != "summary"}]
    for b in bad:
        if not list(SCHEMAS["patchseq.validate/1"].iter_errors(b)):
            fail("the validate schema accepts %r" % (b,))
    lock = json.loads(run(["lock", "good"], t)[1])
    lock["files"][0]["sha256"] = "xyz"
    if not list(SCHEMAS["patchseq.lock/1"].iter_errors(lock)):
        fail("the lock schema accepts a bad sha256")


def main():
    t = tempfile.mkdtemp(prefix="ps-gate-")
    try:
        setup(t)
        # in this order: later tests use the folders earlier ones made
        for fn in (test_empty, test_archive, test_symlinks, test_same_file_twice,
                   test_installer, test_name_mismatch, test_waivers, test_diff, test_arch,
                   test_junit_stdout, test_paths_from_stdin, test_quiet_verbose, test_terminal,
                   test_completion, test_schemas_reject):
            print("== " + fn.__name__)
            fn(t)
    finally:
        shutil.rmtree(t, ignore_errors=True)
    print("%d JSON documents validated against docs/schema" % CHECKED_JSON[0])
    if SCHEMAS is not None and CHECKED_JSON[0] < 20:
        fail("only %d JSON documents were validated" % CHECKED_JSON[0])
    if FAILED:
        print("%d failure(s)" % len(FAILED))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
