#!/usr/bin/env python3
"""Finds import cycles between the modules of one crate.

Usage: ci/module-cycles.py CRATE_SRC_DIR [--tests] [--edges]
       (e.g. ci/module-cycles.py schemas/src)

Every `.rs` file is a module (`mod.rs` is its directory's). A module depends
on another when it names it through a `crate::`, `super::` or `self::` path,
in a `use` tree or inline; a path through a re-export (`crate::Schema`,
`pub use` in a `mod.rs`) counts as naming the module that defines the item.
Comments are ignored, and so is test code (`#[cfg(test)] mod ...` and files
under a `tests/` directory) unless `--tests` is given.

Cycles are looked for among siblings: for each module, its children (each
with everything below it folded in) form a graph, and a path from one child
back to itself is a cycle. A child naming its parent, or a parent its
children, is how Rust modules are built and is not counted. Prints every
cycle (as the strongly connected set of siblings and the edges between
them) and exits 1 if there is one; `--edges` also prints every sibling edge.
"""

import os
import re
import sys

USE = re.compile(r"\b(?:pub(?:\([a-z]+\))?\s+)?use\s+([^;]*);", re.S)
PATH = re.compile(r"\b((?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+)")
MOD = re.compile(r"^\s*(?:pub(?:\([a-z]+\))?\s+)?mod\s+([a-z_][a-z0-9_]*)\s*;", re.M)
TEST_MOD = re.compile(r"#\[cfg\(test\)\]\s*(?:pub(?:\([a-z]+\))?\s+)?mod\s+[a-z_0-9]+\s*(;|\{)")


def strip_comments(text):
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i)
            i = n if j < 0 else j + 2
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""')
            i = j + 1
        elif text.startswith("r#\"", i) or text.startswith('r"', i):
            hashes = 1 if text[i + 1] == "#" else 0
            end = '"' + "#" * hashes
            j = text.find(end, i + 2 + hashes)
            out.append('""')
            i = n if j < 0 else j + len(end)
        elif text[i] == "'" and i + 2 < n and (text[i + 2] == "'" or text[i + 1] == "\\"):
            j = text.find("'", i + 2)
            out.append("' '")
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def drop_test_code(text):
    """Removes `#[cfg(test)] mod x { ... }` blocks and `#[cfg(test)] mod x;`."""
    while True:
        m = TEST_MOD.search(text)
        if not m:
            return text
        if m.group(1) == ";":
            text = text[: m.start()] + text[m.end():]
            continue
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        text = text[: m.start()] + text[j:]


def split_tree(tree):
    """Flattens a use tree (`a::{b, c::{d as e}}`) into paths (`a::b`, `a::c::d`)."""
    tree = re.sub(r"\s+as\s+[A-Za-z_][A-Za-z0-9_]*", "", tree)
    tree = re.sub(r"\s+", "", tree)
    out = []

    def walk(prefix, t):
        parts, depth, start = [], 0, 0
        for k, ch in enumerate(t):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                parts.append(t[start:k])
                start = k + 1
        parts.append(t[start:])
        for part in filter(None, parts):
            brace = part.find("{")
            if brace >= 0 and part.endswith("}"):
                walk(prefix + part[:brace], part[brace + 1: -1])
            else:
                out.append(prefix + part)

    walk("", tree)
    return [p.rstrip(":") for p in out]


class Crate:
    def __init__(self, src, tests):
        self.modules = {}  # module path tuple -> text
        self.children = {}  # module path -> set of child names
        self.reexports = {}  # module path -> {name: absolute path tuple}
        self.load(src, (), os.path.join(src, "lib.rs") if os.path.exists(os.path.join(src, "lib.rs")) else os.path.join(src, "main.rs"), tests)

    def load(self, src, path, file, tests):
        with open(file, encoding="utf-8") as f:
            text = strip_comments(f.read())
        if not tests:
            text = drop_test_code(text)
        self.modules[path] = text
        self.children[path] = set()
        directory = os.path.dirname(file) if os.path.basename(file) in ("lib.rs", "main.rs", "mod.rs") else file[:-3]
        for name in MOD.findall(text):
            if not tests and name == "tests":
                continue
            for candidate in (os.path.join(directory, name + ".rs"), os.path.join(directory, name, "mod.rs")):
                if os.path.exists(candidate):
                    self.children[path].add(name)
                    self.load(src, path + (name,), candidate, tests)
                    break

    def absolute(self, here, path):
        parts = path.split("::")
        if parts[0] == "crate":
            base, rest = (), parts[1:]
        elif parts[0] in ("super", "self"):
            base = here
            while parts and parts[0] in ("super", "self"):
                if parts[0] == "super":
                    base = base[:-1]
                parts = parts[1:]
            rest = parts
        elif parts[0] in self.children.get(here, ()):
            base, rest = here, parts
        else:
            return None
        return tuple(base) + tuple(rest)

    def resolve(self, path, seen=()):
        """The module an absolute item path lands in, following re-exports."""
        module = ()
        for i, part in enumerate(path):
            if part in self.children.get(module, ()):
                module = module + (part,)
                continue
            target = self.reexports.get(module, {}).get(part)
            if target and target not in seen:
                return self.resolve(target + path[i + 1:], seen + (target,))
            return module
        return module

    def collect_reexports(self):
        for module, text in self.modules.items():
            names = {}
            for m in USE.finditer(text):
                if not m.group(0).lstrip().startswith("pub"):
                    continue
                for p in split_tree(m.group(1)):
                    absolute = self.absolute(module, p)
                    if absolute and absolute[-1] != "*":
                        names[absolute[-1]] = absolute
            self.reexports[module] = names

    def edges(self):
        self.collect_reexports()
        out = {}
        for module, text in self.modules.items():
            targets = set()
            for m in USE.finditer(text):
                for p in split_tree(m.group(1)):
                    absolute = self.absolute(module, p)
                    if absolute:
                        targets.add(self.resolve(absolute))
            for m in PATH.finditer(USE.sub(" ", text)):
                absolute = self.absolute(module, m.group(1))
                if absolute:
                    targets.add(self.resolve(absolute))
            out[module] = targets
        return out


def sccs(nodes, graph):
    index, low, stack, on, result, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            result.append(component)

    for v in nodes:
        if v not in index:
            visit(v)
    return result


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    crate = Crate(args[0], "--tests" in sys.argv)
    edges = crate.edges()
    found = 0
    for parent in sorted(crate.modules):
        kids = sorted(crate.children[parent])
        graph = {k: set() for k in kids}
        why = {}
        for module, targets in edges.items():
            if module[: len(parent)] != parent or len(module) <= len(parent):
                continue
            source = module[len(parent)]
            for target in targets:
                if target[: len(parent)] != parent or len(target) <= len(parent):
                    continue
                child = target[len(parent)]
                if child != source:
                    graph[source].add(child)
                    why.setdefault((source, child), set()).add(("::".join(module), "::".join(target)))
        name = "::".join(("crate",) + parent)
        if "--edges" in sys.argv:
            for (a, b), reasons in sorted(why.items()):
                detail = ", ".join(f"{x} uses {y}" for x, y in sorted(reasons))
                print(f"{name}: {a} -> {b}  ({detail})")
        for component in sccs(kids, graph):
            if len(component) > 1:
                found += 1
                members = set(component)
                print(f"cycle in {name}: {' '.join(sorted(component))}")
                for (a, b), reasons in sorted(why.items()):
                    if a in members and b in members:
                        print(f"    {a} -> {b}: " + ", ".join(f"{x} uses {y}" for x, y in sorted(reasons)))
    modules = len(crate.modules)
    print(f"{modules} modules, {found} cycle(s)")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
