#!/usr/bin/env python3
"""The folders of src/ as layers: a header in folder X declares only
functions defined in X (in a .c file of X, or inline in the header), and no
file of X includes a header of a folder above X in the order

    util < read < know < plan < emit < check < api < cli

Headers that are not in a folder of src/ (the public include/, generated
ones, the system's) are not checked.

usage: check_layers.py SRC_DIR"""
import glob
import os
import re
import sys

ORDER = ["util", "read", "know", "plan", "emit", "check", "api", "cli"]


def strip(text):
    """The text without comments, string and character literals, and
    preprocessor lines (with their continuations)."""
    lexeme = re.compile(r"""/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'""", re.S)
    text = lexeme.sub(lambda m: " " if m.group(0)[0] == "/" else m.group(0)[0] * 2, text)
    text = re.sub(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", " ", text, flags=re.M)
    return text


def top_level(text):
    """The top-level statements of `text` as (head, has_body): head is the
    text before the ';' or the '{' that ends it."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c == "{":
            if depth == 0:
                head = text[start:i]
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                # a body: a function, or a struct/enum/union whose statement
                # goes on to its ';'
                h = head.strip()
                if re.search(r"\)\s*$", h) and not h.startswith("typedef"):
                    out.append((h, True))
                    start = i + 1
        elif c == ";" and depth == 0:
            out.append((text[start:i].strip(), False))
            start = i + 1
        i += 1
    return out


def function_name(head):
    """The name a declaration or definition head declares as a function, or
    None (a typedef, a variable, a struct)."""
    if re.match(r"(typedef|struct|enum|union)\b", head) and not re.search(r"\)\s*$", head):
        return None
    if head.startswith("typedef") or re.match(r"[^(]*\(\s*\*", head):
        return None  # a type, or a pointer to a function (a variable)
    m = re.match(r"[^(=]*?\b([A-Za-z_]\w*)\s*\(", head)
    if not m or "=" in head.split("(")[0]:
        return None
    name = m.group(1)
    if name in ("if", "while", "for", "switch", "return", "sizeof"):
        return None
    return name


def main():
    src = sys.argv[1]
    where = {}  # header base name -> folder
    for floor in ORDER:
        for h in glob.glob(os.path.join(src, floor, "*.h")):
            where.setdefault(os.path.basename(h), floor)
    bad, n_declared, n_includes = [], 0, 0
    for floor in ORDER:
        rank = ORDER.index(floor)
        files = sorted(glob.glob(os.path.join(src, floor, "*.[ch]")))
        defined, declared = set(), []
        for path in files:
            raw = open(path, encoding="utf-8").read()
            rel = os.path.relpath(path, src)
            for inc in re.findall(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', raw, flags=re.M):
                other = where.get(inc)
                n_includes += other is not None
                if other is not None and ORDER.index(other) > rank:
                    bad.append("%s includes %s of %s/, a folder above %s/"
                               % (rel, inc, other, floor))
            for head, body in top_level(strip(raw)):
                name = function_name(head)
                if name is None:
                    continue
                if body:
                    defined.add(name)
                elif path.endswith(".h") and not head.startswith("static"):
                    declared.append((rel, name))
        n_declared += len(declared)
        for rel, name in declared:
            if name not in defined:
                bad.append("%s declares %s, which no file of %s/ defines" % (rel, name, floor))
    if bad:
        print("\n".join(bad))
        return 1
    if n_declared == 0 or n_includes == 0:
        print("no declaration or include found under %s" % src)
        return 1
    print("%d functions declared in the headers of %s, each defined in its folder; %d includes,"
          " none of a folder above" % (n_declared, src, n_includes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
