"""``report.html``: the whole report as one self-contained page.

:func:`write_html_report` writes ``out_dir/report.html``: what was read (the load
report), the headline chart, the other charts with their captions, the key tables,
keyword-in-context lines behind the top entries, the caveats in words, and the
manifest. Figures are embedded as base64 PNG ``data:`` URIs and the CSS is inline:
the page loads nothing from anywhere, needs no JavaScript, and can be mailed or
archived as a single file.

Every piece of text that comes from articles, lexicons, file names or the user is
HTML-escaped (:func:`html.escape`), so an article containing ``<script>`` shows the
characters and runs nothing. The page is deterministic: the same inputs give the
same bytes, except for the manifest's own timestamps.
"""

from __future__ import annotations

import base64
import html
import json
import math
import os
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from .match import kwic
from .plots import BASELINE_CATEGORIES
from .stats import MIN_ARTICLES

__all__ = ["write_html_report"]

HEADLINE = "terms_by_outlet"
KWIC_ENTRIES = 12      # entries with KWIC lines
KWIC_LINES = 5         # lines per entry
MAX_ARTICLE_ROWS = 200

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif;
       color: #1a1a1a; max-width: 1180px; margin: 0 auto; padding: 1.2rem 1.6rem 4rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.3rem; margin-top: 2.4rem; border-bottom: 2px solid #0072B2; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin-top: 1.6rem; }
.lede { color: #444; margin-top: 0; }
nav ol { columns: 2; font-size: .92rem; }
a { color: #0057a0; }
.caveat { border-left: 6px solid #D55E00; background: #fff4ec; padding: .6rem 1rem; margin: 1rem 0; }
.note { color: #555; font-size: .9rem; }
figure { margin: 1.4rem 0 2rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: .9rem; color: #333; margin-top: .4rem; }
.tablewrap { overflow-x: auto; margin: .6rem 0 1.2rem; }
table { border-collapse: collapse; font-size: .85rem; }
th, td { border: 1px solid #d0d0d0; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f0f4f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:nth-child(even) td { background: #fafafa; }
.kwic td.left { text-align: right; color: #333; }
.kwic td.right { color: #333; }
.kwic td.key { text-align: center; white-space: nowrap; }
mark { background: #ffe08a; color: #000; padding: 0 .15rem; font-weight: 600; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .82rem; }
pre { background: #f6f6f6; padding: .8rem; overflow-x: auto; border: 1px solid #e0e0e0; }
.status-loaded { color: #006e4f; } .status-skipped { color: #8a5a00; } .status-error { color: #b00020; }
.skipped { color: #8a5a00; }
"""


# ----------------------------------------------------------------------------- escaping and formatting

def esc(value: Any) -> str:
    """HTML-escaped text of any value (quotes too); missing values as ''."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def _fmt(value: Any, digits: int = 3) -> str:
    """A cell value as escaped text: floats to ``digits`` decimals, ints with separators."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return esc(value)
    if isinstance(value, int) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iu"):
        return f"{int(value):,}"
    if isinstance(value, float) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") == "f"):
        v = float(value)
        if math.isnan(v):
            return ""
        if v.is_integer() and abs(v) < 1e15 and digits == 0:
            return f"{int(v):,}"
        return f"{v:,.{digits}f}"
    return esc(value)


def _is_num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) or (
        hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iuf")


def _table(df: pd.DataFrame | None, columns: Sequence[str] | None = None, *, digits: Mapping[str, int] | None = None,
           headers: Mapping[str, str] | None = None, cls: str = "", empty: str = "No rows.") -> str:
    """An escaped HTML table of ``df[columns]``."""
    if df is None or df.empty:
        return f'<p class="note">{esc(empty)}</p>'
    cols = [c for c in (columns or list(df.columns)) if c in df.columns]
    digits = digits or {}
    headers = headers or {}
    cls_attr = f' class="{esc(cls)}"' if cls else ""
    out = [f'<div class="tablewrap"><table{cls_attr}><thead><tr>']
    out += [f"<th>{esc(headers.get(c, c))}</th>" for c in cols]
    out.append("</tr></thead><tbody>")
    for row in df[cols].itertuples(index=False, name=None):
        out.append("<tr>")
        for c, v in zip(cols, row):
            num = _is_num(v)
            out.append(f'<td class="num">{_fmt(v, digits.get(c, 3))}</td>' if num else f"<td>{esc(v)}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _get(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame | None:
    df = tables.get(name)
    return df if isinstance(df, pd.DataFrame) else None


# ----------------------------------------------------------------------------- sections

def _section_read(tables: Mapping[str, pd.DataFrame], manifest: Mapping[str, Any], per_outlet: dict[str, int],
                  sampled: bool) -> str:
    parts = ['<h2 id="read">1. What was read</h2>']
    lr = _get(tables, "load_report")
    arts = _get(tables, "articles")
    if lr is not None and not lr.empty and "status" in lr.columns:
        counts = lr["status"].astype(str).value_counts().sort_index()
        n_art = int(pd.to_numeric(lr.get("n_articles", pd.Series(dtype=float)), errors="coerce").fillna(0).sum())
        parts.append("<p>Input files and records by status: " + ", ".join(
            f'<span class="status-{esc(s)}">{esc(s)}: {int(n):,}</span>' for s, n in counts.items())
            + f"; {n_art:,} articles read.</p>")
        problems = lr[lr["status"].astype(str) != "loaded"]
        parts.append("<h3>Inputs not loaded, and why</h3>")
        parts.append(_table(problems, ["source", "status", "reason", "n_articles"], digits={"n_articles": 0},
                            empty="Every input was loaded."))
    elif manifest.get("load_report"):
        parts.append("<p>Inputs by status: " + ", ".join(
            f"{esc(k)}: {esc(v)}" for k, v in sorted(manifest["load_report"].items())) + ".</p>")
    else:
        parts.append('<p class="note">No load report.</p>')
    if per_outlet:
        n_art, n_out = sum(per_outlet.values()), len(per_outlet)
        parts.append(f"<h3>Articles ({n_art:,} from {n_out:,} outlet{'s' if n_out != 1 else ''})</h3>")
        per = pd.DataFrame(sorted(per_outlet.items()), columns=["outlet", "articles"])
        if arts is not None and not sampled and "n_tokens" in arts.columns and "outlet" in arts.columns:
            tok = arts.groupby(arts["outlet"].astype(str))["n_tokens"].sum()
            per["tokens"] = per["outlet"].map(tok)
        parts.append(_table(per, digits={"articles": 0, "tokens": 0}))
    if arts is not None and not arts.empty:
        if sampled:
            parts.append(f'<p class="note">The articles below are the sample kept for the charts and the '
                         f"keyword-in-context lines: {len(arts):,} of {sum(per_outlet.values()):,}.</p>")
        shown = arts.head(MAX_ARTICLE_ROWS)
        parts.append(_table(shown, ["doc_id", "outlet", "title", "date", "source", "n_tokens", "n_sentences",
                                    "polarity"], digits={"n_tokens": 0, "n_sentences": 0}))
        if len(arts) > MAX_ARTICLE_ROWS:
            parts.append(f'<p class="note">The first {MAX_ARTICLE_ROWS} of {len(arts):,} articles; all are in '
                         "articles.csv.</p>")
    dl = _get(tables, "dropped_lines")
    if dl is not None and not dl.empty and "reason" in dl.columns:
        by = dl.groupby("reason", sort=True).size().reset_index(name="lines")
        by = by.sort_values(["lines", "reason"], ascending=[False, True], kind="stable")
        parts.append("<h3>Lines the page-dump parser dropped, by reason</h3>")
        parts.append(_table(by, digits={"lines": 0}))
        parts.append(f'<p class="note">{len(dl):,} lines in all; each one, with its text, is in '
                     "dropped_lines.csv.</p>")
    return "\n".join(parts)


def _img(fig: Mapping[str, Any], out_dir: Path) -> str | None:
    png = fig.get("png")
    if not png:
        return None
    path = Path(png)
    if not path.is_absolute() and not path.exists():
        path = out_dir / path
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _csv_link(fig: Mapping[str, Any], out_dir: Path) -> str:
    csv = fig.get("csv")
    if not csv:
        return ""
    try:
        rel = Path(os.path.relpath(Path(csv).resolve(), out_dir.resolve())).as_posix()
    except ValueError:
        return ""
    if rel.startswith(".."):
        return ""
    return f' The plotted numbers: <a href="{esc(rel)}">{esc(rel)}</a>.'


def _figure(fig: Mapping[str, Any], out_dir: Path) -> str:
    name = str(fig.get("name", "figure"))
    title = fig.get("title") or name
    src = _img(fig, out_dir)
    if src is None:
        reason = fig.get("skipped") or "the image file could not be read"
        return (f'<figure id="fig-{esc(name)}"><p class="skipped"><strong>{esc(title)}</strong>: not drawn '
                f"({esc(reason)}).</p></figure>")
    return (f'<figure id="fig-{esc(name)}"><img src="{src}" alt="{esc(title)}">'
            f"<figcaption><strong>{esc(title)}.</strong> {esc(fig.get('caption', ''))}"
            f"{_csv_link(fig, out_dir)}</figcaption></figure>")


def _kwic_entries(matches: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    m = matches
    note = "all lexicons"
    if "lexicon" in m.columns and (m["lexicon"] == "loaded_terms").any():
        m = m[m["lexicon"] == "loaded_terms"]
        note = "loaded_terms"
    if "category" in m.columns:
        rest = m[~m["category"].isin(list(BASELINE_CATEGORIES))]
        if not rest.empty:
            m = rest
            note += f" ({', '.join(BASELINE_CATEGORIES)} left out)"
    return m, note


def _section_kwic(tables: Mapping[str, pd.DataFrame], sampled: bool) -> str:
    parts = ['<h2 id="kwic">3. The words behind the counts: keyword in context</h2>']
    m, arts = _get(tables, "matches"), _get(tables, "articles")
    if m is None or arts is None or m.empty or "text" not in arts.columns:
        parts.append('<p class="note">No lexicon hits, so no lines to show.</p>')
        return "\n".join(parts)
    m, note = _kwic_entries(m)
    counts = m["entry"].astype(str).value_counts()
    entries = sorted(counts.index, key=lambda e: (-counts[e], e.casefold(), e))[:KWIC_ENTRIES]
    parts.append(f"<p>The {len(entries)} entries of {esc(note)} with most hits, up to {KWIC_LINES} lines each "
                 "(taken in turn from each outlet, in text order). The keyword is highlighted; "
                 "<em>voice</em> says whether the outlet wrote it or quoted someone. Every hit is in "
                 "matches.csv with its character offsets.</p>")
    if sampled:
        parts.append(f'<p class="note">Lines and counts here come from the sample of {arts["doc_id"].nunique():,} '
                     "articles kept in memory, not from the whole corpus.</p>")
    order = {d: i for i, d in enumerate(arts["doc_id"].astype(str))}
    for e in entries:
        rows = m[m["entry"].astype(str) == e].copy()
        rows["_d"] = rows["doc_id"].astype(str).map(order).fillna(len(order))
        rows = rows.sort_values(["_d", "start"], kind="stable")
        outlet_col = rows["outlet"].astype(str) if "outlet" in rows.columns else pd.Series("", index=rows.index)
        rows["_k"] = rows.groupby(outlet_col.to_numpy(), sort=False).cumcount()
        picked = rows.sort_values(["_k", "_d", "start"], kind="stable").head(KWIC_LINES)
        picked = picked.sort_values(["_d", "start"], kind="stable")
        lines = kwic(picked.drop(columns=["_d", "_k"]), arts)
        per_outlet = ", ".join(f"{esc(o)}: {int(n):,}" for o, n in outlet_col.value_counts().sort_index().items())
        n = int(counts[e])
        parts.append(f"<h3>{esc(e)} <span class=\"note\">({n:,} hit{'s' if n != 1 else ''}; {per_outlet})</span></h3>")
        body = ['<div class="tablewrap"><table class="kwic"><thead><tr><th>outlet</th><th>voice</th>'
                '<th>left context</th><th>keyword</th><th>right context</th></tr></thead><tbody>']
        for r in lines.itertuples(index=False):
            rd = r._asdict()
            voice = esc(rd.get("voice", ""))
            if str(rd.get("hedged", "")).lower() == "true":
                voice += " (hedged)"
            body.append(f"<tr><td>{esc(rd.get('outlet', ''))}</td><td>{voice}</td>"
                        f"<td class=\"left\">{esc(rd['left'])}</td><td class=\"key\"><mark>{esc(rd['keyword'])}"
                        f"</mark></td><td class=\"right\">{esc(rd['right'])}</td></tr>")
        body.append("</tbody></table></div>")
        parts.append("".join(body))
    return "\n".join(parts)


def _section_tables(tables: Mapping[str, pd.DataFrame]) -> str:
    parts = ['<h2 id="tables">5. Key tables</h2>',
             '<p class="note">The top rows only; every table is complete in its CSV file beside this page.</p>']
    ot = _get(tables, "outlet_terms")
    parts.append("<h3>Loaded terms by outlet (outlet_terms.csv): highest rates</h3>")
    if ot is not None and not ot.empty:
        t = ot
        if "lexicon" in t.columns and (t["lexicon"] == "loaded_terms").any():
            t = t[t["lexicon"] == "loaded_terms"]
        if "category" in t.columns:
            t = t[~t["category"].isin(list(BASELINE_CATEGORIES))]
        if "voice" in t.columns:
            t = t[t["voice"] != "all"]
        t = t[t["count"] > 0].sort_values(["rate_per_1k", "outlet", "entry"], ascending=[False, True, True],
                                          kind="stable").head(30)
        parts.append(_table(t, ["outlet", "lexicon", "category", "entry", "voice", "count", "n_docs", "rate_per_1k",
                                "ci_low", "ci_high", "ci_method"],
                            digits={"count": 0, "n_docs": 0, "rate_per_1k": 2, "ci_low": 2, "ci_high": 2},
                            empty="No hits."))
    else:
        parts.append('<p class="note">No table.</p>')
    parts.append("<h3>Sentiment by outlet (outlet_sentiment.csv)</h3>")
    parts.append(_table(_get(tables, "outlet_sentiment"),
                        ["outlet", "n_docs", "n_sentences", "polarity_mean", "polarity_ci_low", "polarity_ci_high",
                         "zero_polarity_share", "subjectivity_mean", "vader_mean", "vader_ci_low", "vader_ci_high",
                         "ci_method"], digits={"n_docs": 0, "n_sentences": 0}, empty="No table."))
    fp = _get(tables, "framing_pairs")
    parts.append("<h3>Framing pairs: shares of competing labels (framing_pairs.csv)</h3>")
    if fp is not None and not fp.empty:
        f = fp[fp["count"] > 0] if "count" in fp.columns else fp
        f = f.sort_values([c for c in ("lexicon", "referent", "outlet", "alternative") if c in f.columns],
                          kind="stable")
        parts.append(_table(f, ["referent", "outlet", "alternative", "count", "total", "share", "ci_low",
                                "ci_high"], digits={"count": 0, "total": 0, "share": 2, "ci_low": 2, "ci_high": 2},
                            empty="No outlet names a referent."))
        parts.append('<p class="note">Rows with a count of 0 are left out here (they are in the CSV). An outlet '
                     "that never names a referent has no rows: its share is undefined, not 0.</p>")
    else:
        parts.append('<p class="note">No outlet names a referent of a framing pair.</p>')
    kn = _get(tables, "keyness")
    parts.append("<h3>Keyness: lexicon entries more frequent in one outlet (keyness.csv)</h3>")
    if kn is not None and not kn.empty:
        k = kn
        if "unit" in k.columns and (k["unit"] == "entry").any():
            k = k[k["unit"] == "entry"]
        k = k[(k["g2"] > 0)].sort_values(["outlet", "g2", "term"], ascending=[True, False, True], kind="stable")
        k = k.groupby("outlet", sort=False).head(10)
        parts.append(_table(k, ["outlet", "term", "lexicon", "category", "count_target", "count_reference", "g2",
                                "log_ratio", "p_value", "q_value"],
                            digits={"count_target": 0, "count_reference": 0, "g2": 2, "log_ratio": 2},
                            headers={"count_target": "count (outlet)", "count_reference": "count (others)",
                                     "g2": "signed G2"}, empty="No key entries."))
    else:
        parts.append('<p class="note">No keyness table (it needs at least two outlets).</p>')
    return "\n".join(parts)


def _section_caveats(tables: Mapping[str, pd.DataFrame], manifest: Mapping[str, Any]) -> str:
    parts = ['<h2 id="caveats">6. Caveats: how to read these numbers</h2><ul>']
    caveat = manifest.get("caveat")
    if caveat:
        parts.append(f"<li><strong>Sample size.</strong> {esc(caveat)}</li>")
    arts = _get(tables, "articles")
    if arts is not None and "outlet" in arts.columns and not arts.empty:
        per = arts.groupby("outlet").size()
        lo = int(per.min())
        parts.append(f"<li><strong>Articles per outlet:</strong> {lo:,} to {int(per.max()):,}. With fewer than "
                     f"{MIN_ARTICLES} articles from an outlet, every rate, share and interval describes those "
                     "articles only, not the outlet's coverage; intervals then treat tokens or sentences as "
                     "independent and are too narrow for the outlet as a whole.</li>")
    parts.append("<li><strong>A hit is wording, not intent.</strong> Many entries are neutral in other contexts; "
                 "read the keyword-in-context lines before reading a count.</li>")
    parts.append("<li><strong>Voice.</strong> A quoted phrase is the speaker's choice, not the outlet's, though "
                 "choosing whom to quote is the outlet's. Charts keep the two apart.</li>")
    parts.append("<li><strong>Sentiment misses labelling.</strong> TextBlob scores a sentence without any word of "
                 "its lexicon exactly 0, and labels such as \"occupied territories\" or \"alleged tunnels\" carry "
                 "no sentiment words; read the share of zero scores beside every mean.</li>")
    parts.append("<li><strong>Lexicons.</strong> Counts can only find what a lexicon lists; entries never matched "
                 "are in unmatched_entries.csv. Categories left out of the loaded-term charts: "
                 f"{esc(', '.join(BASELINE_CATEGORIES))} (plain names, the baseline of framing pairs).</li>")
    parts.append("<li><strong>Keyness p-values</strong> are not corrected for the many terms tested; q-values "
                 "(Benjamini-Hochberg) are in keyness.csv.</li>")
    parts.append("</ul>")
    return "\n".join(parts)


def _section_manifest(manifest: Mapping[str, Any]) -> str:
    parts = ['<h2 id="manifest">7. Manifest: versions, inputs, lexicons, options</h2>']
    versions = [("mediabias", manifest.get("mediabias", "")), ("python", manifest.get("python", ""))]
    versions += sorted((str(k), v) for k, v in (manifest.get("dependencies") or {}).items())
    parts.append("<h3>Versions</h3>")
    parts.append(_table(pd.DataFrame(versions, columns=["package", "version"]), empty="No versions recorded."))
    parts.append("<h3>Inputs</h3>")
    inputs = pd.DataFrame(list(manifest.get("inputs") or []))
    parts.append(_table(inputs, ["source", "bytes", "sha256"], digits={"bytes": 0}, empty="No input files."))
    parts.append("<h3>Lexicons</h3>")
    lex = pd.DataFrame(list(manifest.get("lexicons") or []))
    parts.append(_table(lex, ["name", "version", "licence", "format", "entries", "sha256"], digits={"entries": 0},
                        empty="No lexicons recorded."))
    parts.append("<h3>Options and counts</h3>")
    opts = json.dumps(manifest.get("options", {}), indent=2, sort_keys=True, ensure_ascii=False, default=str)
    parts.append(f"<pre>{esc(opts)}</pre>")
    counts = manifest.get("counts") or {}
    if counts:
        parts.append(_table(pd.DataFrame(sorted(counts.items()), columns=["table", "rows"]), digits={"rows": 0}))
    run = [f"{esc(k)}: {esc(manifest[k])}" for k in ("command", "started_at", "seconds") if k in manifest]
    if run:
        parts.append(f'<p class="note">Run: {"; ".join(run)}.</p>')
    full = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    parts.append(f"<details><summary>The whole manifest (JSON)</summary><pre>{esc(full)}</pre></details>")
    return "\n".join(parts)


# ----------------------------------------------------------------------------- the page

def write_html_report(out_dir: str | os.PathLike, tables: Mapping[str, pd.DataFrame],
                      figures: Sequence[Mapping[str, Any]] | None, manifest: Mapping[str, Any] | None, *,
                      outlet_articles: Mapping[str, int] | pd.Series | None = None) -> Path:
    """Write ``out_dir/report.html``, one self-contained page, and return its path.

    Args:
        out_dir: the report folder (figure paths relative to it are resolved there).
        tables: the tables of the run, by name (``articles``, ``matches``,
            ``load_report``, ``outlet_terms``, ``outlet_sentiment``, ``framing_pairs``,
            ``keyness``, ``dropped_lines``, ...); missing ones are reported as missing.
        figures: what :func:`mediabias.plots.write_figures` returned (dicts with
            ``name``, ``title``, ``caption``, ``png``, ``csv``, ``skipped``); the
            headline (``terms_by_outlet``) is shown first, the others after the KWIC
            lines, skipped ones with their reason. ``[]`` or None: no figures.
        manifest: the run's manifest dict (versions, inputs with sha256, lexicons,
            options, counts, caveat).
        outlet_articles: articles per outlet in the whole corpus, when ``articles``,
            ``sentences`` and ``matches`` hold only a sample (a streamed run): the page
            then counts from it and says where it shows the sample.

    Sections: what was read; the headline chart; keyword-in-context lines for the
    top entries; the other charts; key tables; caveats; the manifest. All text is
    HTML-escaped, figures are base64 ``data:`` URIs, nothing external is loaded.
    The file is written under a temporary name and renamed.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest = dict(manifest or {})
    figures = [dict(f) for f in (figures or [])]
    arts = _get(tables, "articles")
    m = _get(tables, "matches")
    counts = manifest.get("counts") or {}
    if outlet_articles is not None:
        per_outlet = {str(k): int(v) for k, v in dict(outlet_articles).items()}
    elif arts is not None and "outlet" in arts.columns:
        per_outlet = {str(k): int(v) for k, v in arts.groupby(arts["outlet"].astype(str)).size().items()}
    else:
        per_outlet = {}
    n_art = sum(per_outlet.values()) if per_outlet else int(counts.get("articles", 0))
    n_out = len(per_outlet)
    sampled = outlet_articles is not None and arts is not None and len(arts) < n_art
    n_hits = (int(counts["matches"]) if (sampled or m is None) and "matches" in counts
              else len(m) if m is not None else 0)
    lex_names = [str(x.get("name", "")) for x in manifest.get("lexicons") or [] if isinstance(x, Mapping)]

    head = next((f for f in figures if f.get("name") == HEADLINE), None)
    if head is None:
        head = next((f for f in figures if f.get("png")), None)
    rest = [f for f in figures if f is not head]

    body = ["<h1>mediabias report</h1>",
            f'<p class="lede">{n_art:,} article{"s" if n_art != 1 else ""} from {n_out:,} '
            f'outlet{"s" if n_out != 1 else ""}; {n_hits:,} lexicon hits'
            f'{"; lexicons: " + esc(", ".join(lex_names)) if lex_names else ""}.'
            f'{" Run started " + esc(manifest["started_at"]) + "." if manifest.get("started_at") else ""}</p>']
    if manifest.get("caveat"):
        body.append(f'<div class="caveat"><strong>Read with care:</strong> {esc(manifest["caveat"])}</div>')
    body.append('<nav><ol><li><a href="#read">What was read</a></li><li><a href="#headline">Headline chart</a></li>'
                '<li><a href="#kwic">Keyword in context</a></li><li><a href="#charts">Other charts</a></li>'
                '<li><a href="#tables">Key tables</a></li><li><a href="#caveats">Caveats</a></li>'
                '<li><a href="#manifest">Manifest</a></li></ol></nav>')
    body.append(_section_read(tables, manifest, per_outlet, sampled))
    body.append('<h2 id="headline">2. Headline: loaded terms by outlet</h2>')
    body.append(_figure(head, out) if head is not None else '<p class="note">No figures were drawn.</p>')
    body.append(_section_kwic(tables, sampled))
    body.append('<h2 id="charts">4. Other charts</h2>')
    if rest:
        body.extend(_figure(f, out) for f in rest)
    else:
        body.append('<p class="note">No other figures.</p>')
    body.append(_section_tables(tables))
    body.append(_section_caveats(tables, manifest))
    body.append(_section_manifest(manifest))
    page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'\">\n"
            f"<title>mediabias report: {n_art:,} articles, {n_out:,} outlets</title>\n<style>{CSS}</style>\n"
            "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")
    path = out / "report.html"
    tmp = out / f".report.html.tmp-{os.getpid()}"
    tmp.write_text(page, encoding="utf-8", newline="\n")
    os.replace(tmp, path)
    return path
