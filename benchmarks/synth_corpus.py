"""A deterministic synthetic news-like corpus, for the scale benchmark and the engine tests.

The same arguments give the same bytes on every machine (numpy's PCG64 generator,
no hash-order dependence). Articles look like wire copy as far as the pipeline is
concerned:

* words drawn from a Zipf-like vocabulary: TextBlob's English word-frequency list
  (``en-spelling.txt``, 29,000 words with counts, shipped with textblob) plus a long
  tail of made-up words, so the vocabulary grows with the corpus as real text does;
* paragraphs of 2-4 sentences of 8-30 words, capitalised, with commas and full stops;
* quotations attributed to named speakers (``"...," Name said.``), scare quotes
  around single loaded terms, and hedges ("the alleged ...");
* loaded terms from the bundled lexicons and actor names from the bundled actor
  list, so the ledger, the framing pairs and the actor sentiment have work to do;
* outlets of very unequal size (a Zipf law over outlets, as in real archives).

Records have the fields ``id, outlet, title, date, url, text`` (the held-out corpus's
shape). :func:`write_jsonl` streams them to a file; :func:`make_records` returns
them as a list for small corpora.

Example::

    python benchmarks/synth_corpus.py --articles 20000 --outlets 8 --out /tmp/corpus.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Iterator

import numpy as np

_SYLLABLES = ("ka", "lo", "mi", "ran", "tor", "vel", "sha", "qui", "den", "bar", "zo", "lin", "mar", "tes",
              "gon", "ri", "pa", "hul", "sek", "nor", "vi", "dra", "ost", "em", "ul", "fen", "yar", "ceb")
_SPEAKERS = ("the minister", "a spokesman", "the official", "an analyst", "the president", "a witness",
             "the statement", "a senior commander", "the ambassador", "a resident", "the prime minister",
             "an aide", "the army", "a diplomat")


def _textblob_words() -> tuple[list[str], np.ndarray]:
    """Words and counts of TextBlob's frequency list (shipped with textblob)."""
    import textblob

    path = Path(textblob.__file__).resolve().parent / "en" / "en-spelling.txt"
    words, counts = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(";;;") or not line.strip():
            continue
        w, _, c = line.partition(" ")
        if w.isalpha():
            words.append(w)
            counts.append(float(c or 1))
    return words, np.asarray(counts)


def _lexicon_terms() -> list[str]:
    from mediabias.lexicon import list_lexicons, load_lexicon

    terms = []
    for name in list_lexicons():
        for e in load_lexicon(name).entries:
            t = e.term.rstrip("*")
            if t and t.replace(" ", "").replace("-", "").replace("'", "").isalpha():
                terms.append(t)
    return sorted(set(terms))


def _actor_names() -> list[str]:
    from mediabias.sentiment import load_actors

    names = sorted({a for aliases in load_actors().values() for a in aliases})
    return names


class Generator:
    """Makes articles; one instance per corpus (the vocabulary is built once)."""

    def __init__(self, seed: int = 6, tail_words: int = 60_000):
        self.rng = np.random.default_rng(seed)
        words, counts = _textblob_words()
        tail_rng = np.random.default_rng(seed + 1)
        tail = []
        seen = set(words)
        while len(tail) < tail_words:
            n = int(tail_rng.integers(2, 5))
            w = "".join(_SYLLABLES[int(i)] for i in tail_rng.integers(0, len(_SYLLABLES), n))
            if w not in seen:
                seen.add(w)
                tail.append(w)
        # the made-up tail gets Zipf weights below the rarest listed word
        tail_counts = 2.0 / np.arange(1, tail_words + 1) ** 0.6
        self.vocab = np.asarray(words + tail, dtype=object)
        weights = np.concatenate([counts, tail_counts])
        cdf = np.cumsum(weights)
        self.cdf = cdf / cdf[-1]
        self.terms = _lexicon_terms()
        self.actors = _actor_names()

    def _words(self, n: int) -> list[str]:
        return list(self.vocab[np.searchsorted(self.cdf, self.rng.random(n), side="right")])

    def sentence(self) -> str:
        rng = self.rng
        n = int(rng.integers(8, 31))
        words = self._words(n)
        if rng.random() < 0.45:
            words[int(rng.integers(0, n))] = self.actors[int(rng.integers(0, len(self.actors)))]
        r = rng.random()
        if r < 0.35:
            term = self.terms[int(rng.integers(0, len(self.terms)))]
            if rng.random() < 0.1:
                term = f"\u201c{term}\u201d"
            elif rng.random() < 0.1:
                term = "the alleged " + term
            words[int(rng.integers(0, n))] = term
        if n > 12 and rng.random() < 0.5:
            words[int(rng.integers(3, n - 3))] += ","
        words[0] = words[0][:1].upper() + words[0][1:]
        return " ".join(words)

    def paragraph(self) -> str:
        rng = self.rng
        out = []
        for _ in range(int(rng.integers(2, 5))):
            s = self.sentence()
            r = rng.random()
            if r < 0.12:
                out.append(f"\u201c{s},\u201d {_SPEAKERS[int(rng.integers(0, len(_SPEAKERS)))]} said.")
            elif r < 0.17:
                out.append(f'{_SPEAKERS[int(rng.integers(0, len(_SPEAKERS)))].capitalize()} said: "{s}."')
            else:
                out.append(s + ".")
        return " ".join(out)

    def article_text(self, target_chars: int) -> str:
        paras = []
        size = 0
        while size < target_chars:
            p = self.paragraph()
            paras.append(p)
            size += len(p) + 2
        return "\n\n".join(paras)

    def records(self, n_articles: int, n_outlets: int, mean_chars: int = 2000, outlet_zipf: float = 1.0
                ) -> Iterator[dict]:
        rng = self.rng
        outlets = [f"Outlet {i:03d} News" for i in range(n_outlets)]
        w = 1.0 / np.arange(1, n_outlets + 1) ** outlet_zipf
        # every outlet gets at least one article when there are enough articles
        base = np.minimum(1, n_articles // max(n_outlets, 1))
        spare = n_articles - base * n_outlets
        counts = np.full(n_outlets, base) + np.floor(w / w.sum() * spare).astype(int)
        counts[0] += n_articles - counts.sum()
        order = np.repeat(np.arange(n_outlets), counts)
        order = order[rng.permutation(len(order))]
        for i, o in enumerate(order):
            size = int(mean_chars * rng.uniform(0.5, 1.5))
            text = self.article_text(size)
            title = self.sentence()[:90]
            day = int(rng.integers(0, 730))
            date = str(np.datetime64("2018-01-01") + np.timedelta64(day, "D"))
            slug = "-".join(title.lower().split()[:6]).replace(",", "").replace("\u201c", "").replace("\u201d", "")
            yield {"id": f"a{i:08d}", "outlet": outlets[int(o)], "title": title, "date": date,
                   "url": f"https://www.outlet{int(o):03d}.example/{date[:4]}/{date[5:7]}/{slug}-{i}",
                   "text": text}


def make_records(n_articles: int, n_outlets: int = 6, mean_chars: int = 2000, seed: int = 6) -> list[dict]:
    """A small corpus as a list of records (for tests)."""
    return list(Generator(seed, tail_words=5_000).records(n_articles, n_outlets, mean_chars))


def write_jsonl(path: str | os.PathLike, n_articles: int, n_outlets: int = 8, mean_chars: int = 2000,
                seed: int = 6, max_bytes: int | None = None, outlet_zipf: float = 1.0) -> dict:
    """Write a JSONL corpus; stop early at ``max_bytes``. Returns its size figures."""
    gen = Generator(seed)
    n = size = text_chars = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for rec in gen.records(n_articles, n_outlets, mean_chars, outlet_zipf):
            line = json.dumps(rec, ensure_ascii=False) + "\n"
            f.write(line)
            n += 1
            size += len(line.encode("utf-8"))
            text_chars += len(rec["text"])
            if max_bytes is not None and size >= max_bytes:
                break
    return {"articles": n, "bytes": size, "text_chars": text_chars}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=20_000)
    p.add_argument("--outlets", type=int, default=8)
    p.add_argument("--chars", type=int, default=2000, help="mean characters of text per article")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    print(write_jsonl(a.out, a.articles, a.outlets, a.chars, a.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
