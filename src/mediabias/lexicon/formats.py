r"""Readers for other tools' dictionary formats, as those tools ship them.

Each reader takes the path of the user's own copy of a third-party dictionary
(third-party lexicons are never bundled) and returns a
:class:`~mediabias.lexicon.model.Lexicon`:

* :func:`read_liwc_dic` (``liwc``): LIWC ``.dic`` files, 2001/2007/2015 style;
* :func:`read_quanteda_yaml` (``quanteda-yaml``): quanteda ``dictionary(file=, format="YAML")``;
* :func:`read_lexicoder` (``lexicoder``): Lexicoder ``.lc3`` / ``.lcd``;
* :func:`read_mpqa_tff` (``mpqa``): MPQA subjectivity clues ``.tff``;
* :func:`read_wordlist` (``wordlist``): one entry a line (``.txt``, ``.lst``);
* :func:`read_csv_lexicon` (``csv``): ``term,category[,weight,note,case_sensitive]``.

:func:`detect_format` guesses the format from the extension and a peek at the
content; :func:`read_foreign` dispatches on it.

Common rules: the lexicon ``name`` defaults to the file stem, ``version`` is
``"unversioned"``, ``licence`` ``"see source file"``, ``source`` and ``path`` the
path as given, ``sha256`` that of the file bytes, and ``description`` names the
tool and the text encoding that was used (UTF-8, with or without BOM, UTF-16
with a BOM, else Windows-1252/latin-1). Every entry carries its 1-based
``line``. Terms are trimmed, inner runs of whitespace become one space, and each
is checked with :func:`~mediabias.lexicon.model.check_term`. Any problem with the
file (unreadable, empty, binary, malformed, a bad glob, no entries) raises
:class:`~mediabias.errors.LexiconError` naming the file and, where there is one,
the line; nothing else escapes for bad data.

Duplicates (the same term twice in one category, compared as the matcher sees
terms: ignoring case, hyphen-or-space and apostrophe style) are kept once, at
their first line. A term may sit in several categories when the source
format says so (LIWC, quanteda, Lexicoder, MPQA); the CSV format, which users
write by hand, rejects that as the native format does.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.reader import ReaderError

from mediabias.errors import LexiconError
from mediabias.lexicon.model import Entry, Lexicon, check_term, entry_key

__all__ = [
    "FOREIGN_FORMATS",
    "FORMATS",
    "detect_format",
    "read_csv_lexicon",
    "read_foreign",
    "read_lexicoder",
    "read_liwc_dic",
    "read_mpqa_tff",
    "read_quanteda_yaml",
    "read_wordlist",
]

#: Every name :func:`detect_format` can return.
FORMATS = ("liwc", "quanteda-yaml", "native-yaml", "lexicoder", "mpqa", "wordlist", "csv")
#: The formats :func:`read_foreign` reads (``native-yaml`` has its own reader).
FOREIGN_FORMATS = ("liwc", "quanteda-yaml", "lexicoder", "mpqa", "wordlist", "csv")

_LICENCE = "see source file"
_VERSION = "unversioned"
_YAML_DEPTH = 64


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class _Source:
    """A text file read once: its bytes, decoded text and the encoding used."""

    path: str
    data: bytes
    text: str
    encoding: str

    def lines(self) -> list[str]:
        """Lines without their line breaks (``\r\n``, ``\r`` and ``\n``), 0-indexed."""
        return self.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def last_line(self) -> int:
        """1-based number of the last non-blank line (1 for a blank file)."""
        lines = self.lines()
        for i in range(len(lines) - 1, -1, -1):
            if lines[i].strip():
                return i + 1
        return 1

    def line_at(self, offset: int) -> int:
        """1-based line of a character offset into :attr:`text`."""
        head = self.text[:offset].replace("\r\n", "\n").replace("\r", "\n")
        return head.count("\n") + 1

    @property
    def filename(self) -> str:
        return os.path.basename(self.path) or self.path


def _fspath(path: str | os.PathLike) -> str:
    try:
        return os.fspath(path)
    except TypeError:
        raise TypeError(f"path must be a str or os.PathLike, not {type(path).__name__}") from None


def _read_bytes(path: str, limit: int = -1) -> bytes:
    """The file's bytes (at most ``limit`` of them); LexiconError for a missing or unreadable file."""
    try:
        with open(path, "rb") as fh:
            return fh.read(limit)
    except FileNotFoundError:
        raise LexiconError("file not found", path, hint="Check the path and the file name.") from None
    except IsADirectoryError:
        raise LexiconError("this is a folder, not a dictionary file", path,
                           hint="Point to the dictionary file inside it.") from None
    except OSError as exc:
        raise LexiconError(f"cannot read the file ({exc.strerror or exc})", path,
                           hint="Check that the file exists and that you may read it.") from None


def _decode(path: str, data: bytes) -> tuple[str, str]:
    """Decode dictionary bytes; return (text, encoding label).

    UTF-16 is accepted only with a BOM; otherwise a NUL byte means a binary file.
    UTF-8 (BOM optional) is tried first, then Windows-1252 when the bytes use its
    0x80-0x9F punctuation, else latin-1 (which decodes any byte).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise LexiconError(f"the file starts with a UTF-16 mark but is not valid UTF-16 ({exc.reason})",
                               path, hint="Save the dictionary again as UTF-8 plain text.") from None
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data[:nul].replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1
        raise LexiconError("this looks like a binary file, not a plain-text dictionary (NUL byte)", path,
                           line=line, hint="Point to the plain-text dictionary file itself "
                           "(not a .zip, .docx, .xlsx or .pdf), or save it as UTF-8 text.")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "UTF-8 with BOM"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            pass
    if re.search(rb"[\x80-\x9f]", data):
        try:
            return data.decode("cp1252"), "Windows-1252 (not valid UTF-8)"
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1"), "latin-1 (not valid UTF-8)"


def _load(path: str | os.PathLike) -> _Source:
    """Read, decode and sanity-check a dictionary file."""
    p = _fspath(path)
    data = _read_bytes(p)
    if not data.strip():
        raise LexiconError("the file is empty", p, line=1,
                           hint="Point to the dictionary file that holds the entries, "
                           "or export the dictionary again.")
    text, encoding = _decode(p, data)
    text = text.rstrip("\x1a")  # DOS end-of-file marker in old dictionary files
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise LexiconError("the file is empty", p, line=1,
                           hint="Point to the dictionary file that holds the entries, "
                           "or export the dictionary again.")
    return _Source(p, data, text, encoding)


def _control_char(text: str) -> str | None:
    for ch in text:
        if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r":
            return ch
    return None


def _bad_term_hint(term: str) -> str:
    core = " ".join(re.sub(r"\*+", "", term).split())
    if "*" in term and re.search(r"\w$", core):
        return f"Write '{core}*' for a prefix match or '{core}' for the exact word."
    if "*" in term and re.search(r"\w", core):
        return f"Write '{core}' for the exact entry; a '*' may only follow a letter or digit."
    if "*" in term:
        return "A '*' may only end an entry, right after a letter or digit; remove this entry."
    return "Give the entry as a word or phrase with letters or digits, or remove it."


def _term(raw: str, src: _Source, line: int) -> str:
    """Normalise whitespace and validate one term, or raise LexiconError at ``line``."""
    term = " ".join(raw.split())
    ch = _control_char(term)
    if ch is not None:
        raise LexiconError(f"entry {term!r} contains the control character U+{ord(ch):04X}",
                           src.path, line=line, hint="Remove the character; the file may be damaged.")
    reason = check_term(term)
    if reason is not None:
        raise LexiconError(f"entry {term!r} is not valid: {reason}", src.path, line=line,
                           hint=_bad_term_hint(term))
    return term


def _category_name(raw: str, src: _Source, line: int) -> str:
    name = " ".join(raw.split())
    if not name:
        raise LexiconError("empty category name", src.path, line=line, hint="Give the category a name.")
    ch = _control_char(name)
    if ch is not None:
        raise LexiconError(f"category {name!r} contains the control character U+{ord(ch):04X}",
                           src.path, line=line, hint="Remove the character; the file may be damaged.")
    return name


_key = entry_key  # one rule for every reader (mediabias.lexicon.model)


class _Collector:
    """Entries in file order plus described categories, without exact duplicates."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.categories: dict[str, str] = {}
        self._seen: set[tuple[str, str]] = set()

    def category(self, name: str, description: str = "") -> None:
        if name not in self.categories or (description and not self.categories[name]):
            self.categories[name] = description

    def add(self, term: str, category: str, line: int, *, weight: float | None = None,
            case_sensitive: bool = False, note: str | None = None) -> bool:
        self.category(category)
        key = (_key(term, case_sensitive), category)
        if key in self._seen:
            return False
        self._seen.add(key)
        self.entries.append(Entry(term=term, category=category, weight=weight,
                                  case_sensitive=case_sensitive, note=note, line=line))
        return True


def _lexicon(src: _Source, name: str | None, fmt: str, label: str, col: _Collector,
             empty_hint: str) -> Lexicon:
    if not col.entries:
        raise LexiconError(f"no entries found in this {label}", src.path, line=src.last_line(),
                           hint=empty_hint)
    return Lexicon(
        name=name or Path(src.path).stem or src.filename,
        entries=tuple(col.entries),
        version=_VERSION,
        licence=_LICENCE,
        source=src.path,
        description=f"{label} read from {src.filename} (encoding: {src.encoding})",
        categories=dict(col.categories),
        format=fmt,
        path=src.path,
        sha256=hashlib.sha256(src.data).hexdigest(),
    )


def _looks_like_xml(src: _Source) -> bool:
    head = src.text.lstrip()[:200].lower()
    return head.startswith("<?xml") or head.startswith("<dictionary")


# --------------------------------------------------------------------------- LIWC

_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_LIWC_CODE_TOKEN = re.compile(r"[0-9()/]+", re.ASCII)
_LIWC_TAG = re.compile(r"<[A-Za-z]+>")


def read_liwc_dic(path: str | os.PathLike, name: str | None = None) -> Lexicon:
    r"""Read a LIWC ``.dic`` dictionary.

    The file starts with a header between two lines holding only ``%``; each header
    line is ``number<TAB>category`` (leading tabs, as in LIWC2015's nested legend,
    are ignored; text after the name becomes the category description). Each
    following line is ``word<TAB>number number ...``. A word in several categories
    yields one entry per category, in the order listed, all with the same line.

    Tolerated variants: LIWC2015 phrases with spaces (``kind of<TAB>1 2``, or
    without a tab when the trailing tokens are category numbers or names),
    categories given by name instead of number (``abandon*<TAB>affect negemo``),
    leading zeros (``01``), and LIWC2007 context codes such as
    ``(02 134)131/125``: the condition in parentheses is dropped, every
    alternative category is kept, and the entry's ``note`` records the original
    code (the matcher cannot evaluate the context).

    Rejected: a missing or unclosed header, a category number or name not in the
    header, a line without categories, tags such as ``<of>``, and invalid terms.

    Examples:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "mini.dic"
        >>> _ = p.write_text("%\n1\tnegemo\n2\taffect\n%\nabandon*\t1 2\n")
        >>> [(e.term, e.category, e.line) for e in read_liwc_dic(p).entries]
        [('abandon*', 'negemo', 5), ('abandon*', 'affect', 5)]
    """
    src = _load(path)
    lines = src.lines()
    col = _Collector()
    n = len(lines)

    i = 0
    while i < n and not lines[i].strip():
        i += 1
    if _looks_like_xml(src):
        raise LexiconError("this is an XML file, not a LIWC .dic dictionary", src.path, line=i + 1,
                           hint="Read it with the reader for its own format, or export it from LIWC as .dic.")
    if i >= n or lines[i].strip() != "%":
        raise LexiconError("missing header: a LIWC .dic starts with a line holding only '%'",
                           src.path, line=i + 1,
                           hint="Start the file with '%', one 'number<TAB>category' line per "
                           "category, and another '%' line before the entries.")
    open_line = i + 1

    by_id: dict[int, str] = {}
    by_name: dict[str, str] = {}
    by_folded: dict[str, str] = {}
    header_line: dict[str, int] = {}
    i += 1
    closed = False
    while i < n:
        s = lines[i].strip()
        lineno = i + 1
        i += 1
        if not s:
            continue
        if s == "%":
            closed = True
            break
        parts = s.split()
        if not _DIGITS.fullmatch(parts[0]) or len(parts) < 2:
            if not _DIGITS.fullmatch(parts[0]):
                msg = f"header line {s[:40]!r} is not 'number<TAB>category'"
            else:
                msg = f"category number {parts[0]} has no name"
            raise LexiconError(msg, src.path, line=lineno,
                               hint=f"Write 'number<TAB>category' lines between the two '%' lines; "
                               f"if the header ended earlier, add a line holding only '%' "
                               f"(the header opened on line {open_line}).")
        cid = int(parts[0])
        cname = _category_name(parts[1], src, lineno)
        desc = " ".join(parts[2:])
        if desc.startswith("(") and desc.endswith(")"):
            desc = desc[1:-1].strip()
        if cid in by_id:
            raise LexiconError(f"category number {cid} is defined twice (also as {by_id[cid]!r})",
                               src.path, line=lineno, hint="Give each category its own number.")
        if cname in by_name:
            raise LexiconError(f"category {cname!r} is defined twice (first on line {header_line[cname]})",
                               src.path, line=lineno, hint="Give each category its own name.")
        by_id[cid] = cname
        by_name[cname] = cname
        by_folded.setdefault(cname.casefold(), cname)
        header_line[cname] = lineno
        col.category(cname, desc)
    if not closed:
        raise LexiconError("the header is not closed: no second line holding only '%'",
                           src.path, line=open_line,
                           hint="End the category list with a line holding only '%', then list the entries.")
    if not by_id:
        raise LexiconError("the header defines no categories", src.path, line=open_line,
                           hint="List 'number<TAB>category' lines between the two '%' lines.")

    def lookup(token: str, word: str, lineno: int) -> str:
        if _DIGITS.fullmatch(token):
            cname = by_id.get(int(token))
            if cname is None:
                raise LexiconError(f"undefined category number {token} for entry {word!r}",
                                   src.path, line=lineno,
                                   hint=f"Define it in the header (a line '{int(token)}<TAB>name' between "
                                   f"the two '%' lines) or remove it from this entry.")
            return cname
        cname = by_name.get(token) or by_folded.get(token.casefold())
        if cname is None:
            raise LexiconError(f"undefined category {token!r} for entry {word!r}", src.path, line=lineno,
                               hint="Use a category number or name defined in the header between the two '%' lines.")
        return cname

    def is_code(token: str) -> bool:
        return bool(_LIWC_CODE_TOKEN.fullmatch(token)) or token in by_name or token.casefold() in by_folded

    while i < n:
        raw = lines[i]
        lineno = i + 1
        i += 1
        s = raw.strip()
        if not s:
            continue
        if s == "%":
            raise LexiconError("unexpected '%' line after the header", src.path, line=lineno,
                               hint="Only the category list is enclosed in '%' lines; remove this one.")
        tag = _LIWC_TAG.search(s)
        if tag:
            raise LexiconError(f"unsupported LIWC tag {tag.group(0)!r}", src.path, line=lineno,
                               hint="Write the phrase out instead (e.g. 'kind of<TAB>numbers') or remove the line.")
        if "\t" in s:
            word, rest = s.split("\t", 1)
        else:
            parts = s.split()
            k = len(parts)
            while k > 1 and is_code(parts[k - 1]):
                k -= 1
            word, rest = " ".join(parts[:k]), " ".join(parts[k:])
        word = word.strip()
        if not word:
            raise LexiconError("entry line without a word", src.path, line=lineno,
                               hint="Write 'word<TAB>category numbers'.")
        rest = rest.strip()
        simplified = "(" in rest or ")" in rest or "/" in rest
        tokens = re.sub(r"\([^)]*\)", " ", rest).replace("/", " ").split()
        if any(ch in t for t in tokens for ch in "()"):
            raise LexiconError(f"unbalanced parentheses in the categories of {word!r}", src.path, line=lineno,
                               hint="Close the '(' or remove the context code.")
        if not tokens:
            raise LexiconError(f"entry {' '.join(word.split())!r} has no categories", src.path, line=lineno,
                               hint="Write 'word<TAB>category numbers' with numbers from the header.")
        term = _term(word, src, lineno)
        note = (f"LIWC context code {' '.join(rest.split())!r} simplified: every alternative category kept"
                if simplified else None)
        cats: list[str] = []
        for tok in tokens:
            cname = lookup(tok, term, lineno)
            if cname not in cats:
                cats.append(cname)
        for cname in cats:
            col.add(term, cname, lineno, note=note)

    return _lexicon(src, name, "liwc", "LIWC dictionary", col,
                    "Add lines 'word<TAB>category numbers' after the closing '%' line.")


# --------------------------------------------------------------------------- quanteda YAML

_NULL_TAG = "tag:yaml.org,2002:null"


def _yaml_error(src: _Source, exc: Exception) -> LexiconError:
    line = None
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        if mark is not None:
            line = mark.line + 1
        problem, context = exc.problem, exc.context
        if problem and context:
            problem = f"{context} {problem}" if problem.startswith("but") else f"{problem} ({context})"
        problem = problem or context or "syntax error"
    elif isinstance(exc, ReaderError):
        line = src.line_at(exc.position)
        problem = f"character U+{exc.character:04X} is not allowed" if isinstance(exc.character, int) \
            else str(exc.reason)
    else:
        problem = "syntax error"
    return LexiconError(f"not valid YAML: {problem}", src.path, line=line,
                        hint="Fix the YAML syntax: each category is 'name:' followed by a list of "
                        "'- term' lines or by indented subcategories.")


def read_quanteda_yaml(path: str | os.PathLike, name: str | None = None) -> Lexicon:
    r"""Read a quanteda dictionary saved as YAML (``dictionary(file=..., format="YAML")``).

    The top level maps category -> list of terms, or category -> mapping of
    subcategories, nested to any depth; nested names are joined with ``.``
    (``positive.strong``), as quanteda does when it flattens. A list may also hold
    one-key mappings (subcategories beside terms), and the key ``__`` holds a
    category's own terms next to its subcategories (what quanteda's ``as.yaml``
    writes). A single scalar is one term; an empty value is an empty category
    (kept in ``categories``). Scalars are taken as written, so ``yes`` or ``2020``
    stay the terms "yes" and "2020". A category named twice in one mapping is an
    error; YAML aliases are rejected.

    quanteda's ``?`` wildcard (one character) is rejected: mediabias supports
    only a trailing ``*``.

    Examples:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "mini.yml"
        >>> _ = p.write_text("positive:\n  strong: [superb, excel*]\n  weak:\n    - fine\n")
        >>> [(e.term, e.category, e.line) for e in read_quanteda_yaml(p).entries]
        [('superb', 'positive.strong', 2), ('excel*', 'positive.strong', 2), ('fine', 'positive.weak', 4)]
    """
    src = _load(path)
    try:
        root = yaml.compose(src.text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise _yaml_error(src, exc) from None
    except RecursionError:
        raise LexiconError("the YAML is nested too deeply", src.path,
                           hint=f"Nest categories at most {_YAML_DEPTH} levels deep.") from None
    col = _Collector()
    seen: set[int] = set()

    def at(node: yaml.Node) -> int:
        return node.start_mark.line + 1

    def visit(node: yaml.Node, where: int | None = None) -> None:
        if id(node) in seen:
            raise LexiconError(f"YAML aliases (*name) are not supported in a dictionary (this one repeats "
                               f"line {at(node)})", src.path, line=where or at(node),
                               hint="Write the terms out in full instead of referring to an anchor.")
        seen.add(id(node))

    def add_term(node: yaml.Node, category: str) -> None:
        if not isinstance(node, yaml.ScalarNode):
            kind = "list" if isinstance(node, yaml.SequenceNode) else "mapping"
            raise LexiconError(f"a {kind} inside the term list of {category!r}", src.path, line=at(node),
                               hint="List terms as '- term'; put subcategories under 'name:' keys.")
        if node.tag == _NULL_TAG and node.style is None:
            raise LexiconError(f"empty term in category {category!r}", src.path, line=at(node),
                               hint="Remove the empty '-' item.")
        raw = node.value
        if "?" in raw:
            prefix = raw.split("?", 1)[0].rstrip("*")
            suggestion = (f" or the prefix glob '{' '.join(prefix.split())}*'"
                          if re.search(r"\w", prefix) else "")
            raise LexiconError(f"entry {' '.join(raw.split())!r} uses quanteda's '?' single-character wildcard",
                               src.path, line=at(node),
                               hint="mediabias supports only a trailing '*': list each spelling explicitly "
                               f"(e.g. 'colour' and 'color'){suggestion}.")
        col.add(_term(raw, src, at(node)), category, at(node))

    def walk(node: yaml.Node, cat: tuple[str, ...], depth: int, where: int | None = None) -> None:
        visit(node, where)
        if depth > _YAML_DEPTH:
            raise LexiconError("categories are nested too deeply", src.path, line=at(node),
                               hint=f"Nest categories at most {_YAML_DEPTH} levels deep.")
        category = ".".join(cat)
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _NULL_TAG and node.style is None:
                col.category(category)
            else:
                add_term(node, category)
        elif isinstance(node, yaml.SequenceNode):
            col.category(category)
            for item in node.value:
                if isinstance(item, yaml.MappingNode):
                    visit(item)
                    walk_mapping(item, cat, depth + 1)
                else:
                    if isinstance(item, yaml.ScalarNode):
                        visit(item)
                    add_term(item, category)
        elif isinstance(node, yaml.MappingNode):
            if not node.value:
                col.category(category)
            walk_mapping(node, cat, depth + 1)

    def walk_mapping(node: yaml.MappingNode, cat: tuple[str, ...], depth: int) -> None:
        names: dict[str, int] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or (key.tag == _NULL_TAG and key.style is None):
                raise LexiconError("a category name must be plain text", src.path, line=at(key),
                                   hint="Write the category as 'name:'.")
            kname = _category_name(key.value, src, at(key))
            if kname in names:
                raise LexiconError(f"category {'.'.join((*cat, kname))!r} appears twice in one mapping "
                                   f"(first on line {names[kname]})", src.path, line=at(key),
                                   hint="Merge the two lists under one key.")
            names[kname] = at(key)
            if kname == "__":
                if not cat:
                    raise LexiconError("terms under '__' at the top level have no category", src.path,
                                       line=at(key), hint="Put the terms under a category name.")
                walk(value, cat, depth, at(key))
            else:
                walk(value, (*cat, kname), depth, at(key))

    if root is None:
        raise LexiconError("the YAML file holds no categories", src.path, line=src.last_line(),
                           hint="Write 'category:' keys each followed by a list of terms.")
    if not isinstance(root, yaml.MappingNode):
        raise LexiconError("the top level must map categories to terms", src.path, line=at(root),
                           hint="Write 'category:' keys each followed by a list of '- term' lines.")
    visit(root)
    walk_mapping(root, (), 1)
    return _lexicon(src, name, "quanteda-yaml", "quanteda YAML dictionary", col,
                    "List terms under the categories ('- term' lines).")


# --------------------------------------------------------------------------- Lexicoder


def read_lexicoder(path: str | os.PathLike, name: str | None = None) -> Lexicon:
    r"""Read a Lexicoder dictionary (``.lc3``; the ``.lcd`` files of the Lexicoder
    Sentiment Dictionary have the same structure).

    A line ``+category`` (or ``+ category``) starts a category; the following
    lines, up to the next ``+`` line, are its entries. Entries are kept as written
    (Lexicoder files are often upper case; matching ignores case), may end in ``*``
    and may be multi-word; blank lines are ignored. An entry before the first
    ``+`` line is an error. A Yoshikoder XML file (quanteda also reads those as
    ``.lcd``) is recognised and refused with a clear message.

    Examples:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "mini.lc3"
        >>> _ = p.write_text("+NEGATIVE\nABANDON*\n+ POSITIVE\nA GOOD DEAL\n")
        >>> [(e.term, e.category, e.line) for e in read_lexicoder(p).entries]
        [('ABANDON*', 'NEGATIVE', 2), ('A GOOD DEAL', 'POSITIVE', 4)]
    """
    src = _load(path)
    if _looks_like_xml(src):
        raise LexiconError("this is an XML (Yoshikoder) dictionary, not a Lexicoder one", src.path,
                           line=next(i for i, s in enumerate(src.lines(), 1) if s.strip()),
                           hint="Export it from Yoshikoder or Lexicoder as a plain '+category' file (.lc3).")
    col = _Collector()
    current: str | None = None
    for lineno, raw in enumerate(src.lines(), 1):
        s = raw.strip()
        if not s:
            continue
        if s.startswith("+"):
            current = _category_name(s[1:], src, lineno)
            col.category(current)
            continue
        if current is None:
            raise LexiconError(f"entry {' '.join(s.split())[:40]!r} comes before the first '+category' line",
                               src.path, line=lineno,
                               hint="Start each category with a line '+name' above its entries.")
        col.add(_term(s, src, lineno), current, lineno)
    return _lexicon(src, name, "lexicoder", "Lexicoder dictionary", col,
                    "List entries below the '+category' lines.")


# --------------------------------------------------------------------------- MPQA

_MPQA_KEYS = {"type", "len", "priorpolarity", "polarity", "polannsrc", "mpqapolarity"}
_MPQA_NUMBERED = re.compile(r"(word|pos|stemmed)([1-9][0-9]?)", re.ASCII)
_MPQA_TYPES = ("strongsubj", "weaksubj")
_MPQA_STRAY = {"m"}  # a dangling token on the 'pervasive' line of the official file


def read_mpqa_tff(path: str | os.PathLike, name: str | None = None) -> Lexicon:
    r"""Read the MPQA subjectivity clues (``subjclueslen1-HLTEMNLP05.tff``).

    Each line holds ``key=value`` pairs, e.g.
    ``type=weaksubj len=1 word1=abandoned pos1=adj stemmed1=n priorpolarity=negative``.
    The category is ``f"{priorpolarity}_{type}"`` (``negative_weaksubj``); files
    that carry ``polarity=`` instead of ``priorpolarity=`` are accepted. A clue
    with ``stemmed1=y`` becomes a prefix glob (``abandon*``), which approximates
    MPQA's "any inflection" and may over-match. Rows for the same word and
    category (one per part of speech) merge into one entry at the first row's
    line; the note lists the parts of speech (``pos: adj, noun``), marking the
    stemmed ones when they differ. Keys ``polannsrc`` and ``mpqapolarity`` are
    accepted and ignored, as is the lone stray ``m`` token found in the official
    file. Any other token that is not ``key=value``, an unknown key, a missing
    ``word1``/``type``/``priorpolarity`` or a bad value is an error.

    Examples:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "mini.tff"
        >>> _ = p.write_text("type=weaksubj len=1 word1=abandon pos1=verb stemmed1=y priorpolarity=negative\n")
        >>> [(e.term, e.category, e.note) for e in read_mpqa_tff(p).entries]
        [('abandon*', 'negative_weaksubj', 'pos: verb')]
    """
    src = _load(path)
    groups: dict[tuple[str, str], dict] = {}
    hint_pairs = ("Each line holds key=value pairs separated by spaces, e.g. "
                  "'type=weaksubj len=1 word1=abandoned pos1=adj stemmed1=n priorpolarity=negative'.")
    for lineno, raw in enumerate(src.lines(), 1):
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        fields: dict[str, str] = {}
        for tok in s.split():
            if "=" not in tok:
                if tok in _MPQA_STRAY:
                    continue
                raise LexiconError(f"{tok[:40]!r} is not a key=value pair", src.path, line=lineno, hint=hint_pairs)
            key, _, value = tok.partition("=")
            if key not in _MPQA_KEYS and not _MPQA_NUMBERED.fullmatch(key):
                raise LexiconError(f"unknown key {key[:40]!r}", src.path, line=lineno,
                                   hint="Known keys: type, len, wordN, posN, stemmedN, priorpolarity "
                                   "(polarity, polannsrc and mpqapolarity are ignored).")
            if not value:
                raise LexiconError(f"empty value for {key!r}", src.path, line=lineno, hint=hint_pairs)
            if key in fields:
                raise LexiconError(f"key {key!r} appears twice", src.path, line=lineno,
                                   hint="Keep one value per key on each line.")
            fields[key] = value
        if "word1" not in fields:
            raise LexiconError("no word1= on this line", src.path, line=lineno, hint=hint_pairs)
        typ = fields.get("type")
        if typ is None or typ not in _MPQA_TYPES:
            got = "no type=" if typ is None else f"type={typ[:40]!r}"
            raise LexiconError(f"{got}; expected type=strongsubj or type=weaksubj", src.path, line=lineno,
                               hint=hint_pairs)
        pol = fields.get("priorpolarity") or fields.get("polarity")
        if pol is None:
            raise LexiconError("no priorpolarity= on this line", src.path, line=lineno, hint=hint_pairs)
        if not re.fullmatch(r"[A-Za-z]+", pol):
            raise LexiconError(f"priorpolarity={pol[:40]!r} is not a word", src.path, line=lineno,
                               hint="Use positive, negative, neutral or both.")
        length = fields.get("len", "1")
        if not _DIGITS.fullmatch(length) or not 1 <= int(length) <= 99:
            raise LexiconError(f"len={length[:40]!r} is not a word count", src.path, line=lineno,
                               hint="len gives the number of words, e.g. len=1.")
        count = int(length)
        words = []
        for k in range(1, count + 1):
            w = fields.get(f"word{k}")
            if w is None:
                raise LexiconError(f"len={count} but no word{k}=", src.path, line=lineno, hint=hint_pairs)
            words.append(w)
        stemmed_raw = fields.get(f"stemmed{count}", "n")
        if stemmed_raw.lower() not in ("y", "n", "1", "0"):
            raise LexiconError(f"stemmed{count}={stemmed_raw[:40]!r} is neither y nor n", src.path,
                               line=lineno, hint="Write stemmed1=y or stemmed1=n.")
        stemmed = stemmed_raw.lower() in ("y", "1")
        word = _term(" ".join(words), src, lineno)
        if stemmed:
            _term(word + "*", src, lineno)
        pos = " ".join(fields[f"pos{k}"] for k in range(1, count + 1) if f"pos{k}" in fields) or None
        category = f"{pol}_{typ}"
        g = groups.setdefault((_key(word), category),
                              {"word": word, "line": lineno, "category": category, "pos": []})
        g["pos"].append((pos, stemmed))

    col = _Collector()
    for g in groups.values():
        stems = {st for _, st in g["pos"]}
        term = g["word"] + ("*" if True in stems else "")
        mixed = len(stems) > 1
        labels: list[str] = []
        for pos, st in g["pos"]:
            if pos is None:
                continue
            label = f"{pos} (stemmed)" if mixed and st else pos
            if label not in labels:
                labels.append(label)
        col.add(term, g["category"], g["line"], note=f"pos: {', '.join(labels)}" if labels else None)
    return _lexicon(src, name, "mpqa", "MPQA subjectivity lexicon", col,
                    "Each line should hold one clue: 'type=... len=1 word1=... pos1=... "
                    "stemmed1=... priorpolarity=...'.")


# --------------------------------------------------------------------------- word lists

_TRAILING_COMMENT = re.compile(r"\s[#;]")


def read_wordlist(path: str | os.PathLike, name: str | None = None,
                  category: str | None = None) -> Lexicon:
    r"""Read a plain word list: one entry (word, phrase or ``prefix*``) a line.

    ``#`` or ``;`` starts a comment, on a line of its own or after whitespace
    following an entry (``pretext*  # distancing``); a trailing comment becomes the
    entry's ``note``. Blank lines are ignored; repeated entries are kept once. All
    entries go into ``category`` (default: the file stem). The text is read as
    UTF-8 (BOM optional), else Windows-1252/latin-1; ``description`` says which.

    Examples:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "hedges.txt"
        >>> _ = p.write_text("; hedging words\nalleged*\nso-called  # scare quote\n")
        >>> [(e.term, e.category, e.note, e.line) for e in read_wordlist(p).entries]
        [('alleged*', 'hedges', None, 2), ('so-called', 'hedges', 'scare quote', 3)]
    """
    src = _load(path)
    cat = " ".join((category or Path(src.path).stem or src.filename).split())
    if not cat:
        raise ValueError("category must be a non-empty name")
    col = _Collector()
    col.category(cat)
    for lineno, raw in enumerate(src.lines(), 1):
        s = raw.strip()
        if not s or s[0] in "#;":
            continue
        note = None
        m = _TRAILING_COMMENT.search(s)
        if m:
            note = " ".join(s[m.end():].split()) or None
            s = s[:m.start()]
        col.add(_term(s, src, lineno), cat, lineno, note=note)
    return _lexicon(src, name, "wordlist", "word list", col,
                    "Write one entry per line; lines starting with '#' or ';' are comments.")


# --------------------------------------------------------------------------- CSV

_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f", ""}
_CSV_COLUMNS = {"term", "word", "category", "weight", "note", "case_sensitive"}


def read_csv_lexicon(path: str | os.PathLike, name: str | None = None) -> Lexicon:
    r"""Read a CSV lexicon with header ``term,category`` and optional ``weight``,
    ``note`` and ``case_sensitive`` columns (``word`` is accepted for ``term``;
    header names ignore case and surrounding spaces; other columns are ignored).

    ``weight`` must be a finite number or empty; ``case_sensitive`` one of
    true/false/yes/no/1/0 or empty (false). Rows shorter than the header are
    padded with empty cells; longer rows are an error (quote cells holding
    commas). Like the native format, a term may belong to one category only:
    a repeated term (compared ignoring case unless case-sensitive, hyphen-or-space
    and apostrophe style) is an error naming both lines. Blank lines are ignored; each entry's ``line`` is
    the line its row starts on.

    Examples:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "mini.csv"
        >>> _ = p.write_text("term,category,weight\npretext,distancing,1.5\nalleged*,distancing,\n")
        >>> [(e.term, e.category, e.weight, e.line) for e in read_csv_lexicon(p).entries]
        [('pretext', 'distancing', 1.5, 2), ('alleged*', 'distancing', None, 3)]
    """
    src = _load(path)
    reader = csv.reader(io.StringIO(src.text, newline=""))
    header: list[str] | None = None
    header_line = 1
    cols: dict[str, int] = {}
    col = _Collector()
    seen: dict[str, tuple[str, int]] = {}
    prev = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise LexiconError(f"malformed CSV ({exc})", src.path, line=prev + 1,
                               hint="Check the quoting on this line: a field with a comma or a "
                               "quote must be enclosed in double quotes.") from None
        lineno = prev + 1
        prev = reader.line_num
        if not row or not any(c.strip() for c in row):
            continue
        if header is None:
            header = [" ".join(c.split()).lower() for c in row]
            header_line = lineno
            for idx, h in enumerate(header):
                if h in _CSV_COLUMNS and h not in cols:
                    cols[h] = idx
            if "term" not in cols and "word" in cols:
                cols["term"] = cols["word"]
            missing = [c for c in ("term", "category") if c not in cols]
            if missing:
                raise LexiconError(f"the header has no {' or '.join(repr(m) for m in missing)} column "
                                   f"(found: {', '.join(repr(h) for h in header)[:120]})",
                                   src.path, line=lineno,
                                   hint="The first line must name the columns: term,category "
                                   "(optionally weight,note,case_sensitive).")
            continue
        if len(row) > len(header):
            raise LexiconError(f"this row has {len(row)} fields but the header has {len(header)}",
                               src.path, line=lineno,
                               hint="Enclose cells that contain commas in double quotes.")
        row = row + [""] * (len(header) - len(row))

        def cell(key: str) -> str:
            return row[cols[key]].strip() if key in cols else ""

        category = cell("category")
        if not category:
            raise LexiconError("empty category", src.path, line=lineno, hint="Give every row a category.")
        category = _category_name(category, src, lineno)
        term = _term(cell("term"), src, lineno)
        weight = None
        w = cell("weight")
        if w:
            try:
                weight = float(w)
            except ValueError:
                weight = None
            if weight is None or not math.isfinite(weight):
                raise LexiconError(f"weight {w[:40]!r} is not a number", src.path, line=lineno,
                                   hint="Write the weight as a number with a decimal point (e.g. 1.5), "
                                   "or leave it empty.")
        cs_raw = cell("case_sensitive").lower()
        if cs_raw in _TRUE:
            case_sensitive = True
        elif cs_raw in _FALSE:
            case_sensitive = False
        else:
            raise LexiconError(f"case_sensitive {cs_raw[:40]!r} is not true or false", src.path, line=lineno,
                               hint="Write true or false (or leave it empty for false).")
        note = " ".join(cell("note").split()) or None
        key = _key(term, case_sensitive)
        if key in seen:
            first_cat, first_line = seen[key]
            if first_cat == category:
                raise LexiconError(f"entry {term!r} is listed twice in {category!r} (first on line {first_line})",
                                   src.path, line=lineno, hint="Remove one of the two rows.")
            raise LexiconError(f"entry {term!r} is in two categories ({first_cat!r} on line {first_line}, "
                               f"{category!r})", src.path, line=lineno, hint="Keep it in one category.")
        seen[key] = (category, lineno)
        col.add(term, category, lineno, weight=weight, case_sensitive=case_sensitive, note=note)
    if header is None:
        raise LexiconError("the CSV has no header", src.path, line=header_line,
                           hint="The first line must name the columns: term,category.")
    return _lexicon(src, name, "csv", "CSV lexicon", col,
                    "Add one row per entry below the header: term,category.")


# --------------------------------------------------------------------------- detection

_EXTENSIONS = {
    ".dic": "liwc",
    ".lc3": "lexicoder",
    ".lcd": "lexicoder",
    ".tff": "mpqa",
    ".csv": "csv",
}
_WORDLIST_EXTENSIONS = {"", ".txt", ".lst"}
_YAML_EXTENSIONS = {".yml", ".yaml"}
_PEEK = 1 << 16


def _peek(path: str) -> str:
    data = _read_bytes(path, _PEEK)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def _sniff(text: str) -> str | None:
    """A format recognised from the first meaningful line, or None."""
    for raw in text.replace("\r", "\n").split("\n"):
        s = raw.strip()
        if not s:
            continue
        if s == "%":
            return "liwc"
        if s.startswith("type=") and "word1=" in s:
            return "mpqa"
        if re.match(r"\+\s*\w", s):
            return "lexicoder"
        if s[0] in "#;":
            continue  # a word-list comment; keep looking
        fields = [" ".join(f.split()).lower() for f in s.split(",")]
        if len(fields) >= 2 and "category" in fields and ("term" in fields or "word" in fields):
            return "csv"
        return None
    return None


def _is_native_yaml(text: str) -> bool:
    def key(k: str) -> bool:
        return re.search(rf"(?m)^['\"]?{k}['\"]?[ \t]*:", text) is not None

    return key("categories") and (key("name") or key("version"))


def detect_format(path: str | os.PathLike) -> str:
    r"""Guess a dictionary file's format from its extension and a peek at its content.

    Returns one of ``liwc``, ``quanteda-yaml``, ``native-yaml``, ``lexicoder``,
    ``mpqa``, ``wordlist``, ``csv``:

    * ``.dic`` -> liwc, ``.lc3``/``.lcd`` -> lexicoder, ``.tff`` -> mpqa, ``.csv`` -> csv
      (the extension decides; the file is not opened);
    * ``.yml``/``.yaml`` -> ``native-yaml`` when a top-level ``categories:`` key sits
      beside ``name:`` or ``version:``, otherwise ``quanteda-yaml``;
    * ``.txt``, ``.lst`` or no extension -> ``wordlist``, unless the first meaningful
      line is unmistakably another format (a lone ``%`` -> liwc, ``type=... word1=``
      -> mpqa, ``+category`` -> lexicoder, a ``term,category`` header -> csv);
    * any other extension -> the format recognised that way, else LexiconError.

    Raises LexiconError when the file must be peeked at and cannot be read.

    Examples:
        >>> detect_format("LIWC2015_English.dic"), detect_format("LSD2015.lc3")
        ('liwc', 'lexicoder')
    """
    p = _fspath(path)
    ext = os.path.splitext(p)[1].lower()
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    if ext in _YAML_EXTENSIONS:
        return "native-yaml" if _is_native_yaml(_peek_all(p)) else "quanteda-yaml"
    sniffed = _sniff(_peek(p))
    if ext in _WORDLIST_EXTENSIONS:
        return sniffed or "wordlist"
    if sniffed is None:
        raise LexiconError(f"unknown dictionary format (extension {ext!r})", p,
                           hint="Rename the file with its format's extension (.dic, .lc3, .tff, .csv, "
                           ".yml, .txt) or pass fmt= to read_foreign.")
    return sniffed


def _peek_all(path: str) -> str:
    data = _read_bytes(path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


_READERS = {
    "liwc": read_liwc_dic,
    "quanteda-yaml": read_quanteda_yaml,
    "lexicoder": read_lexicoder,
    "mpqa": read_mpqa_tff,
    "wordlist": read_wordlist,
    "csv": read_csv_lexicon,
}


def read_foreign(path: str | os.PathLike, fmt: str | None = None, name: str | None = None) -> Lexicon:
    """Read a third-party dictionary in any supported format.

    ``fmt`` (one of :data:`FOREIGN_FORMATS`) overrides :func:`detect_format`.
    ``native-yaml`` files are not read here: use the native reader.

    Raises:
        LexiconError: the file cannot be read or is malformed.
        ValueError: ``fmt`` is unknown, or the file is in the native format.

    Examples:
        >>> read_foreign("mine.yaml", fmt="native-yaml")
        Traceback (most recent call last):
        ...
        ValueError: mine.yaml is a native mediabias lexicon: read it with the native YAML reader, not read_foreign
    """
    p = _fspath(path)
    if fmt is None:
        fmt = detect_format(p)
    if fmt == "native-yaml":
        raise ValueError(f"{p} is a native mediabias lexicon: read it with the native YAML reader, "
                         "not read_foreign")
    reader = _READERS.get(fmt)
    if reader is None:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FOREIGN_FORMATS)}")
    return reader(p, name=name)
