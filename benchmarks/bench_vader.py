"""Sentences per second of VADER's compound score: the library vs ``mediabias.vader_fast``.

    python benchmarks/bench_vader.py [--articles 2000] [--seed 6] [--repeat 3]

Deterministic input: the articles of ``benchmarks/synth_corpus.py`` (``make_records``
with ``--seed``), cut into sentences by ``mediabias.text.split_sentences`` (the
pipeline's own splitter). Each side scores every sentence (no caching of repeated
sentences); the figure is the best of ``--repeat`` runs. Then every sentence's
score is compared with ``==`` (and ``repr``, so even 0.0 vs -0.0 would count), and
the script reports how many of the sentences took which path of ``vader_fast``.
Prints plain ``key: value`` lines; exits 1 if any score differs.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _synth():
    spec = importlib.util.spec_from_file_location("synth_corpus", HERE / "synth_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def sentences(n_articles: int, seed: int) -> list[str]:
    from mediabias.text import split_sentences

    out = []
    for rec in _synth().make_records(n_articles, seed=seed):
        text = rec["text"]
        out.extend(text[a:b] for a, b in split_sentences(text))
    return out


def best_time(fn, texts, repeat: int) -> tuple[float, list]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = fn(texts)
        best = min(best, time.perf_counter() - t0)
    return best, result


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=2000)
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args(argv)

    from mediabias import vader_fast

    lib_scores = vader_fast._ANALYZER.polarity_scores

    def library(texts):
        return [lib_scores(t)["compound"] for t in texts]

    t0 = time.perf_counter()
    texts = sentences(a.articles, a.seed)
    print(f"articles: {a.articles}")
    print(f"sentences: {len(texts)}")
    print(f"mean_chars_per_sentence: {sum(map(len, texts)) / max(len(texts), 1):.1f}")
    print(f"setup_seconds: {time.perf_counter() - t0:.2f}")
    print(f"fast_path_active: {vader_fast.FAST_PATH}")

    t_lib, want = best_time(library, texts, a.repeat)
    t_fast, got = best_time(vader_fast.vader_compounds, texts, a.repeat)
    n = len(texts)
    print(f"library_sentences_per_s: {n / t_lib:,.0f}")
    print(f"vader_fast_sentences_per_s: {n / t_fast:,.0f}")
    print(f"speedup: {t_lib / t_fast:.2f}x")

    # which path each sentence took in vader_fast
    lex = vader_fast._LEX
    n_fallback = sum(type(t) is not str for t in texts) if vader_fast.FAST_PATH else n
    n_non_ascii = sum(not t.isascii() for t in texts)
    n_emoji = sum(not vader_fast._EMOJI_SET.isdisjoint(t) for t in texts)
    n_no_lexicon = sum(
        not any((s if len(s := w.strip(vader_fast._PUNCT)) > 2 else w).lower() in lex for w in t.split())
        for t in texts)
    print(f"library_fallbacks: {n_fallback} ({n_fallback / max(n, 1):.2%})")
    print(f"non_ascii_sentences: {n_non_ascii} ({n_non_ascii / max(n, 1):.2%})")
    print(f"sentences_with_emoji: {n_emoji}")
    print(f"sentences_without_lexicon_word (scored 0.0 after the token pass): {n_no_lexicon} "
          f"({n_no_lexicon / max(n, 1):.2%})")

    bad = [(t, w, g) for t, w, g in zip(texts, want, got) if not (g == w and repr(g) == repr(w))]
    print(f"checked_equal: {n - len(bad)} / {n}")
    for t, w, g in bad[:10]:
        print(f"MISMATCH library={w!r} fast={g!r} text={t!r}")
    print("equality: " + ("PASS" if not bad else "FAIL"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
