#!/usr/bin/env python
"""Score the page-dump parser against hand-made gold bodies.

Usage::

    python benchmarks/eval_pagedump.py [DIR ...] [--parser SPEC] [--show N] [--json FILE]

Each DIR is either one case (a folder holding ``dump.txt`` and ``gold.txt``, and
optionally ``meta.json``) or a folder of such case folders. The default is
``benchmarks/pagedumps/synthetic``.

For every case the script computes, for the parser's ``.body`` against ``gold.txt``:

* token precision, recall and F1. Tokens are lowercased ``\\w+`` runs; the score is a
  bag-of-tokens F1 with multiset overlap (a token counts as many times as it occurs
  in both texts);
* the same three numbers for the "no cleaning" baseline (the whole dump as the body);
* whether ``.title`` equals ``meta.json``'s ``title`` exactly (up to whitespace: a
  no-break space counts as a space, runs collapse), and the share of ``meta.json``'s
  captions found in ``.captions`` (substring either way, whitespace-normalised).

It prints a per-case table, the macro means, the ratio of the parser's mean F1 to the
baseline's, and the worst cases with the first gold lines the parser missed and the
first lines it kept that are not in the gold. It always exits 0.

``--parser`` chooses what is scored:

* ``mediabias`` (default): ``mediabias.corpus.pagedump.parse_page_dump``, imported
  lazily; if it cannot be imported the script says so and scores the baselines only;
* ``trivial``: a built-in, deliberately naive heuristic (keep long lines that end in
  sentence punctuation), useful to check the harness and as a floor to beat;
* ``module:function``: any callable taking the dump text and returning an object with
  ``.body`` (or ``.paragraphs``), and optionally ``.title`` and ``.captions``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import traceback
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DIR = HERE / "pagedumps" / "synthetic"

TOKEN_RE = re.compile(r"\w+")


# --------------------------------------------------------------------------- scoring


def tokens(text: str) -> list[str]:
    """Lowercased ``\\w+`` tokens of ``text``."""
    return TOKEN_RE.findall(text.lower())


def prf(pred: str, gold: str) -> tuple[float, float, float]:
    """Bag-of-tokens (precision, recall, F1) of ``pred`` against ``gold``."""
    p, g = Counter(tokens(pred)), Counter(tokens(gold))
    n_p, n_g = sum(p.values()), sum(g.values())
    if n_p == 0 and n_g == 0:
        return 1.0, 1.0, 1.0
    if n_p == 0 or n_g == 0:
        return 0.0, 0.0, 0.0
    overlap = sum((p & g).values())
    prec, rec = overlap / n_p, overlap / n_g
    f1 = 0.0 if overlap == 0 else 2 * prec * rec / (prec + rec)
    return prec, rec, f1


def _norm(text: str) -> str:
    """Token string used to decide whether a line appears in another text."""
    return " ".join(tokens(unicodedata.normalize("NFKC", text)))


def _blocks(text: str) -> list[str]:
    """Non-empty lines of ``text`` (paragraphs, once blank lines are ignored)."""
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def _covered(line: str, other_tokens: Counter, other_norm: str) -> bool:
    """True when ``line`` occurs in the other text (as a token string), or when
    nearly all of its tokens do (so a re-wrapped or re-joined line still counts)."""
    n = _norm(line)
    if not n:
        return True
    if n in other_norm:
        return True
    t = Counter(n.split())
    return sum((t & other_tokens).values()) >= 0.9 * sum(t.values())


def diff_lines(pred: str, gold: str) -> tuple[list[str], list[str]]:
    """(gold lines missing from ``pred``, ``pred`` lines that are not in ``gold``)."""
    pred_norm, gold_norm = _norm(pred), _norm(gold)
    pred_tok, gold_tok = Counter(pred_norm.split()), Counter(gold_norm.split())
    missing = [ln for ln in _blocks(gold) if not _covered(ln, pred_tok, pred_norm)]
    extra = [ln for ln in _blocks(pred) if not _covered(ln, gold_tok, gold_norm)]
    return missing, extra


# --------------------------------------------------------------------------- cases


@dataclass
class Case:
    name: str
    path: Path
    dump: str
    gold: str
    meta: dict[str, Any] = field(default_factory=dict)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def find_cases(dirs: list[Path]) -> list[Case]:
    """Cases under ``dirs`` (each a case folder or a folder of case folders)."""
    out: list[Case] = []
    for d in dirs:
        if not d.exists():
            print(f"warning: {d} does not exist; skipped", file=sys.stderr)
            continue
        folders = [d] if (d / "dump.txt").exists() else sorted(
            p for p in d.iterdir() if p.is_dir() and (p / "dump.txt").exists()
        )
        for f in folders:
            if not (f / "gold.txt").exists():
                print(f"warning: {f} has dump.txt but no gold.txt; skipped", file=sys.stderr)
                continue
            meta = {}
            if (f / "meta.json").exists():
                meta = json.loads(_read(f / "meta.json"))
            out.append(Case(f.name, f, _read(f / "dump.txt"), _read(f / "gold.txt"), meta))
    return out


# --------------------------------------------------------------------------- parsers


_SENT_END = re.compile(r"[.!?\"'\u201d\u2019)]\s*$")


def trivial_parser(text: str) -> SimpleNamespace:
    """A deliberately naive extractor: the first non-empty line is the title; body
    lines are those with at least 12 words that end in sentence punctuation."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    title = lines[0] if lines else ""
    paras = [ln for ln in lines[1:] if len(ln.split()) >= 12 and _SENT_END.search(ln)]
    return SimpleNamespace(title=title, captions=[], paragraphs=paras, body="\n\n".join(paras))


def load_parser(spec: str) -> tuple[Callable[[str], Any] | None, str]:
    """(callable or None, a human description / the reason it is missing)."""
    if spec == "trivial":
        return trivial_parser, "trivial built-in heuristic (harness check, not the parser)"
    if spec == "mediabias":
        spec = "mediabias.corpus.pagedump:parse_page_dump"
    mod_name, _, fn_name = spec.partition(":")
    if not fn_name:
        return None, f"--parser {spec!r}: expected 'mediabias', 'trivial' or 'module:function'"
    src = REPO / "src"
    if src.is_dir() and str(src) not in sys.path:
        sys.path.insert(0, str(src))
    try:
        mod = importlib.import_module(mod_name)
    except Exception as exc:  # ImportError, or an error raised while importing
        return None, f"cannot import {mod_name}: {type(exc).__name__}: {exc}"
    fn = getattr(mod, fn_name, None)
    if not callable(fn):
        return None, f"{mod_name} has no callable {fn_name!r}"
    return fn, f"{mod_name}.{fn_name}"


def _body_of(parsed: Any) -> str:
    body = getattr(parsed, "body", None)
    if isinstance(body, str):
        return body
    paras = getattr(parsed, "paragraphs", None) or []
    return "\n\n".join(paras)


# --------------------------------------------------------------------------- evaluation


@dataclass
class Result:
    case: Case
    base: tuple[float, float, float]
    parsed: tuple[float, float, float] | None = None
    title_ok: bool | None = None
    caption_recall: float | None = None
    error: str | None = None
    body: str = ""
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)


_SPACES = str.maketrans({"\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\t": " "})


def _title_norm(s: str) -> str:
    """Exact comparison up to whitespace: NBSP/thin spaces count as spaces, runs of
    whitespace collapse, zero-width spaces and soft hyphens are ignored."""
    s = s.translate(_SPACES).replace("\u200b", "").replace("\u00ad", "")
    return " ".join(s.split())


def _ws(s: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", s).split())


def evaluate(case: Case, parser: Callable[[str], Any] | None) -> Result:
    res = Result(case=case, base=prf(case.dump, case.gold))
    if parser is None:
        return res
    try:
        parsed = parser(case.dump)
        res.body = _body_of(parsed)
    except Exception as exc:
        res.error = f"{type(exc).__name__}: {exc}"
        res.parsed = (0.0, 0.0, 0.0)
        res.missing = _blocks(case.gold)
        tb = traceback.format_exc().strip().splitlines()
        res.extra = [f"[traceback] {tb[-3].strip() if len(tb) >= 3 else ''}"]
        return res
    res.parsed = prf(res.body, case.gold)
    res.missing, res.extra = diff_lines(res.body, case.gold)
    want_title = case.meta.get("title")
    if want_title is not None:
        got = getattr(parsed, "title", None) or ""
        res.title_ok = _title_norm(got) == _title_norm(want_title)
    want_caps = case.meta.get("captions")
    if want_caps:
        got_caps = [_ws(c) for c in (getattr(parsed, "captions", None) or [])]
        found = sum(1 for c in want_caps if any(_ws(c) in g or g in _ws(c) for g in got_caps if g))
        res.caption_recall = found / len(want_caps)
    return res


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else float("nan")


def _clip(s: str, n: int = 110) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "\u2026"


def report(results: list[Result], parser_desc: str, have_parser: bool, show: int) -> dict:
    name_w = max([len(r.case.name) for r in results] + [4])
    style_w = 28
    head = f"{'case':<{name_w}}  {'style':<{style_w}}  {'gold':>5}  {'base P':>6} {'R':>5} {'F1':>5}"
    if have_parser:
        head += f"  | {'P':>5} {'R':>5} {'F1':>5}  {'title':>5} {'caps':>4}"
    print(head)
    print("-" * len(head))
    for r in results:
        style = str(r.case.meta.get("style", ""))
        line = (
            f"{r.case.name:<{name_w}}  {_clip(style, style_w):<{style_w}}  {len(tokens(r.case.gold)):>5}  "
            f"{r.base[0]:>6.3f} {r.base[1]:>5.3f} {r.base[2]:>5.3f}"
        )
        if have_parser and r.parsed is not None:
            t = "-" if r.title_ok is None else ("yes" if r.title_ok else "no")
            c = "-" if r.caption_recall is None else f"{r.caption_recall:.2f}"
            line += f"  | {r.parsed[0]:>5.3f} {r.parsed[1]:>5.3f} {r.parsed[2]:>5.3f}  {t:>5} {c:>4}"
            if r.error:
                line += f"  ERROR {r.error}"
        print(line)

    summary: dict[str, Any] = {"n_cases": len(results), "parser": parser_desc}
    base_f1 = _mean([r.base[2] for r in results])
    summary["baseline"] = {
        "precision": _mean([r.base[0] for r in results]),
        "recall": _mean([r.base[1] for r in results]),
        "f1": base_f1,
    }
    print()
    print(f"cases: {len(results)}")
    b = summary["baseline"]
    print(f"baseline (whole dump)  macro P {b['precision']:.3f}  R {b['recall']:.3f}  F1 {b['f1']:.3f}")
    if have_parser:
        pr = [r.parsed for r in results if r.parsed is not None]
        f1 = _mean([p[2] for p in pr])
        summary["parser_scores"] = {
            "precision": _mean([p[0] for p in pr]),
            "recall": _mean([p[1] for p in pr]),
            "f1": f1,
            "f1_min": min((p[2] for p in pr), default=float("nan")),
            "n_at_least_0.85": sum(1 for p in pr if p[2] >= 0.85),
            "errors": sum(1 for r in results if r.error),
        }
        titled = [r.title_ok for r in results if r.title_ok is not None]
        caps = [r.caption_recall for r in results if r.caption_recall is not None]
        summary["title_exact"] = (sum(titled), len(titled))
        summary["caption_recall"] = _mean(caps) if caps else None
        s = summary["parser_scores"]
        print(f"parser                 macro P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {f1:.3f}"
              f"   (min F1 {s['f1_min']:.3f}; {s['n_at_least_0.85']}/{len(pr)} cases >= 0.85;"
              f" {s['errors']} errors)")
        ratio = f1 / base_f1 if base_f1 else float("nan")
        summary["f1_ratio_vs_baseline"] = ratio
        print(f"parser F1 / baseline F1: {ratio:.3f}")
        if titled:
            print(f"title exact match: {sum(titled)}/{len(titled)}")
        if caps:
            print(f"caption recall (meta.json captions found in .captions): {summary['caption_recall']:.3f}")

        worst = sorted(results, key=lambda r: (r.parsed or (0, 0, 0))[2])[:show]
        print()
        print(f"{len(worst)} worst cases (lowest parser F1):")
        for r in worst:
            p = r.parsed or (0.0, 0.0, 0.0)
            print(f"\n== {r.case.name}  F1 {p[2]:.3f} (P {p[0]:.3f}, R {p[1]:.3f})  [{r.case.path}]")
            if r.error:
                print(f"   ERROR: {r.error}")
            print(f"   missing gold lines ({len(r.missing)}):")
            for ln in r.missing[:3]:
                print(f"     - {_clip(ln)}")
            print(f"   extra lines kept ({len(r.extra)}):")
            for ln in r.extra[:3]:
                print(f"     + {_clip(ln)}")
    summary["cases"] = [
        {
            "case": r.case.name,
            "style": r.case.meta.get("style"),
            "baseline": dict(zip(("precision", "recall", "f1"), r.base)),
            "parser": None if r.parsed is None else dict(zip(("precision", "recall", "f1"), r.parsed)),
            "title_ok": r.title_ok,
            "caption_recall": r.caption_recall,
            "error": r.error,
            "n_missing_lines": len(r.missing),
            "n_extra_lines": len(r.extra),
        }
        for r in results
    ]
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="*", type=Path, help="case folders or folders of cases")
    ap.add_argument("--parser", default="mediabias",
                    help="'mediabias' (default), 'trivial', or 'module:function'")
    ap.add_argument("--show", type=int, default=5, help="how many worst cases to detail (default 5)")
    ap.add_argument("--json", type=Path, help="also write the summary and per-case scores here")
    args = ap.parse_args(argv)

    dirs = args.dirs or [DEFAULT_DIR]
    cases = find_cases(dirs)
    if not cases:
        print(f"no cases found under: {', '.join(map(str, dirs))}")
        return 0

    parser, desc = load_parser(args.parser)
    if parser is None:
        print(f"PARSER MISSING: {desc}")
        print("Scoring the no-cleaning baseline only (try --parser trivial to exercise the harness).")
    else:
        print(f"parser: {desc}")
    print()

    results = [evaluate(c, parser) for c in cases]
    summary = report(results, desc, parser is not None, args.show)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into head/sed: still exit 0
        sys.stderr.close()
        sys.exit(0)
