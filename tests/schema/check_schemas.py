#!/usr/bin/env python3
"""Validates JSON documents patchseq wrote against docs/schema/.

Each document names its schema ("schema": "patchseq.plan/1"); the schema
of docs/schema/ with that title (draft 2020-12) must accept it.

usage: check_schemas.py SCHEMA_DIR [--min N] PATH...
PATH is a file or a folder (every *.json in it, recursively).  Fails when
a document does not validate, names no known schema, or when fewer than N
documents were checked (a check that checks nothing is no check).  Exits
77 (skipped) when python3-jsonschema is not installed.
"""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed: schema checks skipped")
    sys.exit(77)


def validator(s, store):
    """A validator of s that resolves references to the other schemas of the
    folder by their $id (plan.v2 refers to plan's definitions)."""
    try:
        from referencing import Registry, Resource
        registry = Registry().with_resources(
            (i, Resource.from_contents(d)) for i, d in store.items())
        return jsonschema.Draft202012Validator(s, registry=registry)
    except ImportError:  # python3-jsonschema before 4.18
        resolver = jsonschema.RefResolver.from_schema(s, store=store)
        return jsonschema.Draft202012Validator(s, resolver=resolver)


def load_schemas(folder):
    loaded = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".schema.json"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            s = json.load(f)
        jsonschema.Draft202012Validator.check_schema(s)
        loaded.append(s)
    store = {s["$id"]: s for s in loaded if "$id" in s}
    return {s["title"]: validator(s, store) for s in loaded}


def documents(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _dirs, files in os.walk(p):
                for f in sorted(files):
                    if f.endswith(".json") and not f.endswith(".schema.json"):
                        yield os.path.join(root, f)
        else:
            yield p


def check(schemas, path):
    """List of error lines for one document (empty: valid)."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    name = doc.get("schema") if isinstance(doc, dict) else None
    if name not in schemas:
        return ["%s: no schema for %r" % (path, name)]
    return ["%s: %s at /%s" % (path, e.message, "/".join(str(x) for x in e.absolute_path))
            for e in schemas[name].iter_errors(doc)]


def main(argv):
    folder = argv[1]
    rest = argv[2:]
    minimum = 1
    if rest[:1] == ["--min"]:
        minimum = int(rest[1])
        rest = rest[2:]
    schemas = load_schemas(folder)
    count, errors, per = 0, [], {}
    for path in documents(rest):
        with open(path, encoding="utf-8") as f:
            try:
                name = json.load(f).get("schema")
            except (ValueError, AttributeError):
                name = None
        if name is None or not str(name).startswith("patchseq."):
            continue  # not a patchseq document (a bundle spec, a fixture)
        count += 1
        per[name] = per.get(name, 0) + 1
        errors += check(schemas, path)
    for e in errors:
        print(e)
    print("%d documents checked: %s" % (count, ", ".join("%s %d" % kv for kv in sorted(per.items()))))
    if count < minimum:
        print("FAIL: fewer than %d documents checked" % minimum)
        return 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
