"""Shingle-based scoring of extracted article text (the news-dev corpus method).

1. tokens are the matches of ``\\w+`` (Unicode), case kept;
2. each text becomes a multiset of 4-token shingles (a text with 1-3 tokens is
   one shingle, an empty text none);
3. per page: TP = size of the multiset intersection of predicted and reference
   shingles, FP = predicted - TP, FN = reference - TP;
4. precision = mean over pages with TP+FP > 0 of TP/(TP+FP); recall = mean over
   pages with TP+FN > 0 of TP/(TP+FN); F1 = 2PR/(P+R) of those two means.

An exception or empty output counts as an empty prediction.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4


def tokens(text: str | None) -> list[str]:
    """The ``\\w+`` tokens of ``text`` (case kept)."""
    return _TOKEN.findall(text or "")


def shingles(text: str | None, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of ``size``-token shingles; a short non-empty text is one shingle."""
    toks = tokens(text)
    if not toks:
        return Counter()
    if len(toks) < size:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + size]) for i in range(len(toks) - size + 1))


def reference_text(paragraphs: Sequence[str]) -> str:
    """Ground-truth paragraphs joined the way the corpus defines the reference."""
    return "\n\n".join(paragraphs)


@dataclass(frozen=True)
class PageScore:
    """Shingle counts of one page."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float:
        p, r = self.precision or 0.0, self.recall or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def exact(self) -> bool:
        """Predicted shingle multiset equals the reference one."""
        return self.fp == 0 and self.fn == 0


def score_page(predicted: str | None, reference: str) -> PageScore:
    """Score one prediction against its reference text."""
    pred, ref = shingles(predicted), shingles(reference)
    tp = sum((pred & ref).values())
    return PageScore(tp=tp, fp=sum(pred.values()) - tp, fn=sum(ref.values()) - tp)


@dataclass(frozen=True)
class CorpusScore:
    """Macro-averaged precision/recall over pages, and F1 of those means."""

    precision: float
    recall: float
    f1: float
    exact_share: float
    pages: int


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def aggregate(scores: Iterable[PageScore]) -> CorpusScore:
    """Combine page scores into the corpus score."""
    scores = list(scores)
    precision = _mean([s.precision for s in scores if s.precision is not None])
    recall = _mean([s.recall for s in scores if s.recall is not None])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    exact = _mean([1.0 if s.exact else 0.0 for s in scores])
    return CorpusScore(precision=precision, recall=recall, f1=f1, exact_share=exact, pages=len(scores))
