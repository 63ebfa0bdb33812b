#!/usr/bin/env python
"""Check that page-dump cases are internally consistent.

Usage::

    python benchmarks/pagedumps/check_cases.py [DIR ...]   (default: benchmarks/pagedumps/synthetic)

For every case folder (``dump.txt``, ``gold.txt``, ``meta.json``) it checks that:

* ``meta.json`` has ``outlet``, ``title``, ``captions`` (a list) and ``style``;
* every gold paragraph occurs in the dump, in order (compared as lowercased ``\\w+``
  token sequences, so line wrapping and blank lines do not matter; zero-width spaces and
  soft hyphens are removed from the dump first, and so is any regex given as
  ``meta["dump_noise"]``, e.g. a text browser's ``[12]`` link markers);
* the title is one line of the dump (up to whitespace), and every caption occurs in the dump;
* the gold body has 250-900 words (a warning only).

Prints one line per problem and a summary; exits 1 if any case is inconsistent.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOK = re.compile(r"\w+")


def toks(s: str) -> str:
    return " " + " ".join(TOK.findall(s.lower())) + " "


def check(case: Path) -> list[str]:
    errs: list[str] = []
    dump = (case / "dump.txt").read_text(encoding="utf-8")
    gold = (case / "gold.txt").read_text(encoding="utf-8")
    try:
        meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ["meta.json missing"]
    for key in ("outlet", "title", "captions", "style"):
        if key not in meta:
            errs.append(f"meta.json lacks {key!r}")
    clean = dump.replace("\u200b", "").replace("\u00ad", "")
    if meta.get("dump_noise"):
        clean = re.sub(meta["dump_noise"], "", clean)
    dump_t = toks(clean)
    pos = 0
    for i, para in enumerate(p for p in gold.split("\n\n") if p.strip()):
        if "\n" in para.strip():
            errs.append(f"gold paragraph {i + 1} spans several lines")
        t = toks(para)
        j = dump_t.find(t, pos)
        if j < 0:
            where = "out of order" if dump_t.find(t) >= 0 else "not in dump"
            errs.append(f"gold paragraph {i + 1} {where}: {para.strip()[:70]!r}")
        else:
            pos = j + len(t) - 1
    lines = {" ".join(ln.split()) for ln in dump.splitlines()}
    if meta.get("title") and " ".join(meta["title"].split()) not in lines:
        errs.append(f"title is not a line of the dump: {meta['title'][:70]!r}")
    flat = " ".join(dump.split())
    for c in meta.get("captions", []):
        if " ".join(c.split()) not in flat:
            errs.append(f"caption not in dump: {c[:70]!r}")
    n = len(TOK.findall(gold))
    if not 250 <= n <= 900:
        print(f"warning: {case.name}: gold has {n} words (outside 250-900)")
    return errs


def main(argv: list[str]) -> int:
    dirs = [Path(a) for a in argv] or [HERE / "synthetic"]
    cases = []
    for d in dirs:
        cases += [d] if (d / "dump.txt").exists() else sorted(p for p in d.iterdir() if (p / "dump.txt").exists())
    bad = 0
    for c in cases:
        errs = check(c)
        for e in errs:
            print(f"{c.name}: {e}")
        bad += bool(errs)
    print(f"{len(cases)} cases checked, {bad} inconsistent")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
