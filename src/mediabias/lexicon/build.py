"""Build the bundled lexicons from their raw sources (tidytext style).

Raw sources live in the repository, one folder per lexicon::

    data/lexicons/<name>/meta.yaml          name, version, licence, source, description,
                                            categories (id -> description), framing_pairs
    data/lexicons/<name>/<category>.txt     one entry per line

Entry lines in a category file::

    # a comment line (a "#" after whitespace also starts a comment)
    occupied territories
    pretext* | a note about the entry
    IDF [cs]                                 case-sensitive entry
    massacre [weight=2] | a weighted entry   (weights are optional and rare)

Markers in square brackets (``[cs]``, ``[weight=N]``) may end the term or the whole
line. The build validates the sources and writes the packaged, native YAML form to
``src/mediabias/lexicons/<name>.yaml``; the same sources always give byte-identical
output::

    python -m mediabias.lexicon.build            # rebuild every packaged lexicon
    python -m mediabias.lexicon.build --check    # exit 1 if a packaged file is out of date

Exit status: 0 success, 1 a packaged file is out of date (``--check``), 2 a raw
source does not validate (the message says ``path:line: what is wrong``).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from mediabias.errors import LexiconError
from mediabias.lexicon.model import check_term

try:  # the project's one paths module, when present
    from mediabias.paths import LEXICONS_DIR as DEFAULT_OUT
    from mediabias.paths import RAW_LEXICONS_DIR as DEFAULT_SRC
except ImportError:  # pragma: no cover - same locations, computed here
    _HERE = Path(__file__).resolve()
    DEFAULT_SRC = _HERE.parents[3] / "data" / "lexicons"  # src/mediabias/lexicon/build.py -> repo
    DEFAULT_OUT = _HERE.parents[1] / "lexicons"

META_FILE = "meta.yaml"
REQUIRED_META_KEYS = ("name", "version", "licence", "source", "description", "categories")
OPTIONAL_META_KEYS = ("framing_pairs",)
FRAMING_PAIR_KEYS = ("referent", "description", "alternatives")
MIN_GLOB_STEM = 4  # letters before a trailing "*": shorter stems over-match

_CATEGORY_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_MARKER_AT_END = re.compile(r"\s*\[([^\[\]]*)\]\s*$")
_COMMENT = re.compile(r"(?:^|\s)#")
_HYPHENS = re.compile(r"[-_\u2010\u2011\u2012\u2013\u2014\u2212]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"})


def normalise_term(term: str) -> str:
    """The form under which two entries count as the same term.

    Case-folded, hyphens/underscores as spaces, curly apostrophes as straight ones,
    whitespace collapsed (the matcher treats these variants as equal).

    Examples:
        >>> normalise_term("Iran-backed")
        'iran backed'
        >>> normalise_term("  Israel\u2019s   ENEMY ") == normalise_term("israel's enemy")
        True
    """
    t = term.casefold().translate(_APOSTROPHES)
    t = _HYPHENS.sub(" ", t)
    return " ".join(t.split())


@dataclass
class RawEntry:
    term: str
    category: str
    path: Path
    line: int
    note: str | None = None
    weight: float | None = None
    case_sensitive: bool = False


@dataclass
class RawLexicon:
    """A validated raw lexicon folder, ready to render."""

    name: str
    version: str
    licence: str
    source: str
    description: str
    categories: dict[str, str]
    entries: list[RawEntry]
    framing_pairs: list[dict] = field(default_factory=list)
    folder: Path | None = None

    def category_entries(self, category: str) -> list[RawEntry]:
        return [e for e in self.entries if e.category == category]


def _shown(path: Path) -> str:
    """A path for messages: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path) if Path(path).resolve().is_relative_to(Path.cwd()) else str(path)
    except (ValueError, OSError):  # pragma: no cover - other drive on Windows
        return str(path)


def _error(message: str, path: Path, line: int | None = None, hint: str | None = None) -> LexiconError:
    return LexiconError(message, path=_shown(path), line=line, hint=hint)


# --------------------------------------------------------------------------- meta.yaml


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping_items(node: yaml.Node, path: Path, what: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise _error(f"{what} must be a mapping", path, _line(node))
    items = []
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or not key_node.value.strip():
            raise _error(f"{what} has a key that is not a plain name", path, _line(key_node))
        key = key_node.value
        if key in seen:
            raise _error(f"{what} repeats the key '{key}' (first on line {seen[key]})", path, _line(key_node))
        seen[key] = _line(key_node)
        items.append((key, key_node, value_node))
    return items


def _text(node: yaml.Node, path: Path, what: str, *, allow_empty: bool = False) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            raise _error(f"{what} is empty", path, _line(node), hint="Write a description.")
        raise _error(f"{what} must be text", path, _line(node),
                     hint="Quote it, e.g. version: \"1.0.0\"." if what == "version" else None)
    value = " ".join(node.value.split())
    if not value and not allow_empty:
        raise _error(f"{what} is empty", path, _line(node))
    return value


def _read_meta(folder: Path) -> tuple[dict, list[tuple[str, int]], list[dict]]:
    """Parse meta.yaml: (metadata, [(category, line)], framing pairs with lines)."""
    path = folder / META_FILE
    if not path.is_file():
        raise _error(f"no {META_FILE} in lexicon folder", folder,
                     hint=f"Add {META_FILE} with the keys {', '.join(REQUIRED_META_KEYS)}.")
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise _error(f"invalid YAML: {problem}", path, mark.line + 1 if mark else None) from exc
    if root is None:
        raise _error("meta.yaml is empty", path, 1)
    meta: dict = {}
    key_lines: dict[str, int] = {}
    categories: list[tuple[str, int]] = []
    pairs: list[dict] = []
    for key, key_node, value in _mapping_items(root, path, "meta.yaml"):
        key_lines[key] = _line(key_node)
        if key not in REQUIRED_META_KEYS + OPTIONAL_META_KEYS:
            raise _error(f"unknown meta key '{key}'", path, _line(key_node),
                         hint=f"Known keys: {', '.join(REQUIRED_META_KEYS + OPTIONAL_META_KEYS)}.")
        if key == "categories":
            cats: dict[str, str] = {}
            for cat, cat_node, desc_node in _mapping_items(value, path, "categories"):
                if not _CATEGORY_ID.match(cat):
                    raise _error(f"category id '{cat}' is not a lower_snake_case name", path, _line(cat_node))
                if isinstance(desc_node, yaml.ScalarNode) and desc_node.tag == "tag:yaml.org,2002:null":
                    raise _error(f"category '{cat}' has no description", path, _line(cat_node),
                                 hint="Say in a sentence or two what counts and give two examples.")
                desc = _text(desc_node, path, f"description of category '{cat}'", allow_empty=True)
                if not desc:
                    raise _error(f"category '{cat}' has no description", path, _line(cat_node),
                                 hint="Say in a sentence or two what counts and give two examples.")
                cats[cat] = desc
                categories.append((cat, _line(cat_node)))
            if not cats:
                raise _error("categories is empty", path, _line(key_node))
            meta[key] = cats
        elif key == "framing_pairs":
            if not isinstance(value, yaml.SequenceNode):
                raise _error("framing_pairs must be a list", path, _line(value))
            for item in value.value:
                pairs.append(_read_pair(item, path))
        else:
            meta[key] = _text(value, path, key)
    for key in REQUIRED_META_KEYS:
        if key not in meta:
            raise _error(f"meta.yaml has no '{key}'", path, 1,
                         hint=f"Required keys: {', '.join(REQUIRED_META_KEYS)}.")
    if meta["name"] != folder.name:
        raise _error(f"name '{meta['name']}' differs from the folder name '{folder.name}'",
                     path, key_lines["name"], hint="Rename one so they agree.")
    return meta, categories, pairs


def _read_pair(node: yaml.Node, path: Path) -> dict:
    pair: dict = {"line": _line(node), "alternatives": {}}
    for key, key_node, value in _mapping_items(node, path, "a framing pair"):
        if key not in FRAMING_PAIR_KEYS:
            raise _error(f"unknown framing pair key '{key}'", path, _line(key_node),
                         hint=f"Known keys: {', '.join(FRAMING_PAIR_KEYS)}.")
        if key == "alternatives":
            alts = _mapping_items(value, path, "alternatives")
            if len(alts) < 2:
                raise _error("a framing pair needs at least two alternatives", path, _line(key_node))
            for label, label_node, terms_node in alts:
                if not isinstance(terms_node, yaml.SequenceNode) or not terms_node.value:
                    raise _error(f"alternative '{label}' must be a non-empty list of entries",
                                 path, _line(label_node))
                pair["alternatives"][label] = [
                    (_text(t, path, f"a term of alternative '{label}'"), _line(t)) for t in terms_node.value
                ]
        else:
            pair[key] = _text(value, path, f"framing pair {key}")
    for key in FRAMING_PAIR_KEYS:
        if key not in pair or (key == "alternatives" and not pair[key]):
            raise _error(f"framing pair has no '{key}'", path, pair["line"])
    return pair


# --------------------------------------------------------------------------- category files


def _parse_markers(text: str, path: Path, lineno: int, found: dict) -> str:
    while True:
        m = _MARKER_AT_END.search(text)
        if not m:
            return text
        marker = m.group(1).strip()
        if marker == "cs":
            found["case_sensitive"] = True
        elif marker.startswith("weight="):
            try:
                found["weight"] = float(marker.split("=", 1)[1])
            except ValueError:
                raise _error(f"weight '{marker}' is not a number", path, lineno) from None
        else:
            raise _error(f"unknown marker '[{marker}]'", path, lineno,
                         hint="Known markers: [cs] (case-sensitive), [weight=N].")
        text = text[: m.start()]


def parse_entry_line(raw: str, category: str, path: Path, lineno: int) -> RawEntry | None:
    """One line of a category file as a :class:`RawEntry` (``None`` for blank/comment lines).

    Examples:
        >>> e = parse_entry_line("IDF [cs] | Israel Defense Forces", "x", Path("x.txt"), 3)
        >>> (e.term, e.case_sensitive, e.note)
        ('IDF', True, 'Israel Defense Forces')
    """
    m = _COMMENT.search(raw)
    line = raw[: m.start()] if m else raw
    if not line.strip():
        return None
    found: dict = {}
    line = _parse_markers(line.rstrip(), path, lineno, found)
    term, sep, note = line.partition("|")
    term = _parse_markers(term.rstrip(), path, lineno, found)
    term = " ".join(term.split())
    note = " ".join(note.split()) or None
    if not term:
        raise _error("empty entry", path, lineno, hint="Write the term before ' | note', or delete the line.")
    if sep and note is None:
        raise _error(f"entry '{term}' has '|' but no note", path, lineno)
    reason = check_term(term)
    if reason:
        raise _error(f"bad entry '{term}': {reason}", path, lineno,
                     hint="Put '*' only at the very end of an entry, after a letter.")
    if term.endswith("*"):
        stem = term.rsplit(" ", 1)[-1][:-1]
        if len(re.sub(r"[\W_]", "", stem)) < MIN_GLOB_STEM:
            raise _error(f"bad glob '{term}': the stem '{stem}' is shorter than {MIN_GLOB_STEM} letters "
                         "and would over-match", path, lineno, hint="List the inflections explicitly.")
    return RawEntry(term=term, category=category, path=path, line=lineno, note=note,
                    weight=found.get("weight"), case_sensitive=found.get("case_sensitive", False))


def read_raw_lexicon(folder: str | os.PathLike) -> RawLexicon:
    """Read and validate one raw lexicon folder (``data/lexicons/<name>/``).

    Raises:
        LexiconError: ``path:line: message`` for the first problem found: unknown meta
            keys, categories without a description or a file, empty entries, bad globs,
            duplicate entries (after normalising case, hyphens and apostrophes), and
            framing-pair terms that are not entries.
    """
    folder = Path(folder)
    meta, categories, pairs = _read_meta(folder)
    meta_path = folder / META_FILE
    declared = {c for c, _ in categories}
    for txt in sorted(folder.glob("*.txt")):
        if txt.stem not in declared:
            raise _error(f"category file '{txt.name}' is not declared under categories in meta.yaml",
                         txt, hint="Add the category and its description to meta.yaml, or remove the file.")
    entries: list[RawEntry] = []
    seen: dict[str, RawEntry] = {}
    for category, cat_line in categories:
        path = folder / f"{category}.txt"
        if not path.is_file():
            raise _error(f"category '{category}' has no file {path.name}", meta_path, cat_line)
        n_before = len(entries)
        for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            entry = parse_entry_line(raw, category, path, lineno)
            if entry is None:
                continue
            key = normalise_term(entry.term)
            if key in seen:
                first = seen[key]
                where = "the same category" if first.category == category else f"category '{first.category}'"
                raise _error(
                    f"duplicate entry '{entry.term}': already in {where} as '{first.term}' "
                    f"({_shown(first.path)}:{first.line})", path, lineno,
                    hint="Keep each term in one category only.")
            seen[key] = entry
            entries.append(entry)
        if len(entries) == n_before:
            raise _error(f"category '{category}' has no entries", path)
    framing_pairs = []
    referents: set[str] = set()
    for pair in pairs:
        if pair["referent"] in referents:
            raise _error(f"framing pair '{pair['referent']}' is defined twice", meta_path, pair["line"])
        referents.add(pair["referent"])
        in_pair: dict[str, str] = {}
        alternatives: dict[str, list[str]] = {}
        for label, terms in pair["alternatives"].items():
            alternatives[label] = []
            for term, lineno in terms:
                key = normalise_term(term)
                if key not in seen:
                    raise _error(f"framing pair '{pair['referent']}': term '{term}' is not an entry",
                                 meta_path, lineno,
                                 hint="Add it to a category file, or correct the spelling.")
                if key in in_pair:
                    raise _error(f"framing pair '{pair['referent']}': term '{term}' is listed under both "
                                 f"'{in_pair[key]}' and '{label}'", meta_path, lineno)
                in_pair[key] = label
                alternatives[label].append(seen[key].term)  # the entry's own spelling
        framing_pairs.append({"referent": pair["referent"], "description": pair["description"],
                              "alternatives": alternatives})
    return RawLexicon(name=meta["name"], version=meta["version"], licence=meta["licence"],
                      source=meta["source"], description=meta["description"],
                      categories=meta["categories"], entries=entries,
                      framing_pairs=framing_pairs, folder=folder)


# --------------------------------------------------------------------------- rendering


class _Folded(str):
    pass


class _Quoted(str):
    pass


class _Flow(list):
    pass


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)  # indent "- " items under their key


_STR = "tag:yaml.org,2002:str"
_Dumper.add_representer(_Folded, lambda d, s: d.represent_scalar(_STR, str(s), style=">"))
_Dumper.add_representer(_Quoted, lambda d, s: d.represent_scalar(_STR, str(s), style='"'))
_Dumper.add_representer(
    _Flow, lambda d, seq: d.represent_sequence("tag:yaml.org,2002:seq", list(seq), flow_style=True))


def _entry_item(entry: RawEntry) -> str | dict:
    if entry.note is None and entry.weight is None and not entry.case_sensitive:
        return entry.term
    item: dict = {"term": entry.term}
    if entry.note is not None:
        item["note"] = entry.note
    if entry.weight is not None:
        item["weight"] = entry.weight
    if entry.case_sensitive:
        item["case_sensitive"] = True
    return item


def render_lexicon(lex: RawLexicon) -> str:
    """The packaged, native YAML text of a validated lexicon (deterministic)."""
    doc: dict = {
        "name": lex.name,
        "version": _Quoted(lex.version),
        "licence": lex.licence,
        "source": lex.source,
        "description": _Folded(lex.description),
        "categories": {
            cat: {"description": desc, "entries": [_entry_item(e) for e in lex.category_entries(cat)]}
            for cat, desc in lex.categories.items()
        },
    }
    if lex.framing_pairs:
        doc["framing_pairs"] = [
            {"referent": p["referent"], "description": p["description"],
             "alternatives": {label: _Flow(terms) for label, terms in p["alternatives"].items()}}
            for p in lex.framing_pairs
        ]
    header = (
        f"# {lex.name}: generated by `python -m mediabias.lexicon.build` from data/lexicons/{lex.name}/.\n"
        "# Do not edit by hand: edit the raw sources and rebuild.\n"
    )
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=92,
                     default_flow_style=False)
    return header + body


# --------------------------------------------------------------------------- driver


def lexicon_folders(src: str | os.PathLike) -> list[Path]:
    """The raw lexicon folders under ``src`` (those holding a meta.yaml), sorted by name."""
    src = Path(src)
    if not src.is_dir():
        raise LexiconError("raw lexicon folder not found", path=_shown(src),
                           hint="Pass --src DIR, the folder that holds one sub-folder per lexicon.")
    return sorted(p for p in src.iterdir() if p.is_dir() and (p / META_FILE).is_file())


def build(src: str | os.PathLike = DEFAULT_SRC, out: str | os.PathLike = DEFAULT_OUT,
          *, check: bool = False) -> list[Path]:
    """Build every lexicon under ``src`` into ``out/<name>.yaml``.

    With ``check=True`` nothing is written; the return value lists the packaged files
    that are missing or differ from what the sources give (empty when up to date).
    Otherwise it lists the files written.
    """
    out = Path(out)
    rendered = {}
    for folder in lexicon_folders(src):
        lex = read_raw_lexicon(folder)
        rendered[out / f"{lex.name}.yaml"] = render_lexicon(lex).encode("utf-8")
    if check:
        return [p for p, data in rendered.items() if not p.is_file() or p.read_bytes() != data]
    out.mkdir(parents=True, exist_ok=True)
    for path, data in rendered.items():
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
    return list(rendered)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mediabias.lexicon.build",
        description="Build the packaged lexicons (src/mediabias/lexicons/*.yaml) from the raw "
                    "sources (data/lexicons/<name>/).",
        epilog="Exit status: 0 ok, 1 a packaged file is out of date (--check), 2 invalid raw source.")
    parser.add_argument("--src", default=str(DEFAULT_SRC), help="raw lexicon folder (default: %(default)s)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="packaged output folder (default: %(default)s)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a packaged file is missing or out of date")
    args = parser.parse_args(argv)
    try:
        paths = build(args.src, args.out, check=args.check)
    except LexiconError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.check:
        for path in paths:
            print(f"{_shown(path)} is out of date with its raw sources: run "
                  "`python -m mediabias.lexicon.build`.", file=sys.stderr)
        return 1 if paths else 0
    for path in paths:
        print(f"wrote {_shown(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
