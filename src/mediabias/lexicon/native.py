"""The native lexicon format (YAML), read with line numbers for every error.

Shape (see ``mediabias/lexicons/loaded_terms.yaml`` for a full example)::

    name: loaded_terms
    version: "1.0.0"
    licence: CC-BY-4.0
    source: Written by the mediabias developers, 2026
    description: What it measures.
    categories:
      epistemic_distancing:
        description: Words that distance the writer from a claim.
        entries:
          - alleged
          - term: pretext*
            note: matches pretext, pretexts
            weight: 1.0
            case_sensitive: false
    framing_pairs:
      - referent: territories
        description: Competing names for the land Israel captured in 1967.
        alternatives:
          occupied: [occupied territories]
          disputed: [disputed territories]

Validation (each error names ``file:line``): unknown keys, missing required
keys, empty entries, bad globs, an entry listed twice or in two categories
(compared after case folding and hyphen/space/apostrophe normalisation), framing
alternatives that name a term that is not an entry.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

from ..errors import LexiconError
from .model import Entry, FramingPair, Lexicon, check_term, entry_key

TOP_KEYS = {"name", "version", "licence", "license", "source", "description", "categories",
            "framing_pairs", "url", "citation", "language"}
REQUIRED = ("name", "version", "categories")
CATEGORY_KEYS = {"description", "entries"}
ENTRY_KEYS = {"term", "note", "weight", "case_sensitive"}
PAIR_KEYS = {"referent", "description", "alternatives"}


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar(node: yaml.Node, path: str, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise LexiconError(f"{what} must be a single value, not a {_kind(node)}", path=path, line=_line(node))
    return str(node.value)


def _kind(node: yaml.Node) -> str:
    return {yaml.MappingNode: "mapping", yaml.SequenceNode: "list"}.get(type(node), "value")


def _mapping(node: yaml.Node, path: str, what: str, allowed: set[str]) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise LexiconError(f"{what} must be a mapping (key: value lines), not a {_kind(node)}",
                           path=path, line=_line(node))
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for k, v in node.value:
        key = str(k.value)
        if allowed and key not in allowed:
            raise LexiconError(f"unknown key {key!r} in {what}", path=path, line=_line(k),
                               hint="Allowed: " + ", ".join(sorted(allowed)) + ".")
        if key in out:
            raise LexiconError(f"key {key!r} appears twice in {what}", path=path, line=_line(k))
        out[key] = (k, v)
    return out


def read_native_yaml(path: str | Path, text: str | None = None) -> Lexicon:
    """Read and validate a native YAML lexicon. Raises LexiconError with file and line."""
    p = str(path)
    data = None
    if text is None:
        try:
            data = Path(path).read_bytes()
            text = data.decode("utf-8-sig")
        except OSError as exc:
            raise LexiconError(f"cannot read the lexicon ({exc.strerror or type(exc).__name__})", path=p,
                               hint="Check the path.") from None
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise LexiconError("lexicon is not UTF-8 text", path=p, line=line,
                               hint="Save the file as UTF-8.") from None
    if "\x00" in text:
        raise LexiconError("lexicon file is binary, not YAML text", path=p, line=1)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise LexiconError(f"YAML syntax error: {problem}", path=p, line=(mark.line + 1) if mark else None,
                           hint="Check indentation and quoting on that line.") from None
    if root is None:
        raise LexiconError("lexicon file is empty", path=p, line=1,
                           hint="A native lexicon needs name:, version: and categories:.")
    top = _mapping(root, p, "the lexicon", TOP_KEYS)
    for key in REQUIRED:
        if key not in top:
            raise LexiconError(f"missing required key {key!r}", path=p, line=1,
                               hint="A native lexicon needs name:, version: and categories:.")
    meta = {k: _scalar(v, p, k) for k, (_, v) in top.items() if k not in ("categories", "framing_pairs")}
    name = meta["name"].strip()
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise LexiconError(f"lexicon name {name!r} may only use letters, digits, '_', '-', '.'",
                           path=p, line=_line(top["name"][1]))
    categories: dict[str, str] = {}
    entries: list[Entry] = []
    seen: dict[str, tuple[str, int]] = {}
    cat_node = top["categories"][1]
    for cat, (knode, vnode) in _mapping(cat_node, p, "categories", set()).items():
        body = _mapping(vnode, p, f"category {cat!r}", CATEGORY_KEYS)
        categories[cat] = _scalar(body["description"][1], p, "description").strip() if "description" in body else ""
        if "entries" not in body:
            raise LexiconError(f"category {cat!r} has no entries:", path=p, line=_line(knode))
        enode = body["entries"][1]
        if not isinstance(enode, yaml.SequenceNode):
            raise LexiconError(f"entries of {cat!r} must be a list", path=p, line=_line(enode))
        for item in enode.value:
            line = _line(item)
            opts: dict[str, str] = {}
            if isinstance(item, yaml.ScalarNode):
                term = str(item.value)
            else:
                fields = _mapping(item, p, "an entry", ENTRY_KEYS)
                if "term" not in fields:
                    raise LexiconError("entry has no term:", path=p, line=line)
                term = _scalar(fields["term"][1], p, "term")
                opts = {k: _scalar(v, p, k) for k, (_, v) in fields.items() if k != "term"}
            reason = check_term(term)
            if reason:
                raise LexiconError(f"{reason}: {term!r}", path=p, line=line,
                                   hint="Write whole words; a single '*' may end the entry (pretext*).")
            key = entry_key(term)
            if key in seen:
                other_cat, other_line = seen[key]
                if other_cat == cat:
                    raise LexiconError(f"entry {term!r} is listed twice in {cat!r} (first at line {other_line})",
                                       path=p, line=line, hint="Remove one of them.")
                raise LexiconError(f"entry {term!r} is in two categories ({other_cat!r} at line {other_line} "
                                   f"and {cat!r})", path=p, line=line, hint="Keep it in one category.")
            seen[key] = (cat, line)
            weight = None
            if "weight" in opts:
                try:
                    weight = float(opts["weight"])
                except ValueError:
                    raise LexiconError(f"weight {opts['weight']!r} is not a number", path=p, line=line) from None
            cs = opts.get("case_sensitive", "false").strip().lower()
            if cs not in ("true", "false", "yes", "no"):
                raise LexiconError(f"case_sensitive must be true or false, not {cs!r}", path=p, line=line)
            entries.append(Entry(term.strip(), cat, weight, cs in ("true", "yes"), opts.get("note"), line))
    if not entries:
        raise LexiconError("lexicon has no entries", path=p, line=_line(cat_node))
    pairs: list[FramingPair] = []
    if "framing_pairs" in top:
        pnode = top["framing_pairs"][1]
        if not isinstance(pnode, yaml.SequenceNode):
            raise LexiconError("framing_pairs must be a list", path=p, line=_line(pnode))
        for item in pnode.value:
            f = _mapping(item, p, "a framing pair", PAIR_KEYS)
            for req in ("referent", "alternatives"):
                if req not in f:
                    raise LexiconError(f"framing pair has no {req}:", path=p, line=_line(item))
            alts: dict[str, tuple[str, ...]] = {}
            for label, (lk, lv) in _mapping(f["alternatives"][1], p, "alternatives", set()).items():
                if not isinstance(lv, yaml.SequenceNode):
                    raise LexiconError(f"alternative {label!r} must be a list of entries", path=p, line=_line(lv))
                terms = []
                for t in lv.value:
                    term = _scalar(t, p, "a framing term")
                    if entry_key(term) not in seen:
                        raise LexiconError(f"framing term {term!r} is not an entry of the lexicon", path=p,
                                           line=_line(t), hint="Add it to a category, or fix its spelling.")
                    terms.append(term)
                alts[label] = tuple(terms)
            if len(alts) < 2:
                raise LexiconError("a framing pair needs at least two alternatives", path=p, line=_line(item))
            pairs.append(FramingPair(_scalar(f["referent"][1], p, "referent"),
                                     _scalar(f["description"][1], p, "description") if "description" in f else "",
                                     alts))
    sha = hashlib.sha256(data if data is not None else text.encode("utf-8")).hexdigest()
    return Lexicon(
        name=name, entries=tuple(entries), version=meta.get("version", "unversioned"),
        licence=meta.get("licence", meta.get("license", "unknown")), source=meta.get("source", ""),
        description=meta.get("description", ""), categories=categories, framing_pairs=tuple(pairs),
        format="native-yaml", path=p, sha256=sha)
