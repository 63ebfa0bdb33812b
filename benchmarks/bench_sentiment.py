"""Sentence and article sentiment scoring speed, on a deterministic synthetic corpus.

TextBlob section: ``textblob.en.sentiment(text)`` (what ``TextBlob(text).sentiment``
computes) against :func:`mediabias.pattern_fast.pattern_sentiment`, on whole articles
and on their sentences (split naively at ``.``/``!``/``?`` + whitespace). Prints texts/s
and MB/s (UTF-8) for each, the speed-up, and checks that every score is bit-identical.
It also reports how many texts took pattern_fast's careful path or its library
fallback.

Example::

    python benchmarks/bench_sentiment.py                 # 2,000 articles of ~6 KB
    python benchmarks/bench_sentiment.py --articles 200  # quicker

Sections are functions taking the corpus, so more scorers can be added side by side.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import synth_corpus  # noqa: E402

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


# ----------------------------------------------------------------------------- corpus

def build_corpus(n_articles: int = 2000, mean_chars: int = 6000, seed: int = 6) -> dict[str, list[str]]:
    """``{"articles": [...], "sentences": [...]}``: synthetic article bodies and their
    sentences, split naively."""
    records = synth_corpus.make_records(n_articles, n_outlets=8, mean_chars=mean_chars, seed=seed)
    articles = [r["text"] for r in records]
    sentences = [s for a in articles for s in _SENTENCE_END.split(a) if s.strip()]
    return {"articles": articles, "sentences": sentences}


def megabytes(texts: Sequence[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


# ---------------------------------------------------------------------------- timing

def run(score: Callable[[str], object], texts: Sequence[str]) -> tuple[float, list]:
    """Score every text once; ``(seconds, results)``."""
    t0 = time.perf_counter()
    out = [score(t) for t in texts]
    return time.perf_counter() - t0, out


def report_line(label: str, seconds: float, texts: Sequence[str]) -> str:
    return (f"  {label:<28} {len(texts) / seconds:>11,.0f} texts/s   {megabytes(texts) / seconds:>7.2f} MB/s"
            f"   ({seconds:.2f} s)")


# -------------------------------------------------------------------- TextBlob section

def bench_textblob(corpus: dict[str, list[str]], repeat: int = 3) -> dict[str, dict]:
    """TextBlob's PatternAnalyzer against mediabias.pattern_fast; returns the figures."""
    from textblob.en import sentiment as library

    from mediabias import pattern_fast

    library("warm up: load the lexicon")
    results = {}
    print("TextBlob sentiment (textblob.en.sentiment vs mediabias.pattern_fast.pattern_sentiment)")
    for kind, texts in corpus.items():
        before = pattern_fast.path_counts()
        base_s, base = run(library, texts)
        pattern_fast._RAW.clear()   # first pass starts with an empty token cache
        fast_first, fast = run(pattern_fast.pattern_sentiment, texts)
        fast_best = fast_first
        for _ in range(repeat - 1):
            fast_best = min(fast_best, run(pattern_fast.pattern_sentiment, texts)[0])
        after = pattern_fast.path_counts()
        differ = sum(1 for a, b in zip(base, fast) if (float(a[0]), float(a[1])) != b
                     or repr(b[0]) != repr(float(a[0])) or repr(b[1]) != repr(float(a[1])))
        careful = (after["careful"] - before["careful"]) // repeat
        fallback = (after["fallback"] - before["fallback"]) // repeat
        print(f" {kind}: {len(texts):,} texts, {megabytes(texts):.1f} MB")
        print(report_line("textblob.en.sentiment", base_s, texts))
        print(report_line("pattern_fast (first pass)", fast_first, texts))
        print(report_line(f"pattern_fast (best of {repeat})", fast_best, texts))
        print(f"  speed-up: {base_s / fast_first:.1f}x first pass, {base_s / fast_best:.1f}x best"
              f"   careful path: {careful:,}   library fallback: {fallback:,}")
        print(f"  bit-identical: {len(texts) - differ:,} of {len(texts):,}" + ("" if not differ else "   MISMATCH"))
        results[kind] = {"texts": len(texts), "baseline_s": base_s, "fast_s": fast_first, "fast_best_s": fast_best,
                         "differ": differ, "careful": careful, "fallback": fallback}
    return results


# ------------------------------------------------------------------------------ main

def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=2000)
    p.add_argument("--chars", type=int, default=6000, help="mean characters per article")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--repeat", type=int, default=3, help="passes of the fast scorer (best is reported too)")
    a = p.parse_args(argv)
    t0 = time.perf_counter()
    corpus = build_corpus(a.articles, a.chars, a.seed)
    print(f"corpus: {len(corpus['articles']):,} articles, {len(corpus['sentences']):,} sentences "
          f"(built in {time.perf_counter() - t0:.1f} s)")
    results = bench_textblob(corpus, a.repeat)
    return 1 if any(r["differ"] for r in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
