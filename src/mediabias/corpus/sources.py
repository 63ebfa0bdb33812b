"""Readers for each input kind, yielding article records and load-report rows.

Every reader is a generator of :class:`Event` values: an ``Article`` (a dict of
article fields), a ``Report`` row for the load report, or ``Lines`` (the parser's
record of a page dump's lines). :func:`mediabias.corpus.read_corpus` drives them.
Readers never raise for bad data inside a file: they yield an error row naming
the file and line and go on; a file that cannot be read at all yields one error row.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import yaml

from .. import paths
from ..errors import InputError, MediabiasError
from ..normalize import normalize_text
from ..text import TOKEN_RE
from . import decode as _decode
from .decode import decode_bytes
from .pagedump import ParsedPage, parse_page_dump, site_name_from_title_line

PAGE_EXTS = {".txt", ".text"}
HTML_EXTS = {".html", ".htm", ".xhtml"}
TABLE_EXTS = {".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".parquet", ".pq"}
ALL_EXTS = PAGE_EXTS | HTML_EXTS | TABLE_EXTS

# Common field names, tried in order (case-insensitive) when no field is given.
FIELD_CANDIDATES: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body", "article", "full_text", "fulltext", "maintext", "article_text",
             "story", "body_text", "text_body"),
    "outlet": ("outlet", "source", "publication", "site", "publisher", "media", "media_outlet", "sitename",
               "site_name", "source_name", "domain", "newspaper", "medium"),
    "title": ("title", "headline", "heading", "header", "name"),
    "date": ("date", "published", "publish_date", "published_at", "publication_date", "date_publish",
             "pubdate", "pub_date", "datetime", "timestamp", "time", "created_at", "date_published"),
    "url": ("url", "link", "href", "uri", "article_url", "source_url"),
    "id": ("id", "doc_id", "article_id", "uuid", "guid", "docid", "document_id", "_id"),
}
ARTICLE_FIELDS = ("doc_id", "outlet", "title", "date", "url", "source", "format", "encoding",
                  "outlet_from", "date_raw", "captions", "text")


@dataclass
class Article:
    fields: dict[str, Any]
    lines: list[tuple[int, str, str, str]] = field(default_factory=list)  # (line, role, reason, text)


@dataclass
class Report:
    source: str
    status: str          # loaded / skipped / error
    reason: str
    n_articles: int = 0


Event = Article | Report


# --------------------------------------------------------------------- size limits


def _limit_from_env() -> int:
    try:
        mb = float(os.environ.get("MEDIABIAS_MAX_RECORD_MB") or 32)
    except ValueError:
        mb = 32
    return max(1, int(mb * 2**20))


#: The largest file read whole (page dump, HTML, JSON) and the largest line or row of a table read
#: line by line (JSONL, CSV, TSV), in bytes (characters for lines). Larger ones are refused with a
#: load-report row, so memory stays bounded whatever the input. Default 32 MB; set with
#: ``mediabias report --max-record-mb N`` or the environment variable ``MEDIABIAS_MAX_RECORD_MB``.
MAX_RECORD_BYTES = _limit_from_env()

_RAISE_LIMIT = "Raise the limit with --max-record-mb N (or MEDIABIAS_MAX_RECORD_MB=N) if it really is one record"


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB"


def _too_big(path: Path, label: str, kind: str) -> Report | None:
    """A load-report row when ``path`` is over the limit for a file read whole, else None."""
    size = path.stat().st_size
    if size <= MAX_RECORD_BYTES:
        return None
    extra = "; or write the records one per line as .jsonl, which is read line by line" if kind == "JSON" else ""
    return Report(label, "error", f"file is {_mb(size)}, over the {_mb(MAX_RECORD_BYTES)} limit for a {kind} file "
                                  f"(read whole); not read. {_RAISE_LIMIT}{extra}.", 0)


class LineTooLong:
    """What :func:`iter_lines` yields in place of a line longer than its limit (the line is skipped)."""

    def __init__(self, chars: int):
        self.chars = chars


# --------------------------------------------------------------------- streaming decode

_BLOCK = 1 << 20
_C1 = re.compile(rb"[\x80-\x9f]")


@dataclass(frozen=True)
class FileEncoding:
    """How a text file is decoded: the codec, the recorded name and the BOM bytes to skip."""

    codec: str      # what to decode the bytes after the BOM with
    name: str       # what the load report records (same as decode_bytes)
    skip: int = 0   # length of the byte-order mark


def _blocks(path: Path, start: int = 0) -> Iterator[bytes]:
    with open(path, "rb") as f:
        f.seek(start)
        while True:
            block = f.read(_BLOCK)
            if not block:
                return
            yield block


def _decodes(path: Path, codec: str, start: int = 0) -> bool:
    dec = codecs.getincrementaldecoder(codec)()
    try:
        for block in _blocks(path, start):
            dec.decode(block)
        dec.decode(b"", final=True)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def detect_encoding(path: Path, label: str) -> FileEncoding:
    """The encoding :func:`~mediabias.corpus.decode.decode_bytes` would choose, read in blocks.

    Same decisions in the same order (empty, byte-order mark, binary, UTF-8, non-Western
    guess, latin-1 / cp1252), and the same errors, without holding the whole file:
    the file is scanned block by block (twice at most).
    """
    with open(path, "rb") as f:
        head = f.read(65536)
    any_text = False
    for block in ([head] if len(head) < 65536 else _blocks(path)):
        if block.strip():
            any_text = True
            break
    if not any_text:
        raise InputError("file is empty", path=label,
                         hint="Remove it from the inputs or re-save the article into it.")
    for bom, enc in _decode._BOMS:
        if head.startswith(bom):
            codec = enc.replace("-sig", "")
            dec = codecs.getincrementaldecoder(codec)()
            seen_text = False
            try:
                for block in _blocks(path, len(bom)):
                    piece = dec.decode(block)
                    seen_text = seen_text or bool(piece.strip())
                piece = dec.decode(b"", final=True)
                seen_text = seen_text or bool(piece.strip())
            except UnicodeDecodeError:
                decode_bytes(path.read_bytes(), label)  # raises the exact error, with the byte offset
                raise
            if not seen_text:
                raise InputError("file is empty", path=label,
                                 hint="Remove it from the inputs or re-save the article into it.")
            return FileEncoding(codec, enc, len(bom))
    if _decode.looks_binary(head):
        decode_bytes(head, label)  # raises: binary
    if _decodes(path, "utf-8"):
        return FileEncoding("utf-8", "utf-8")
    western_ok = _decodes(path, "cp1252")
    if not western_ok or _decode._non_ascii_letter_share(head[:20000].decode("cp1252", "replace")) > 0.3:
        guess = _decode._guess_encoding(head)
        if guess and guess not in _decode._WESTERN and _decodes(path, guess):
            return FileEncoding(guess, guess)
    if not any(_C1.search(b) for b in _blocks(path)):
        return FileEncoding("latin-1", "latin-1")
    if western_ok:
        return FileEncoding("cp1252", "cp1252")
    return FileEncoding("latin-1", "latin-1")


def iter_lines(path: Path, enc: FileEncoding, limit: int | None = None) -> Iterator[str | LineTooLong]:
    """The decoded text of ``path`` split on ``"\\n"`` (as ``text.split("\\n")``), block by block.

    A line longer than ``limit`` characters (default :data:`MAX_RECORD_BYTES`) is not held: a
    :class:`LineTooLong` comes in its place, so memory stays within about ``limit`` plus one block
    whatever the file.
    """
    limit = MAX_RECORD_BYTES if limit is None else limit
    dec = codecs.getincrementaldecoder(enc.codec)()
    parts: list[str] = []
    size = 0
    skipped = -1  # >= 0 while skipping a line over the limit: its length so far

    def pieces():
        for block in _blocks(path, enc.skip):
            yield dec.decode(block), False
        yield dec.decode(b"", final=True), True

    for text, final in pieces():
        split = text.split("\n")
        for i, piece in enumerate(split):
            ended = i < len(split) - 1 or final
            if skipped >= 0:
                skipped += len(piece)
            else:
                parts.append(piece)
                size += len(piece)
                if size > limit:
                    skipped, parts, size = size, [], 0
            if ended:
                if skipped >= 0:
                    yield LineTooLong(skipped)
                else:
                    yield "".join(parts)
                parts, size, skipped = [], 0, -1


# --------------------------------------------------------------------- helpers

def content_id(*parts: str) -> str:
    """A stable 16-hex-digit id from text parts (sha256; same on every machine)."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()[:16]


_DAY_FIRST_HINT = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}")
# The forms most corpora use, read without dateutil (a tenth of the cost of reading a JSONL
# corpus went to dateutil). Anything else, or a value that is not a real date, goes to dateutil.
_ISO_FAST = re.compile(r"[1-9]\d{3}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})?)?", re.ASCII)


def parse_date(value: Any) -> tuple[str, str]:
    """Return ``(iso_date, note)``: ISO 8601 (date, or date-time when a time is given) or ``""``.

    Numbers above 10^9 are read as Unix seconds (UTC). An unparsable value gives
    ``""`` and a note; the caller keeps the raw value in ``date_raw``.

    Examples:
        >>> parse_date("Sunday 9 December 2018")
        ('2018-12-09', '')
        >>> parse_date("2018-12-08T14:05:00+02:00")
        ('2018-12-08T14:05:00+02:00', '')
        >>> parse_date("last week")[0]
        ''
    """
    if value is None:
        return "", ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value:  # NaN
            return "", ""
        if value > 1e9:
            v = value / 1000 if value > 1e11 else value
            try:
                return datetime.fromtimestamp(v, tz=timezone.utc).isoformat(), ""
            except (OverflowError, ValueError, OSError):  # beyond year 9999, or inf
                return "", f"date {value!r} not understood; kept as written in date_raw"
        return "", f"date {value!r} not understood"
    if isinstance(value, datetime):
        return value.isoformat(), ""
    s = str(value).strip()
    if not s:
        return "", ""
    if re.fullmatch(r"\d{10}(\.\d+)?|\d{13}", s):
        return parse_date(float(s))
    if _ISO_FAST.fullmatch(s):
        try:
            dt = datetime.fromisoformat(s)
        except ValueError:
            pass
        else:
            return (dt.isoformat() if len(s) > 10 else dt.date().isoformat()), ""
    return _parse_date_dateutil(s)


def _parse_date_dateutil(s: str) -> tuple[str, str]:
    """:func:`parse_date` of a non-empty string, by dateutil."""
    from dateutil import parser as dparser

    try:
        dt = dparser.parse(s, default=datetime(1900, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return "", f"date {s!r} not understood; kept as written in date_raw"
    if dt.year == 1900 and "1900" not in s:
        return "", f"date {s!r} has no year; kept as written in date_raw"
    has_time = bool(re.search(r"\d{1,2}:\d{2}", s))
    note = ""
    m = _DAY_FIRST_HINT.match(s)
    if m and int(m.group(1)) <= 12 and int(m.group(2)) <= 12 and m.group(1) != m.group(2):
        note = f"date {s!r} read month-first"  # 03/04/2024; 17/03/2024 can only be day-first
    try:
        return (dt.isoformat() if has_time else dt.date().isoformat()), note
    except ValueError:  # an offset dateutil accepts but datetime cannot print ("+24:00")
        return "", f"date {s!r} not understood; kept as written in date_raw"


# --------------------------------------------------------------------- outlets

@dataclass(frozen=True)
class OutletSignature:
    name: str
    domains: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]


def load_outlet_signatures(path: str | Path | None = None) -> tuple[OutletSignature, ...]:
    """Read outlet signatures (``resources/outlets.yaml`` by default)."""
    p = Path(path) if path else paths.OUTLETS_FILE
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read outlet signatures ({type(exc).__name__})", path=p,
                         hint="Check the file is UTF-8 YAML shaped like mediabias/resources/outlets.yaml.")
    sigs = []
    for i, o in enumerate((data or {}).get("outlets") or []):
        if not isinstance(o, dict) or not o.get("name"):
            raise InputError(f"outlet signature {i + 1} has no name", path=p,
                             hint="Each outlet needs name:, and may have domains: and patterns:.")
        try:
            pats = tuple(re.compile(x, re.IGNORECASE | re.MULTILINE) for x in o.get("patterns") or ())
        except re.error as exc:
            raise InputError(f"outlet {o['name']!r}: bad pattern ({exc})", path=p,
                             hint="Patterns are Python regular expressions; escape backslashes in YAML.")
        sigs.append(OutletSignature(str(o["name"]), tuple(str(d).lower() for d in o.get("domains") or ()), pats))
    return tuple(sigs)


def _domain_in(domain: str, text: str) -> bool:
    return re.search(r"(?<![\w.-])(?:www\.)?" + re.escape(domain) + r"(?![\w-])", text, re.IGNORECASE) is not None


def detect_outlet(page: ParsedPage | None, signatures: tuple[OutletSignature, ...],
                  url: str = "", furniture: str = "") -> tuple[str | None, str]:
    """Name the outlet from signatures, then from the page itself. Returns ``(name, evidence)``.

    Signatures are searched in page furniture only (dropped lines), never in the
    body, and in ``url``; then a "Site - Title" line or a copyright line is used.
    """
    if page is not None:
        furniture = "\n".join(r.text for r in page.dropped) + ("\n" + furniture if furniture else "")
    scores: list[tuple[int, int, str, str]] = []
    for rank, sig in enumerate(signatures):
        hits = 0
        evidence = ""
        for d in sig.domains:
            if (url and _domain_in(d, url)) or (furniture and _domain_in(d, furniture)):
                hits += 2
                evidence = evidence or f"signature: web address {d}"
        for pat in sig.patterns:
            if furniture and pat.search(furniture):
                hits += 1
                evidence = evidence or f"signature: pattern {pat.pattern!r}"
        if hits:
            scores.append((-hits, rank, sig.name, evidence))
    if scores:
        scores.sort()
        return scores[0][2], scores[0][3]
    if page is not None:
        site = site_name_from_title_line(page)
        if site:
            return site, "page title line"
        for r in page.dropped:
            m = re.search(r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*([A-Z][\w&.' -]{1,60}?)"
                          r"(?:\s+\d{4}(?:\s*[-–]\s*\d{4})?)?(?:[.,|]|\s+all rights|\s*$)", r.text, re.IGNORECASE)
            if m and 1 <= len(m.group(1).split()) <= 6:
                return m.group(1).strip(), "copyright line"
    return None, ""


# --------------------------------------------------------------------- manifest

MANIFEST_NAMES = ("manifest.csv",)


def read_manifest(path: Path, label: str) -> dict[str, dict[str, str]]:
    """Read a manifest (file, outlet, url, date, [title], [notes]) into file name -> fields."""
    text, _ = decode_bytes(path.read_bytes(), label)
    reader = csv.DictReader(io.StringIO(normalize_text(text)))
    cols = {c.strip().lower(): c for c in (reader.fieldnames or [])}
    if "file" not in cols:
        raise InputError(f"manifest has no 'file' column (columns: {', '.join(cols) or 'none'})", path=label,
                         line=1, hint="The header must be: file,outlet,url,date[,title][,notes].")
    out: dict[str, dict[str, str]] = {}
    for row in reader:
        name = (row.get(cols["file"]) or "").strip()
        if not name:
            continue
        out[name] = {k: (row.get(cols[k]) or "").strip() for k in ("outlet", "url", "date", "title", "notes")
                     if k in cols}
        out[name]["_line"] = str(reader.line_num)
    return out


# --------------------------------------------------------------------- page dumps and HTML

def read_page_dump(path: Path, label: str, meta: dict[str, str],
                   signatures: tuple[OutletSignature, ...]) -> Iterator[Event]:
    big = _too_big(path, label, "page dump")
    if big:
        yield big
        return
    data = path.read_bytes()
    text, encoding = decode_bytes(data, label)
    page = parse_page_dump(normalize_text(text))
    lines = [(r.line, r.role, r.reason, r.text) for r in page.records]
    if not page.paragraphs:
        yield Report(label, "error", "no article text found: no prose paragraphs in the page dump. "
                                     "Check it is an article page, or give its text as a table.", 0)
        return
    notes = [f"page dump ({encoding}); {len(page.paragraphs)} paragraphs, "
             f"{len(page.captions)} captions, {len(page.dropped)} lines dropped"]
    notes += page.warnings
    yield _finish_file_article(data, label, meta, page.title, "\n".join(page.captions), page.body,
                               "page-dump", encoding, page, "", signatures, notes, lines)


def read_html(path: Path, label: str, meta: dict[str, str],
              signatures: tuple[OutletSignature, ...]) -> Iterator[Event]:
    import trafilatura

    big = _too_big(path, label, "HTML")
    if big:
        yield big
        return
    data = path.read_bytes()
    text, encoding = decode_bytes(data, label)
    try:
        doc = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False,
                                          include_tables=False, deduplicate=False)
    except Exception as exc:  # trafilatura raises many types on broken markup
        yield Report(label, "error", f"HTML could not be parsed ({type(exc).__name__}). "
                                     "Check the file is an HTML page.", 0)
        return
    d = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    body = normalize_text(d.get("text") or "")
    title = normalize_text(d.get("title") or "").strip()
    paras = [" ".join(p.split()) for p in body.split("\n") if p.strip()]
    if paras and title and paras[0] == title:
        paras = paras[1:]
    if not paras:
        yield Report(label, "error", "no article text found in the HTML (trafilatura found no main text). "
                                     "Check it is an article page, not an index or a login page.", 0)
        return
    if not any(len(TOKEN_RE.findall(p)) >= 8 for p in paras):
        yield Report(label, "error", f"no article text found in the HTML: the main text is {len(paras)} short lines "
                                     "(menus or link lists), no sentence of 8 words or more. "
                                     "Check it is an article page, not an index or a login page.", 0)
        return
    url = meta.get("url") or (d.get("url") or "")
    if not meta.get("outlet") and d.get("sitename"):
        meta = {**meta, "outlet": normalize_text(d["sitename"]).strip(), "_outlet_from": "HTML site name"}
    meta = {**meta, "date": meta.get("date") or (d.get("date") or "")}
    notes = [f"HTML ({encoding}) via trafilatura; {len(paras)} paragraphs"]
    yield _finish_file_article(data, label, meta, title, "", "\n\n".join(paras), "html", encoding,
                               None, url, signatures, notes, [])


def _finish_file_article(data: bytes, label: str, meta: dict[str, str], title: str, captions: str, body: str,
                         fmt: str, encoding: str, page: ParsedPage | None, url: str,
                         signatures: tuple[OutletSignature, ...], notes: list[str],
                         lines: list[tuple[int, str, str, str]]) -> Article:
    outlet = meta.get("outlet") or ""
    outlet_from = meta.get("_outlet_from") or ("manifest" if outlet else "")
    if not outlet:
        found, evidence = detect_outlet(page, signatures, url=meta.get("url") or url)
        if found:
            outlet, outlet_from = found, evidence
        else:
            outlet, outlet_from = "unknown", "none"
            notes.append("outlet unknown: no manifest entry and no signature matched; "
                         "add the file to a manifest.csv beside it (file,outlet,url,date)")
    date_raw = meta.get("date", "")
    date, note = parse_date(date_raw)
    if note:
        notes.append(note)
    art = {
        "doc_id": hashlib.sha256(data).hexdigest()[:16],
        "outlet": outlet,
        "title": meta.get("title") or title,
        "date": date,
        "url": meta.get("url") or url,
        "source": label,
        "format": fmt,
        "encoding": encoding,
        "outlet_from": outlet_from,
        "date_raw": "" if date_raw is None else str(date_raw),
        "captions": captions,
        "text": body,
        "_notes": notes,
    }
    return Article(art, lines)


# --------------------------------------------------------------------- tables

@dataclass(frozen=True)
class FieldMap:
    """Field names given by the user (``None``: auto-detect)."""

    text: str | None = None
    outlet: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None
    id: str | None = None

    def resolve(self, columns: list[str]) -> dict[str, str | None]:
        lower = {_field_key(c): c for c in reversed(columns)}
        out: dict[str, str | None] = {}
        for key, candidates in FIELD_CANDIDATES.items():
            given = getattr(self, key)
            if given:
                out[key] = given if given in columns else lower.get(_field_key(given))
                if out[key] is None:
                    out[key] = "\x00missing:" + given
                continue
            out[key] = next((lower[_field_key(c)] for c in candidates if _field_key(c) in lower), None)
        if out["outlet"] is not None and out["outlet"] == out["url"]:
            out["outlet"] = None
        return out


def _field_key(name: Any) -> str:
    """A column name compared loosely: ``publishedAt``, ``published_at``, ``Published At`` are one."""
    return re.sub(r"[\s_-]+", "", str(name).lower())


def _one_line(name: Any, width: int = 60) -> str:
    """A column name for a one-line message: line breaks shown as \\n, long names cut."""
    text = str(name).replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= width else text[:width] + "..."


def _missing_text(label: str, line: int | None, columns: list[str], fm: dict[str, str | None]) -> Report:
    given = fm["text"][len("\x00missing:"):] if fm["text"] and fm["text"].startswith("\x00") else None
    cols = ", ".join(_one_line(c) for c in columns[:20]) + (" ..." if len(columns) > 20 else "")
    why = (f"no column {given!r}" if given else
           f"no text column (looked for {', '.join(FIELD_CANDIDATES['text'][:6])} ...)")
    where = f"{label}:{line}" if line else label
    return Report(where, "error", f"{why}; columns are: {cols or 'none'}. "
                                  "Name the text column with --text-field NAME (text_field= in Python).", 0)


def _value(rec: dict, col: str | None) -> Any:
    if col is None or col.startswith("\x00"):
        return None
    v = rec.get(col)
    if isinstance(v, dict):  # NewsAPI-style {"source": {"id": ..., "name": ...}}
        v = v.get("name") or v.get("title") or v.get("id")
    return v


def _as_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v != v:
        return ""
    if isinstance(v, (list, tuple)):
        return "\n\n".join(_as_text(x) for x in v)
    return _no_surrogates(str(v))


def _no_surrogates(s: str) -> str:
    """``s`` with lone surrogates (from JSON escapes like "\\ud800") replaced by U+FFFD."""
    return s.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def record_to_article(rec: dict, fm: dict[str, str | None], label: str, locator: str, fmt: str,
                      encoding: str) -> Article | Report:
    """Turn one table record into an article, or a skip row when it has no text."""
    text = normalize_text(_as_text(_value(rec, fm["text"]))).strip()
    if not text:
        return Report(locator, "skipped", "empty text", 0)
    outlet = " ".join(normalize_text(_as_text(_value(rec, fm["outlet"]))).split())
    title = " ".join(normalize_text(_as_text(_value(rec, fm["title"]))).split())
    url = _as_text(_value(rec, fm["url"])).strip()
    raw_date = _value(rec, fm["date"])
    date, note = parse_date(raw_date)
    raw_id = _value(rec, fm["id"])
    rid = "" if raw_id is None or (isinstance(raw_id, float) and raw_id != raw_id) else _as_text(raw_id).strip()
    if isinstance(raw_id, float) and rid and raw_id.is_integer():
        rid = str(int(raw_id))
    notes = [note] if note else []
    if not outlet:
        outlet = "unknown"
        notes.append("outlet unknown: the record has no outlet value")
    doc_id = rid or content_id(outlet, title, date or _as_text(raw_date), url, text)
    art = {
        "doc_id": doc_id,
        "outlet": outlet,
        "title": title,
        "date": date,
        "url": url,
        "source": locator,
        "format": fmt,
        "encoding": encoding,
        "outlet_from": "field" if outlet != "unknown" else "none",
        "date_raw": _as_text(raw_date),
        "captions": "",
        "text": text,
        "_notes": notes,
    }
    return Article(art, [])


def read_csv_table(path: Path, label: str, fields: FieldMap, delimiter: str) -> Iterator[Event]:
    enc = detect_encoding(path, label)
    with open(path, "rb") as raw:
        raw.seek(enc.skip)
        # newline="": the csv module sees line ends as written (as io.StringIO(text, newline="") gives them)
        stream = io.TextIOWrapper(raw, encoding=enc.codec, newline="")
        yield from _read_csv_stream(_CappedLines(stream, MAX_RECORD_BYTES), label, fields, delimiter, enc.name)


class _RowTooLong(Exception):
    def __init__(self, line: int, chars: int):
        self.line, self.chars = line, chars


class _CappedLines:
    """The lines of a text stream for :mod:`csv`, never holding one longer than ``limit`` characters:
    such a line is skipped and :class:`_RowTooLong` raised in its place (the reader goes on after it)."""

    def __init__(self, stream, limit: int):
        self.stream, self.limit, self.line = stream, limit, 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.stream.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.line += 1
        if len(line) > self.limit and not line.endswith(("\n", "\r")):
            n = len(line)
            while True:
                more = self.stream.readline(1 << 20)
                n += len(more)
                if not more or more.endswith(("\n", "\r")):
                    break
            raise _RowTooLong(self.line, n)
        return line


def _too_long_row(label: str, exc: _RowTooLong) -> Report:
    return Report(f"{label}:{exc.line}", "error", f"line is {_mb(exc.chars)} long, over the {_mb(MAX_RECORD_BYTES)} "
                                                  f"limit for one row; not read, the other rows were. {_RAISE_LIMIT}.",
                  0)


def _read_csv_stream(stream, label: str, fields: FieldMap, delimiter: str, encoding: str) -> Iterator[Event]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1, MAX_RECORD_BYTES))
    reader = csv.DictReader(stream, delimiter=delimiter)
    try:
        columns = list(reader.fieldnames or [])
    except csv.Error as exc:
        yield Report(f"{label}:1", "error", f"header row is not valid CSV ({exc}). Check the delimiter and quoting.", 0)
        return
    except _RowTooLong as exc:
        yield _too_long_row(label, exc)
        return
    skipped = 0  # lines skipped as too long (not counted by the csv reader)
    fm = fields.resolve(columns)
    fmt = "tsv" if delimiter == "\t" else "csv"
    if fm["text"] is None or fm["text"].startswith("\x00"):
        yield _missing_text(label, 1, columns, fm)
        return
    n = 0
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except _RowTooLong as exc:
            skipped += 1
            yield _too_long_row(label, exc)
            continue
        except csv.Error as exc:
            yield Report(f"{label}:{reader.line_num + skipped}", "error",
                         f"row is not valid CSV ({exc}); the rows before and after were read. "
                         "Fix the quoting of this row.", 0)
            continue
        line = reader.line_num + skipped
        if None in rec:
            yield Report(f"{label}:{line}", "error", f"row has {len(columns) + len(rec[None])} fields, the header "
                                                     f"{len(columns)}; not loaded. Quote fields that contain "
                                                     f"'{delimiter}'.", 0)
            continue
        out = record_to_article(rec, fm, label, f"{label}:{line}", fmt, encoding)
        if isinstance(out, Article):
            n += 1
        yield out
    yield Report(label, "loaded" if n else "skipped", f"{fmt} table ({encoding}), text column {fm['text']!r}"
                 + ("" if n else "; no row had text"), n)


def read_jsonl(path: Path, label: str, fields: FieldMap) -> Iterator[Event]:
    enc = detect_encoding(path, label)
    encoding = enc.name
    n = 0
    fm_cache: dict[tuple, dict] = {}
    for lineno, line in enumerate(iter_lines(path, enc), start=1):
        if isinstance(line, LineTooLong):
            yield Report(f"{label}:{lineno}", "error", f"line is {_mb(line.chars)} long, over the "
                                                       f"{_mb(MAX_RECORD_BYTES)} limit for one record; not read, "
                                                       f"the other lines were. {_RAISE_LIMIT}.", 0)
            continue
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Report(f"{label}:{lineno}", "error",
                         f"truncated or invalid JSON ({exc.msg} at column {exc.colno}); the other lines were read. "
                         "Fix or remove this line.", 0)
            continue
        except (ValueError, RecursionError) as exc:  # a 5000-digit number, nesting too deep
            yield Report(f"{label}:{lineno}", "error", f"JSON cannot be read ({str(exc).split(':')[0][:80]}); "
                                                       "the other lines were read. Fix or remove this line.", 0)
            continue
        if not isinstance(rec, dict):
            yield Report(f"{label}:{lineno}", "error", f"line is a JSON {type(rec).__name__}, not an object. "
                                                       "Each line must be one article object.", 0)
            continue
        key = tuple(rec)
        fm = fm_cache.get(key)
        if fm is None:
            fm = fm_cache[key] = fields.resolve(list(rec))
        if fm["text"] is None or fm["text"].startswith("\x00"):
            yield _missing_text(label, lineno, list(rec), fm)
            continue
        out = record_to_article(rec, fm, label, f"{label}:{lineno}", "jsonl", encoding)
        if isinstance(out, Article):
            n += 1
        yield out
    yield Report(label, "loaded" if n else "skipped", f"jsonl ({encoding})" + ("" if n else "; no line had text"), n)


def read_json(path: Path, label: str, fields: FieldMap) -> Iterator[Event]:
    big = _too_big(path, label, "JSON")
    if big:
        yield big
        return
    text, encoding = decode_bytes(path.read_bytes(), label)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Report(f"{label}:{exc.lineno}", "error", f"truncated or invalid JSON ({exc.msg} at line {exc.lineno}, "
                                                       f"column {exc.colno}); nothing loaded from this file. "
                                                       "Fix the file, or write one object per line as .jsonl.", 0)
        return
    except (ValueError, RecursionError) as exc:  # a 5000-digit number, nesting too deep
        yield Report(label, "error", f"JSON cannot be read ({str(exc).split(':')[0][:80]}); nothing loaded "
                                     "from this file. Fix the file.", 0)
        return
    if isinstance(data, dict):
        for key in ("articles", "data", "items", "records", "results", "documents", "docs"):
            if isinstance(data.get(key), list) and all(isinstance(x, dict) for x in data[key]):
                records = data[key]
                break
        else:
            records = [data]
    elif isinstance(data, list):
        records = data
    else:
        yield Report(label, "error", f"JSON holds a {type(data).__name__}, not an object or a list of objects.", 0)
        return
    n = 0
    for i, rec in enumerate(records, start=1):
        loc = label if len(records) == 1 and isinstance(data, dict) else f"{label}#{i}"
        if not isinstance(rec, dict):
            yield Report(loc, "error", f"record {i} is a JSON {type(rec).__name__}, not an object.", 0)
            continue
        fm = fields.resolve(list(rec))
        if fm["text"] is None or fm["text"].startswith("\x00"):
            yield _missing_text(loc, None, list(rec), fm)
            continue
        out = record_to_article(rec, fm, label, loc, "json", encoding)
        if isinstance(out, Article):
            n += 1
        yield out
    yield Report(label, "loaded" if n else "skipped", f"json ({encoding})" + ("" if n else "; no record had text"), n)


def read_parquet(path: Path, label: str, fields: FieldMap, batch_size: int = 2048) -> Iterator[Event]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError, ValueError) as exc:  # ValueError: e.g. invalid UTF-8 in a string
        yield Report(label, "error", f"not a readable Parquet file ({str(exc).splitlines()[0][:120]}). "
                                     "Check the file is complete.", 0)
        return
    columns = pf.schema_arrow.names
    fm = fields.resolve(columns)
    if fm["text"] is None or fm["text"].startswith("\x00"):
        yield _missing_text(label, None, columns, fm)
        return
    n = 0
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=batch_size):
            for rec in batch.to_pylist():
                row += 1
                out = record_to_article(rec, fm, label, f"{label}#{row}", "parquet", "parquet")
                if isinstance(out, Article):
                    n += 1
                yield out
    except (pa.ArrowException, OSError, ValueError) as exc:  # ValueError: e.g. invalid UTF-8 in a string
        yield Report(f"{label}#{row + 1}", "error", f"Parquet data is damaged after row {row} "
                                                    f"({str(exc).splitlines()[0][:120]}); rows before were read.", 0)
    yield Report(label, "loaded" if n else "skipped", "parquet" + ("" if n else "; no row had text"), n)


def read_file(path: Path, label: str, fields: FieldMap, meta: dict[str, str],
              signatures: tuple[OutletSignature, ...]) -> Iterator[Event]:
    """Dispatch on the file extension; turn any project error into an error row."""
    ext = path.suffix.lower()
    try:
        if ext in PAGE_EXTS:
            yield from read_page_dump(path, label, meta, signatures)
        elif ext in HTML_EXTS:
            yield from read_html(path, label, meta, signatures)
        elif ext in (".csv", ".tsv"):
            yield from read_csv_table(path, label, fields, "\t" if ext == ".tsv" else ",")
        elif ext in (".jsonl", ".ndjson"):
            yield from read_jsonl(path, label, fields)
        elif ext == ".json":
            yield from read_json(path, label, fields)
        elif ext in (".parquet", ".pq"):
            yield from read_parquet(path, label, fields)
        else:
            yield Report(label, "skipped", f"unsupported file type {ext or '(none)'}; supported: "
                                           + ", ".join(sorted(ALL_EXTS)), 0)
    except MediabiasError as exc:
        yield Report(label, "error", exc.message + "." + (" " + exc.hint if exc.hint else ""), 0)
    except OSError as exc:
        yield Report(label, "error", f"cannot read the file ({exc.strerror or type(exc).__name__}). "
                                     "Check it exists and is readable.", 0)
