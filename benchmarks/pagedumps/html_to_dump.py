"""Whole-page HTML -> text dump, approximating a browser's innerText / Ctrl-A copy.

Used to turn real article pages (HTML with a separate gold text, e.g. from public
boilerplate-removal benchmarks) into page-dump cases for ``eval_pagedump.py``. Such
pages are NOT committed here (their licences are unknown); keep them outside the repo.

Rules: block elements get their own lines, <p> is surrounded by a blank line, <br>
breaks a line, table cells are separated by tabs; script/style/noscript/template/
iframe/head/form controls and elements hidden with inline display:none,
visibility:hidden, the hidden attribute or class="hidden" are dropped. CSS from
stylesheets is not applied, so drop-down menus hidden by CSS are kept (a browser copy
would usually omit them).

Usage::

    python benchmarks/pagedumps/html_to_dump.py page.html > dump.txt
    python benchmarks/pagedumps/html_to_dump.py --cleaneval-gold gold.txt > gold_paragraphs.txt
"""
import re
import sys

import lxml.html

SKIP = {"script", "style", "noscript", "template", "iframe", "head", "svg", "canvas", "select", "option", "input", "button", "textarea"}
BLOCK = {"address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
         "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
         "html", "legend", "li", "main", "menu", "nav", "ol", "pre", "section", "summary", "table", "tbody", "thead", "tfoot",
         "tr", "ul", "caption"}

BR = object()

def hidden(el):
    st = (el.get("style") or "").replace(" ", "").lower()
    cls = (el.get("class") or "").split()
    return el.get("hidden") is not None or "display:none" in st or "visibility:hidden" in st or "hidden" in cls

def walk(el, out):
    tag = el.tag if isinstance(el.tag, str) else ""
    tag = tag.lower()
    if not tag or tag in SKIP or hidden(el):
        if el.tail:
            out.append(el.tail)
        return
    if tag == "br":
        out.append(BR)
    elif tag == "p":
        out.append(2)
    elif tag in BLOCK:
        out.append(1)
    if tag in ("td", "th"):
        out.append("\t")
    if el.text:
        out.append(el.text)
    for ch in el:
        walk(ch, out)
    if tag == "p":
        out.append(2)
    elif tag in BLOCK:
        out.append(1)
    if el.tail:
        out.append(el.tail)

def html_to_dump(html: str) -> str:
    root = lxml.html.document_fromstring(html)
    out = []
    body = root.find("body")
    walk(body if body is not None else root, out)
    # collapse whitespace inside text runs, then resolve required line breaks
    res, pending = [], 0
    for item in out:
        if isinstance(item, int) and item is not BR:
            pending = max(pending, item)
            continue
        if item is BR:
            res.append("\n"); pending = 0
            continue
        t = re.sub(r"[ \t\r\n\f]+", " ", item) if item != "\t" else "\t"
        if not t.strip() and t != "\t":
            if res and not res[-1].endswith((" ", "\n")):
                res.append(" ")
            continue
        if pending and res:
            res.append("\n" * pending)
        pending = 0
        res.append(t)
    text = "".join(res)
    lines = [ln.strip(" ") for ln in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text + "\n"

def cleaneval_gold(text: str, drop_headings=True) -> str:
    """CleanEval gold (<p>/<l>/<h> markers, wrapped lines) -> paragraphs separated by blank lines."""
    paras, cur = [], None
    for ln in text.splitlines():
        if ln.startswith("URL:"):
            continue
        m = re.match(r"\s*<(p|l|h)>(.*)", ln)
        if m:
            cur = [m.group(1), [m.group(2).strip()]]
            paras.append(cur)
        elif ln.strip() and cur:
            cur[1].append(ln.strip())
    out = []
    for kind, parts in paras:
        if drop_headings and kind == "h":
            continue
        s = " ".join(p for p in parts if p)
        s = lxml.html.fromstring("<div>" + s + "</div>").text_content() if "&" in s else s
        if s.strip():
            out.append(s.strip())
    return "\n\n".join(out) + "\n"

if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--cleaneval-gold":
        sys.stdout.write(cleaneval_gold(open(sys.argv[2], encoding="utf-8").read()))
    elif len(sys.argv) == 2:
        sys.stdout.write(html_to_dump(open(sys.argv[1], encoding="utf-8").read()))
    else:
        sys.exit(__doc__)
