#!/usr/bin/env python3
"""The playbook folder of `plan --format ansible -o DIR` (suite 'ansible').

Usage: run_ansible.py MODE CASES_DIR WORKDIR

MODE golden: the folders of the 2008 SP2 chain (tests/plan/chain-2008sp2),
    built at test time with tests/mkpkg.py, equal CASES_DIR/golden/ once
    each SHA-256 is <sha256:FILE> and the bundle folder <bundle>:
      chain-x64           --arch x64 --host srv1
      chain-x64-window40  --arch x64 --host srv1 --window 40
      chain-x86-group     --arch x86 (no machine named: the group windows)
      machine-prepared    --installed SRV-PREP.csv (the machine named by
                          the file), a systeminfo inventory
      cab-6.1             a .cab on 6.1 (DISM), --host srv61
      unsafe-skipped      a plan with error findings: the host is skipped
                          with the reason (exit 1); with --allow-partial
                          the rest is written
      fleet               --installed DIR: the machines of tests/fleet
                          (fresh, prepared, current, x86, Windows 7, an
                          unreadable inventory), one host_vars each with
                          its own steps, the others skipped with the
                          reason, inventory.ini listing all (exit 1)
      esu                 --installed DIR: the machine of
                          tests/plan/machine-oct2019-esu by systeminfo and
                          by KB list: the activation step (action manual,
                          its year and activation IDs)
    site.yml, collect.yml and tasks/patchseq-step.yml are the same in every
    folder (golden/common/); every SHA-256 is the one of the file its step
    names; the installs come in the order of `plan --format json`; the
    refusals: no -o, -o -, -o a file, several plans, a bad --host, --host
    with another format, a link in the folder (nothing written through it),
    an input among the files of the folder.
MODE lint: every generated folder through `ansible-playbook --syntax-check`
    (site.yml and collect.yml, with its inventory) and `ansible-lint`
    (production profile); exit 77 without them.
MODE hostile: the hostile bundle (tests/hostile/mkhostile.py) and a bundle
    folder whose name is Jinja and YAML: every value line of the vars files
    is an `!unsafe "..."` scalar or a literal of the renderer, no payload
    reaches a vars file but the bundle folder (tagged !unsafe), YAML reads
    every file back (PyYAML when present); syntax-check and lint where
    ansible is installed.

MODE dryrun: site.yml run for real with ansible_connection=local against
    stub modules of ansible.windows (tests/ansible/stubs: they log each call
    with its arguments and keep a fake Windows file system; the real
    collection is kept off the path, and a run that logs nothing fails).
    Asserted, on the chain-x64 folder: per install a SHA-256 check of the
    staged copy before the install command, wusa with /quiet /norestart,
    the installs in plan order, one restart per barrier where something was
    installed and none at the end after exit code 0; a rerun installs and
    restarts nothing; exit code 3010 on the last install before the end
    barrier restarts once (with the share source); 2359302 and 0x80240017 count as done;
    an altered copy (hash mismatch) and an unknown exit code fail the host
    with nothing installed after them; a plan of two
    windows runs window 1 only, then window 2; a host whose plan has errors
    is skipped with no Windows module called.  The fleet folder, each host
    with its own fake file system (PATCHSEQ_STUB_HOST): every machine's
    own sequence, nothing for the skipped ones, a rerun does nothing.  The
    ESU folder: without patchseq_esu_key the host fails at the activation
    with nothing after it; a value that is no key runs no slmgr; with the
    key, slmgr /ipk (the key in argv) and /ato (the ID of the edition:
    ProductType WinNT picks the client's of two), then the ESU update; the
    key is not in the output of ansible-playbook -v.  collect.yml is not run (its
    fetch needs a real remote file).  Exit 77 without ansible-playbook.

Environment: PATCHSEQ, PS_MKPKG, PS_SAMPLES, PS_SOURCE_DIR;
PS_GOLDEN_UPDATE=1 rewrites the golden files.
"""
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

FAILS = []
STATIC = ["site.yml", "collect.yml", "tasks/patchseq-step.yml"]


def check(cond, msg):
    if not cond:
        FAILS.append(msg)
        print("FAIL: " + msg, file=sys.stderr)
    return cond


def run(args, cwd, ok=None):
    p = subprocess.run([os.environ["PATCHSEQ"]] + args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode < 0 or "Sanitizer" in err or "runtime error" in err:
        print("FAIL: %s: crashed: %s" % (" ".join(args), err[:2000]))
        sys.exit(1)
    if ok is not None:
        check(p.returncode in ok, "%s: exit %d, not %s: %s" % (" ".join(args), p.returncode, ok, err[:1500]))
    return p.returncode, p.stdout, err


def build(spec, out, tmp):
    path = os.path.join(tmp, "spec-%s.json" % os.path.basename(out))
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(spec, fh)
    subprocess.run([sys.executable, os.environ["PS_MKPKG"], "--samples", os.environ["PS_SAMPLES"],
                    "--out", out, path], check=True)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        h.update(fh.read())
    return h.hexdigest()


def folder_files(d):
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, encoding="utf-8") as fh:
                out[os.path.relpath(p, d)] = fh.read()
    return out


def csv_line(fields):
    return ",".join('"%s"' % f for f in fields) + "\r\n"


SYSTEMINFO = csv_line(["Host Name", "OS Name", "OS Version", "System Type", "Hotfix(s)"]) + csv_line([
    "SRV-PREP", "Microsoft Windows Server 2008 Standard", "6.0.6003 Service Pack 2 Build 6003",
    "x64-based PC", "2 Hotfix(s) Installed.,[01]: KB4493730,[02]: KB4474419"])

CAB_SPEC = [
    {"kb": "KB4490628", "os": "6.1", "arch": "x64", "version": "6.1.1.0", "date": "2019-03-12",
     "installer": "6.1.7601.17514", "provides_stack": "6.1.7601.24384", "container": "cab",
     "file": "Windows6.1-KB4490628-x64.cab"},
    {"kb": "KB4474419", "os": "6.1", "arch": "x64", "rev": 3, "version": "6.1.3.0", "date": "2019-09-23",
     "installer": "6.1.7601.17514", "release_type": "Security Update", "restart": "required"},
]


def fleet_inventory_text(m):
    """An inventory of tests/fleet/machines.json (its run_fleet.py writes them)."""
    sys.path.insert(0, os.path.join(os.environ["PS_SOURCE_DIR"], "tests", "fleet"))
    import run_fleet
    return run_fleet.inventory_text(m)


FLEET_HOSTS = ["bad", "SRV-DONE", "SRV-FRESH1", "SRV-FRESH2", "SRV-PREP", "SRV-WIN7", "SRV-X86", "web01"]


def cases(tmp):
    """[(name, bundle dir, args, expected exit)]; builds the bundles."""
    src = os.environ["PS_SOURCE_DIR"]
    with open(os.path.join(src, "tests", "plan", "chain-2008sp2", "bundle.json"), encoding="utf-8") as fh:
        chain = json.load(fh)
    with open(os.path.join(src, "tests", "plan", "unsafe-file-name", "bundle.json"), encoding="utf-8") as fh:
        unsafe = json.load(fh)
    b = os.path.join(tmp, "chain")
    build(chain, b, tmp)
    cab = os.path.join(tmp, "cab")
    build(CAB_SPEC, cab, tmp)
    bad = os.path.join(tmp, "unsafe")
    build(unsafe, bad, tmp)
    with open(os.path.join(tmp, "SRV-PREP.csv"), "w", encoding="ascii", newline="") as fh:
        fh.write(SYSTEMINFO)
    # a fleet: the machines of tests/fleet at their levels, against its bundle
    fleet_b = os.path.join(tmp, "fleet")
    with open(os.path.join(src, "tests", "fleet", "bundle.json"), encoding="utf-8") as fh:
        build(json.load(fh), fleet_b, tmp)
    fleet_inv = os.path.join(tmp, "fleet-inv")
    os.makedirs(fleet_inv, exist_ok=True)
    with open(os.path.join(src, "tests", "fleet", "machines.json"), encoding="utf-8") as fh:
        for m in json.load(fh):
            with open(os.path.join(fleet_inv, m["file"]), "w", encoding="utf-8", newline="") as out:
                out.write(fleet_inventory_text(m))
    # an ESU plan (the activation step): the machine of tests/plan/machine-oct2019-esu,
    # by systeminfo (its edition known) and by a KB list
    esu_b = os.path.join(tmp, "esu")
    with open(os.path.join(src, "tests", "plan", "machine-oct2019-esu", "bundle.json"), encoding="utf-8") as fh:
        build(json.load(fh), esu_b, tmp)
    with open(os.path.join(src, "tests", "plan", "machine-oct2019-esu", "machine.json"), encoding="utf-8") as fh:
        esu_m = json.load(fh)
    esu_inv = os.path.join(tmp, "esu-inv")
    os.makedirs(esu_inv, exist_ok=True)
    for m in (dict(esu_m, format="systeminfo", host="ESU1"), dict(esu_m, format="kb-list")):
        with open(os.path.join(esu_inv, "ESU1.csv" if m["format"] == "systeminfo" else "esu2.txt"),
                  "w", encoding="utf-8", newline="") as out:
            out.write(fleet_inventory_text(m))
    return [
        ("fleet", fleet_b, ["--installed", fleet_inv], 1),
        ("esu", esu_b, ["--installed", esu_inv], 0),
        ("chain-x64", b, ["--arch", "x64", "--host", "srv1"], 0),
        ("chain-x64-window40", b, ["--arch", "x64", "--host", "srv1", "--window", "40"], 0),
        ("chain-x86-group", b, ["--arch", "x86"], 0),
        ("machine-prepared", b, ["--installed", os.path.join(tmp, "SRV-PREP.csv")], 0),
        ("cab-6.1", cab, ["--host", "srv61"], 0),
        ("unsafe-skipped", bad, ["--arch", "x64", "--host", "srv1"], 1),
        ("unsafe-partial", bad, ["--arch", "x64", "--host", "srv1", "--allow-partial"], 1),
    ]


def generate(tmp):
    """Writes each case's folder under tmp/out; [(name, folder, bundle, args)]."""
    out = []
    os.makedirs(os.path.join(tmp, "out"), exist_ok=True)
    for name, bundle, args, want in cases(tmp):
        d = os.path.join(tmp, "out", name)
        shutil.rmtree(d, ignore_errors=True)
        run(["plan", "-q", "--format", "ansible", "-o", d] + args + ["."], bundle, ok=(want,))
        out.append((name, d, bundle, args))
    return out


def normalise(text, bundle):
    hashes = {}
    for root, _, files in os.walk(bundle):
        for f in files:
            hashes[sha256(os.path.join(root, f))] = "<sha256:%s>" % f
    text = text.replace(os.path.realpath(bundle), "<bundle>")
    return re.sub(r"[0-9a-f]{64}", lambda m: hashes.get(m.group(0), m.group(0)), text)


def golden_compare(path, text, update):
    if update:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return
    try:
        with open(path, encoding="utf-8") as fh:
            want = fh.read()
    except FileNotFoundError:
        check(False, "%s: no golden file (PS_GOLDEN_UPDATE=1 writes it)" % path)
        return
    if want != text:
        diff = "".join(difflib.unified_diff(want.splitlines(True), text.splitlines(True), path, "got"))
        check(False, "%s differs:\n%s" % (path, diff[:4000]))


def host_steps(text):
    """The (kb, file, src, sha256, tool) of each step of a vars file."""
    steps = []
    for block in text.split("\n  - step: ")[1:]:
        vals = {}
        for k, quoted, plain in re.findall(r'^    (\w+): (?:!unsafe "(.*)"|(\S+))$', block, re.M):
            vals[k] = quoted if plain == "" else plain
        steps.append(vals)
    return steps


def mode_golden(cases_dir, tmp):
    update = os.environ.get("PS_GOLDEN_UPDATE") == "1"
    gold = os.path.join(cases_dir, "golden")
    made = generate(tmp)
    for name, d, bundle, args in made:
        files = folder_files(d)
        hosts = {"fleet": FLEET_HOSTS, "esu": ["ESU1", "esu2"], "machine-prepared": ["SRV-PREP"],
                 "cab-6.1": ["srv61"], "chain-x86-group": []}.get(name, ["srv1"])
        check(sorted(files) == sorted(STATIC + ["group_vars/all.yml", "inventory.ini", "README.txt"] +
                                      ["host_vars/%s.yml" % h for h in hosts] +
                                      ([] if hosts else ["group_vars/windows.yml"])),
              "%s: the files are %s" % (name, sorted(files)))
        for rel, text in files.items():
            if rel in STATIC:
                golden_compare(os.path.join(gold, "common", rel), text, update and name == "chain-x64")
            else:
                golden_compare(os.path.join(gold, name, rel), normalise(text, bundle), update)
        if name in ("fleet", "esu"):
            check(files["inventory.ini"].split("[patchseq]\n")[1].split("\n\n")[0].split("\n") == hosts,
                  "%s: inventory.ini lists %r" % (name, files["inventory.ini"]))
            fleet_golden(name, files)
        # each hash is the one of its file; the installs in plan order
        for vars_file in [t for r, t in files.items() if r.startswith("host_vars/") or r == "group_vars/windows.yml"]:
            for st in host_steps(vars_file):
                if st.get("action") != "manual":
                    p = os.path.join(bundle, st["src"])
                    check(os.path.isfile(p) and sha256(p) == st["sha256"], "%s: %s: the SHA-256 is not its file's" % (name, st["kb"]))
        if name in ("fleet", "esu"):
            continue
        vars_file = [t for r, t in files.items() if r.startswith("host_vars/") or r == "group_vars/windows.yml"][0]
        steps = host_steps(vars_file)
        for st in steps:
            p = os.path.join(bundle, st["src"])
            check(os.path.isfile(p) and sha256(p) == st["sha256"], "%s: %s: the SHA-256 is not its file's" % (name, st["kb"]))
            check(st["file"].replace("\\\\", "/") == st["src"], "%s: file %s and src %s differ" % (name, st["file"], st["src"]))
            check(st["tool"] == ("wusa" if st["src"].lower().endswith(".msu") else "dism" if "6.1" in vars_file else "pkgmgr"),
                  "%s: %s: tool %s" % (name, st["kb"], st["tool"]))
        if name.startswith("unsafe-skipped"):
            check(steps == [] and "patchseq_skip_reason: !unsafe \"the plan has" in vars_file,
                  "%s: the host is not skipped with the reason" % name)
            continue
        plain = [a for i, a in enumerate(args) if a != "--host" and (i == 0 or args[i - 1] != "--host")]
        rc, out, err = run(["plan", "--format", "json"] + plain + ["."], bundle)
        plan = json.loads(out)
        order = [s["kb"] for s in plan["plans"][0]["steps"] if s["action"] == "install"]
        check([s["kb"] for s in steps] == order, "%s: installs %s, plan %s" % (name, [s["kb"] for s in steps], order))
        reboots_after = [i for i, s in enumerate(plan["plans"][0]["steps"]) if s["action"] == "reboot"]
        check(sum(1 for s in steps if s["restart"] == "true") == len(reboots_after),
              "%s: %d restarts in the steps, %d reboots in the plan" % (name, sum(1 for s in steps if s["restart"] == "true"), len(reboots_after)))
    refusals(tmp, [m for m in made if m[0] == "chain-x64"][0][2])


def fleet_golden(name, files):
    """The fleet and the ESU fleet: each machine's own steps, the skipped ones with their reason."""
    if name == "fleet":
        for h, why in (("SRV-X86", "x86) can use none of the 4 packages"), ("SRV-WIN7", "can use none of the 4"),
                       ("bad", "its inventory cannot be read")):
            check(why in files["host_vars/%s.yml" % h] and host_steps(files["host_vars/%s.yml" % h]) == [],
                  "fleet: %s is not skipped with its reason" % h)
        kbs = {h: [st["kb"] for st in host_steps(files["host_vars/%s.yml" % h])] for h in FLEET_HOSTS}
        full = ["KB4493730", "KB4474419", "KB4517134", "KB4520002"]
        check(kbs["SRV-FRESH1"] == full and kbs["SRV-FRESH2"] == full and kbs["SRV-PREP"] == full[2:] and
              kbs["web01"] == full[2:] and kbs["SRV-DONE"] == [], "fleet: the steps per machine are %s" % kbs)
        check('patchseq_skip_reason: !unsafe ""' in files["host_vars/SRV-DONE.yml"], "fleet: SRV-DONE is skipped")
    else:
        for h in ("ESU1", "esu2"):
            st = host_steps(files["host_vars/%s.yml" % h])
            check([x["kb"] for x in st] == ["KB4526478", "KB5010452", "KB4538484", "esu-year-3", "KB5022340"] and
                  st[3].get("action") == "manual" and st[3].get("year") == "3" and
                  re.match(r"^[0-9a-f-]{36}$", st[3].get("activation_server", "")) is not None,
                  "esu: %s: the steps are %s" % (h, st))


def refusals(tmp, bundle):
    base = ["plan", "-q", "--format", "ansible", "--arch", "x64"]
    rc, _, err = run(base + ["."], bundle, ok=(2,))
    check("-o DIR" in err, "no -o: %s" % err)
    run(base + ["-o", "-", "."], bundle, ok=(2,))
    f = os.path.join(tmp, "a-file")
    with open(f, "w") as fh:
        fh.write("keep\n")
    rc, _, err = run(base + ["-o", f, "."], bundle, ok=(2,))
    check("not a folder" in err, "-o FILE: %s" % err)
    rc, _, err = run(["plan", "-q", "--format", "ansible", "-o", os.path.join(tmp, "two"), "."], bundle, ok=(2,))
    check("2 plans" in err and not os.path.exists(os.path.join(tmp, "two")), "several plans: %s" % err)
    run(base + ["--host", "a b", "-o", os.path.join(tmp, "h"), "."], bundle, ok=(2,))
    run(base + ["--host", "{{x}}", "-o", os.path.join(tmp, "h"), "."], bundle, ok=(2,))
    rc, _, err = run(["plan", "-q", "--format", "cmd", "--arch", "x64", "--host", "srv1", "."], bundle, ok=(2,))
    check("--host is for --format ansible" in err, "--host with cmd: %s" % err)
    # a link in the folder: refused, nothing written, the target kept
    d = os.path.join(tmp, "linked")
    os.makedirs(d, exist_ok=True)
    os.symlink(f, os.path.join(d, "site.yml"))
    rc, _, err = run(base + ["--host", "srv1", "-o", d, "."], bundle, ok=(2,))
    check("symbolic link" in err, "a link in the folder: %s" % err)
    check(not os.path.exists(os.path.join(d, "README.txt")), "a link in the folder: something was written")
    with open(f) as fh:
        check(fh.read() == "keep\n", "the target of a link was written")
    # an input among the files of the folder
    d = os.path.join(tmp, "input")
    os.makedirs(d, exist_ok=True)
    inv = os.path.join(d, "README.txt")
    with open(inv, "w") as fh:
        fh.write("KB4493730\n")
    rc, _, err = run(base + ["--host", "srv1", "--installed", inv, "-o", d, "."], bundle, ok=(2,))
    check("also an input" in err, "an input in the folder: %s" % err)
    with open(inv) as fh:
        check(fh.read() == "KB4493730\n", "an input was overwritten")
    # the name of an inventory that cannot be a host
    bad = os.path.join(tmp, "bad name.csv")
    with open(bad, "w") as fh:
        fh.write("KB4493730\n")
    rc, _, err = run(base + ["--installed", bad, "-o", os.path.join(tmp, "bn"), "."], bundle, ok=(2,))
    check("--host" in err, "an inventory name that is no host name: %s" % err)


def have_ansible():
    missing = [t for t in ("ansible-playbook", "ansible-lint") if shutil.which(t) is None]
    return missing


def ansible_env(tmp):
    env = dict(os.environ)
    env.update({"HOME": os.path.join(tmp, "home"), "ANSIBLE_LOCAL_TEMP": os.path.join(tmp, "ansible-tmp"),
                "XDG_CACHE_HOME": os.path.join(tmp, "cache"), "ANSIBLE_NOCOLOR": "1", "NO_COLOR": "1",
                "ANSIBLE_FORCE_COLOR": "0", "PY_COLORS": "0"})
    os.makedirs(env["HOME"], exist_ok=True)
    return env


def lint_folder(name, d, env):
    p = subprocess.run(["ansible-playbook", "-i", "inventory.ini", "--syntax-check", "site.yml", "collect.yml"],
                       cwd=d, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    check(p.returncode == 0, "%s: ansible-playbook --syntax-check: exit %d: %s" % (name, p.returncode, p.stdout.decode(errors="replace")[-2000:]))
    p = subprocess.run(["ansible-lint", "--offline", "-p", "--profile", "production",
                        "site.yml", "collect.yml", "tasks/patchseq-step.yml"],
                       cwd=d, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    out = p.stdout.decode(errors="replace")
    check(p.returncode == 0, "%s: ansible-lint: exit %d: %s" % (name, p.returncode, out[-3000:]))
    return p.returncode == 0


def mode_lint(tmp):
    missing = have_ansible()
    if missing:
        print("skipped: %s not installed (Debian: apt-get install ansible ansible-lint)" % ", ".join(missing))
        return 77
    env = ansible_env(tmp)
    for name, d, bundle, args in generate(tmp):
        if lint_folder(name, d, env):
            print("%s: syntax-check and ansible-lint pass" % name)
    return None


INJECT = "echo PWNED"


def yaml_check(name, d):
    try:
        import yaml
    except ImportError:
        print("%s: PyYAML absent: the files are not read back" % name)
        return

    class Unsafe(str):
        pass

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!unsafe", lambda l, n: Unsafe(l.construct_scalar(n)))
    for rel, text in folder_files(d).items():
        if not rel.endswith(".yml"):
            continue
        try:
            doc = yaml.load(text, Loader=Loader)
        except yaml.YAMLError as e:
            check(False, "%s: %s: YAML does not read it: %s" % (name, rel, e))
            continue

        def walk(v):
            if isinstance(v, dict):
                for x in v.values():
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
            elif isinstance(v, str) and not isinstance(v, Unsafe) and rel not in STATIC:
                check(rel == "group_vars/all.yml" or v in ("wusa", "pkgmgr", "dism", "manual"),
                      "%s: %s: a string value that is not !unsafe: %r" % (name, rel, v))
        walk(doc)


VALUE_LINE = re.compile(r'^(?:  - |    |)(\w+): (?:!unsafe "(?:[^"\\]|\\.)*"|\d+|true|false|wusa|pkgmgr|dism|manual|\[\])$')


def vars_check(name, d):
    for rel, text in folder_files(d).items():
        if not (rel.startswith("host_vars/") or rel == "group_vars/windows.yml"):
            continue
        for i, line in enumerate(text.split("\n"), 1):
            if line in ("---", "patchseq_steps:", "") or line.startswith("# "):
                if line.startswith("# "):
                    check(INJECT not in line and "{{" not in line, "%s: %s:%d: a payload in a comment" % (name, rel, i))
                continue
            check(VALUE_LINE.match(line) is not None, "%s: %s:%d: not a line of the renderer: %r" % (name, rel, i, line[:200]))
        for bad in ("\r", "\u2028", "\u2029", "\x85"):
            check(bad not in text, "%s: %s: raw %r" % (name, rel, bad))
        check(INJECT not in text, "%s: %s: the payload reached a vars file" % (name, rel))


def mode_hostile(tmp):
    src = os.environ["PS_SOURCE_DIR"]
    work = os.path.join(tmp, "hostile")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    subprocess.run([sys.executable, os.path.join(src, "tests", "hostile", "mkhostile.py"), work], check=True)
    bundle = os.path.join(work, "bundle")
    folders = []
    for tag, extra, want in (("skipped", [], (1,)), ("partial", ["--allow-partial"], (1,))):
        d = os.path.join(tmp, "hostile-" + tag)
        shutil.rmtree(d, ignore_errors=True)
        run(["plan", "-q", "--format", "ansible", "--arch", "x64", "--host", "h1", "-o", d] + extra + [bundle],
            work, ok=want)
        folders.append(("hostile-" + tag, d))
    with open(os.path.join(folders[1][1], "host_vars", "h1.yml"), encoding="utf-8") as fh:
        n = fh.read().count("\n  - step: ")
    check(n > 0, "hostile-partial: no install written")
    print("hostile-partial: %d installs" % n)
    # a bundle folder whose name is Jinja, YAML and a line break
    odd = os.path.join(tmp, "b{{ lookup('pipe', '%s') }}\" #: x\n- y" % INJECT)
    shutil.rmtree(odd, ignore_errors=True)
    with open(os.path.join(src, "tests", "plan", "chain-2008sp2", "bundle.json"), encoding="utf-8") as fh:
        build(json.load(fh), odd, tmp)
    d = os.path.join(tmp, "hostile-folder")
    shutil.rmtree(d, ignore_errors=True)
    run(["plan", "-q", "--format", "ansible", "--arch", "x64", "--host", "h1", "-o", d, odd], tmp, ok=(0,))
    with open(os.path.join(d, "group_vars", "all.yml"), encoding="utf-8") as fh:
        allv = fh.read()
    line = [l for l in allv.split("\n") if l.startswith("patchseq_bundle: ")]
    check(len(line) == 1 and line[0].startswith('patchseq_bundle: !unsafe "') and "\\n- y" in line[0],
          "hostile-folder: patchseq_bundle is %r" % line)
    folders.append(("hostile-folder", d))
    for name, f in folders:
        vars_check(name, f)
        yaml_check(name, f)
    missing = have_ansible()
    if missing:
        print("skipped: syntax-check and ansible-lint of the hostile folders: %s not installed" % ", ".join(missing))
        return None
    env = ansible_env(tmp)
    for name, f in folders:
        lint_folder(name, f, env)
    return None


def dry_run(d, tmp, tag, cfg, extra=(), want_rc=0):
    """Runs site.yml of folder d against the stubs; returns the events."""
    stub = os.path.join(tmp, "stub-" + tag)
    shutil.rmtree(stub, ignore_errors=True)
    os.makedirs(stub)
    return dry_again(d, tmp, stub, tag, cfg, extra, want_rc)


def dry_again(d, tmp, stub, tag, cfg, extra=(), want_rc=0, per_host=False):
    """Runs site.yml again with the stub folder kept.  per_host: each host
    runs through an interpreter wrapper setting PATCHSEQ_STUB_HOST, so it
    has its own fake file system and log; the events are then {host: [..]}."""
    coll = os.path.join(tmp, "collections", "ansible_collections", "ansible", "windows")
    if not os.path.isdir(coll):
        shutil.copytree(os.path.join(os.environ["PS_SOURCE_DIR"], "tests", "ansible", "stubs"), coll)
    with open(os.path.join(stub, "config.json"), "w") as fh:
        json.dump(cfg, fh)
    names = sorted(f[:-4] for f in os.listdir(os.path.join(d, "host_vars")))
    logs = {n: os.path.join(stub, "host-" + n, "log.jsonl") for n in names} if per_host else \
        {None: os.path.join(stub, "log.jsonl")}
    for log in logs.values():
        if os.path.exists(log):
            os.unlink(log)
    with open(shutil.which("ansible-playbook")) as fh:
        interp = fh.readline()[2:].strip().split()[-1]  # the Python of ansible-playbook
    inv = os.path.join(stub, "inventory.ini")
    with open(inv, "w") as fh:
        fh.write("[patchseq]\n")
        for n in names:
            py = interp
            if per_host:
                py = os.path.join(stub, "python-" + n)
                with open(py, "w") as w:
                    w.write("#!/bin/sh\nPATCHSEQ_STUB_HOST='%s' exec '%s' \"$@\"\n" % (n, interp))
                os.chmod(py, 0o755)
            fh.write("%s ansible_connection=local ansible_python_interpreter=%s\n" % (n, py))
    env = ansible_env(tmp)
    env.update({"ANSIBLE_COLLECTIONS_PATH": os.path.join(tmp, "collections"),
                "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false", "PATCHSEQ_STUB_DIR": stub})
    p = subprocess.run(["ansible-playbook", "-i", inv, "site.yml"] + list(extra), cwd=d, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    out = p.stdout.decode(errors="replace")
    check(p.returncode == want_rc, "dry run %s: exit %d, not %d: %s" % (tag, p.returncode, want_rc, out[-3000:]))
    events = {}
    for n, log in logs.items():
        events[n] = []
        if os.path.exists(log):
            with open(log) as fh:
                events[n] = [json.loads(l) for l in fh]
    return (events if per_host else events[None]), out


def summary(events):
    """hash KB / install KB / reboot, from the calls."""
    out = []
    for e in events:
        if e["module"] == "win_stat" and e["checksum"] == "sha256":
            out.append("hash " + re.search(r"KB\d+", e["path"]).group(0))
        elif e["module"] == "win_command" and e["argv"][0].lower().endswith("\\cscript.exe"):
            out.append("slmgr " + e["argv"][3] + (" " + e["argv"][4] if e["argv"][3] == "/ato" else ""))
        elif e["module"] == "win_command":
            out.append("install " + re.search(r"KB\d+", " ".join(e["argv"])).group(0))
        elif e["module"] == "win_reboot":
            out.append("reboot")
    return out


def mode_dryrun(tmp):
    if shutil.which("ansible-playbook") is None:
        print("skipped: ansible-playbook not installed (Debian: apt-get install ansible)")
        return 77
    made = {name: (d, bundle) for name, d, bundle, _ in generate(tmp)}
    d, bundle = made["chain-x64"]
    kbs = ["KB4493730", "KB4474419", "KB4517134", "KB4520002"]
    full = ["hash KB4493730", "install KB4493730", "hash KB4474419", "install KB4474419", "reboot",
            "hash KB4517134", "install KB4517134", "hash KB4520002", "install KB4520002", "reboot"]
    ev, out = dry_run(d, tmp, "fresh", {})
    check(ev != [], "dry run: the stubs logged nothing (the real collection ran?)")
    check(summary(ev) == full, "dry run fresh: %s" % summary(ev))
    for e in ev:
        if e["module"] == "win_command":
            check(e["argv"][0] == "wusa.exe" and e["argv"][2:] == ["/quiet", "/norestart"] and
                  re.match(r"^C:\\Windows\\Temp\\patchseq\\\d+-Windows6\.0-KB\d+-.*x64\.msu$", e["argv"][1]),
                  "dry run: install command %s" % e["argv"])
    copies = [e for e in ev if e["module"] == "win_copy"]
    check(len(copies) == 4 and all(os.path.isfile(c["src"]) and not c["remote_src"] for c in copies),
          "dry run: controller copies %s" % copies)
    # a rerun: every marker is there
    stub = os.path.join(tmp, "stub-fresh")
    ev, out = dry_again(d, tmp, stub, "rerun", {})
    check(summary(ev) == [], "dry run rerun: %s" % summary(ev))
    check(all(e["module"] != "win_copy" for e in ev), "dry run rerun: a package was copied again")
    # exit codes
    ev, out = dry_run(d, tmp, "already", {"rc": {"KB4474419": 2359302, "KB4517134": -2145124329,
                                                   "KB4520002": 2359302}})
    # KB4517134 not applicable, KB4520002 already installed: nothing since the barrier
    check(summary(ev) == full[:-1], "dry run 2359302/0x80240017: %s" % summary(ev))
    ev, out = dry_run(d, tmp, "mismatch", {"corrupt": ["KB4517134"]}, want_rc=2)
    check(summary(ev) == full[:6], "dry run mismatch: %s" % summary(ev))
    check("another file than the one planned" in out, "dry run mismatch: no reason in the output")
    ev, out = dry_run(d, tmp, "failure", {"rc": {"KB4474419": 1603}}, want_rc=2)
    check(summary(ev) == full[:4], "dry run failure: %s" % summary(ev))
    check(not any(e["module"] == "win_file" and "KB4474419.done" in e["path"] for e in ev),
          "dry run failure: the failed KB was marked done")
    # the share; 3010 on the last install: one restart at its barrier, none after
    ev, out = dry_run(d, tmp, "share", {"share": "\\\\srv\\updates", "share_dir": bundle,
                                        "rc": {"KB4520002": 3010}},
                      ["-e", json.dumps({"patchseq_source": "share", "patchseq_share": "\\\\srv\\updates"})])
    check(summary(ev) == full, "dry run share: %s" % summary(ev))
    check(all(e["remote_src"] and e["src"].startswith("\\\\srv\\updates\\") for e in ev if e["module"] == "win_copy"),
          "dry run share: copies %s" % [e for e in ev if e["module"] == "win_copy"])
    # windows: one a run
    d2 = made["chain-x64-window40"][0]
    with open(os.path.join(d2, "host_vars", "srv1.yml")) as fh:
        wins = [int(w) for w in re.findall(r"^    window: (\d+)$", fh.read(), re.M)]
    ev, out = dry_run(d2, tmp, "window", {})
    first = summary(ev)
    stub = os.path.join(tmp, "stub-window")
    ev, out = dry_again(d2, tmp, stub, "window2", {}, ["-e", "patchseq_window=2"])
    second = summary(ev)
    check(len(set(wins)) >= 2 and first and second and first + second == full[:len(first + second)]
          and len([x for x in first if x.startswith("install")]) == wins.count(1),
          "dry run windows %s: %s then %s" % (wins, first, second))
    # a skipped host: no Windows module at all
    ev, out = dry_run(made["unsafe-skipped"][0], tmp, "skipped", {})
    check(ev == [], "dry run skipped host: %s" % ev)
    check("skipped: the plan has" in out, "dry run skipped host: no reason shown")
    dry_fleet(made["fleet"][0], tmp)
    dry_esu(made["esu"][0], tmp)
    print("dry run: 16 runs")
    return None


def dry_fleet(d, tmp):
    """The fleet folder: every host its own steps; the skipped ones touch nothing."""
    stub = os.path.join(tmp, "stub-fleet")
    os.makedirs(stub, exist_ok=True)
    ev, out = dry_again(d, tmp, stub, "fleet", {}, per_host=True)
    full = ["hash KB4493730", "install KB4493730", "hash KB4474419", "install KB4474419", "reboot",
            "hash KB4517134", "install KB4517134", "hash KB4520002", "install KB4520002", "reboot"]
    want = {"SRV-FRESH1": full, "SRV-FRESH2": full, "SRV-PREP": full[5:], "web01": full[5:], "SRV-DONE": []}
    for h, seq in want.items():
        check(summary(ev[h]) == seq, "dry run fleet: %s: %s, not %s" % (h, summary(ev[h]), seq))
    check(ev["SRV-DONE"] != [], "dry run fleet: SRV-DONE (current) ran no module at all")
    for h in ("bad", "SRV-WIN7", "SRV-X86"):
        check(ev[h] == [], "dry run fleet: skipped host %s: %s" % (h, ev[h]))
    check("can use none of the 4 packages" in out and "its inventory cannot be read" in out,
          "dry run fleet: the reasons of the skipped hosts are not shown")
    # a rerun of the fleet: nothing is installed again anywhere
    ev, out = dry_again(d, tmp, stub, "fleet-rerun", {}, per_host=True)
    check(all(summary(e) == [] for e in ev.values()), "dry run fleet rerun: %s" % {h: summary(e) for h, e in ev.items()})


ESU_KEY = "QWER7-ASDF8-ZXCV9-TYUI1-GHJK2"


def dry_esu(d, tmp):
    """The ESU plan: without the key the host stops at the activation with
    nothing after it installed; a rerun with the key runs slmgr /ipk, /ato
    with the ID of the edition, then the ESU update; the key is never shown."""
    with open(os.path.join(d, "host_vars", "ESU1.yml")) as fh:
        aid = re.search(r'activation_server: !unsafe "([0-9a-f-]{36})"', fh.read()).group(1)
    before = ["hash KB4526478", "install KB4526478", "hash KB5010452", "install KB5010452",
              "hash KB4538484", "install KB4538484", "reboot"]
    after = ["hash KB5022340", "install KB5022340", "reboot"]
    stub = os.path.join(tmp, "stub-esu")
    os.makedirs(stub, exist_ok=True)
    lim = ["--limit", "ESU1", "-v"]
    ev, out = dry_again(d, tmp, stub, "esu-nokey", {}, lim, want_rc=2, per_host=True)
    check(summary(ev["ESU1"]) == before, "dry run esu without key: %s" % summary(ev["ESU1"]))
    check("Run again with patchseq_esu_key" in out, "dry run esu without key: no reason shown: %s" % out[-1500:])
    # a value that is not a key: the same stop, slmgr not run
    ev, out = dry_again(d, tmp, stub, "esu-badkey", {}, lim + ["-e", "patchseq_esu_key=abc&calc"], want_rc=2, per_host=True)
    check(summary(ev["ESU1"]) == [], "dry run esu bad key: %s" % summary(ev["ESU1"]))
    # with the key: resumes at the activation
    ev, out = dry_again(d, tmp, stub, "esu-key", {}, lim + ["-e", "patchseq_esu_key=" + ESU_KEY], per_host=True)
    check(summary(ev["ESU1"]) == ["slmgr /ipk", "slmgr /ato " + aid] + after,
          "dry run esu with key: %s" % summary(ev["ESU1"]))
    ipk = [e for e in ev["ESU1"] if e["module"] == "win_command" and "/ipk" in e["argv"]]
    check(len(ipk) == 1 and ipk[0]["argv"] == ["C:\\Windows\\System32\\cscript.exe", "//nologo",
                                               "C:\\Windows\\System32\\slmgr.vbs", "/ipk", ESU_KEY],
          "dry run esu: slmgr /ipk is %s" % ipk)
    check(ESU_KEY not in out, "dry run esu: the key is in the output of ansible-playbook")
    # the edition picks the ID among two (the IDs of a 6.1 plan of no known edition)
    d2 = os.path.join(tmp, "esu-two-ids")
    shutil.rmtree(d2, ignore_errors=True)
    shutil.copytree(d, d2)
    client = "11111111-2222-3333-4444-555555555555"
    for h in ("ESU1", "esu2"):
        p = os.path.join(d2, "host_vars", h + ".yml")
        with open(p) as fh:
            text = fh.read()
        with open(p, "w") as fh:
            fh.write(re.sub(r'activation_client: !unsafe "[^"]*"', 'activation_client: !unsafe "%s"' % client, text))
    stub = os.path.join(tmp, "stub-esu2")
    os.makedirs(stub, exist_ok=True)
    cfg = {"hosts": {"esu2": {"registry": {
        "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions\\ProductType": "WinNT"}}}}
    ev, out = dry_again(d2, tmp, stub, "esu-editions", cfg, ["-e", "patchseq_esu_key=" + ESU_KEY, "-e", "patchseq_serial=2"],
                        per_host=True)
    check(summary(ev["ESU1"]) == before + ["slmgr /ipk", "slmgr /ato " + aid] + after,
          "dry run esu server: %s" % summary(ev["ESU1"]))
    check(summary(ev["esu2"]) == before + ["slmgr /ipk", "slmgr /ato " + client] + after,
          "dry run esu client: %s" % summary(ev["esu2"]))


def main():
    mode, cases_dir, tmp = sys.argv[1:4]
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    rc = None
    if mode == "golden":
        mode_golden(cases_dir, tmp)
    elif mode == "lint":
        rc = mode_lint(tmp)
    elif mode == "hostile":
        rc = mode_hostile(tmp)
    elif mode == "dryrun":
        rc = mode_dryrun(tmp)
    else:
        print("unknown mode " + mode)
        return 2
    if FAILS:
        print("%d failure(s)" % len(FAILS), file=sys.stderr)
        return 1
    return rc if rc is not None else 0


if __name__ == "__main__":
    sys.exit(main())
