# The fake Windows machine of the stub modules: files by lower-cased path
# (content hash or None for a folder), and the log of every call.
import hashlib
import json
import os


def _dir():
    return os.environ["PATCHSEQ_STUB_DIR"]


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
    try:
        with open(os.path.join(_dir(), "config.json")) as fh:
            return json.load(fh)
    except FileNotFoundError:
        return {}
