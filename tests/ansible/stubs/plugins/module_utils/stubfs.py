# The fake Windows machine of the stub modules: files by lower-cased path
# (content hash or None for a folder), and the log of every call.
import hashlib
import json
import os


def _dir():
    """The stub folder; with PATCHSEQ_STUB_HOST (set per host by the
    interpreter wrapper of the dry run) the host's own subfolder, so each
    host has its own file system and log."""
    d = os.environ["PATCHSEQ_STUB_DIR"]
    host = os.environ.get("PATCHSEQ_STUB_HOST")
    if host:
        d = os.path.join(d, "host-" + host)
        os.makedirs(d, exist_ok=True)
    return d


def load():
    try:
        with open(os.path.join(_dir(), "fs.json")) as fh:
            return json.load(fh)
    except FileNotFoundError:
        return {}


def save(fs):
    with open(os.path.join(_dir(), "fs.json"), "w") as fh:
        json.dump(fs, fh)


def log(module, **args):
    with open(os.path.join(_dir(), "log.jsonl"), "a") as fh:
        fh.write(json.dumps(dict(module=module, **args)) + "\n")


def key(path):
    return path.replace("/", "\\").lower()


def sha256_of_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        h.update(fh.read())
    return h.hexdigest()


def config():
    """config.json of the stub folder, with its "hosts"[host] on top."""
    try:
        with open(os.path.join(os.environ["PATCHSEQ_STUB_DIR"], "config.json")) as fh:
            cfg = json.load(fh)
    except FileNotFoundError:
        return {}
    cfg.update(cfg.get("hosts", {}).get(os.environ.get("PATCHSEQ_STUB_HOST", ""), {}))
    return cfg
