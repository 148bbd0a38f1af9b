"""Article-decision benchmark: precision and recall of what the crawl would archive.

Run from the repo root::

    python -m benchmarks.classify [--corpus PATH] [--processes 2] [--markdown] [--check]

Every page (:mod:`benchmarks.classify_cases`: news-dev articles and their variants,
listing and site pages of the demo site and fixtures and their variants) goes through
``newscrawler.process.page.process_page``, the extraction worker's whole decision, and
:func:`archived` says whether the crawl would keep the result. When ``PageJob`` has a
``via`` field (how the URL was found), every page is decided twice: with no discovery
evidence and as found in a news sitemap (see :func:`applies`). Prints one row per set and variant, precision
and recall, then every misclassified page with the result's reason. Exits 0 (it is a
measurement) unless ``--check`` is given and a figure is below 100%; without the corpus
it says so and exits 0.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from benchmarks.classify_cases import Case, corpus_pages, listing_pages, negative_cases, positive_cases
from newscrawler import settings
from newscrawler.process.page import PageJob, PageResult, process_page

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "news-dev"
MIN_WORDS = settings.ARTICLE_MIN_WORDS  # what the validate pipeline drops as too_short


def archived(result: PageResult) -> bool:
    """Would the crawl archive this page? Classified an article, extracted, and past the
    validate pipeline (at least ARTICLE_MIN_WORDS words; a page without a title gets one)."""
    article = result.article
    return bool(result.is_article and article is not None and article.word_count >= MIN_WORDS)


def explain(result: PageResult) -> str:
    """The classification reason and, for an article, what extraction gave."""
    if not result.is_article:
        return result.reason
    article = result.article
    if article is None:
        return f"{result.reason}; nothing extracted"
    title = "title" if article.title.strip() else "NO title"
    return f"{result.reason}; {title}, {article.word_count} words"


@dataclass(frozen=True)
class Outcome:
    archived: bool
    detail: str  # :func:`explain`, or the exception


def applies(case: Case, evidence: dict[str, str]) -> bool:
    """Whether a page is decided in a column set. Found in a news sitemap: the articles, and the
    listing and site pages at their own URLs (which must stay out whatever lists them). A site
    page at a neutral URL that a news sitemap lists is, by the publisher's own word, an article:
    there is nothing left to tell it from a short one, so it is not asked."""
    return not evidence or case.positive or case.variant == "original"


def evidence_modes() -> dict[str, dict[str, str]]:
    """Column sets: no discovery evidence, and "found in a news sitemap" if PageJob can say so."""
    modes: dict[str, dict[str, str]] = {"no evidence": {}}
    if "via" in {f.name for f in fields(PageJob)}:
        modes["news sitemap"] = {"via": "news_sitemap"}
    return modes


def decide(task: tuple[Case, dict[str, str]]) -> Outcome:
    """One page through the extraction worker's ``process_page`` (in a pool process)."""
    case, evidence = task
    body, content_type = case.job_body()
    try:
        result = process_page(PageJob(case.url, body, content_type, **evidence))
    except Exception as exc:  # a crash is a decision too: nothing archived
        return Outcome(False, f"error: {type(exc).__name__}: {exc}")
    return Outcome(archived(result), explain(result))


def _quiet() -> None:
    logging.disable(logging.WARNING)  # trafilatura logs every discarded page


def run(cases: Sequence[Case], modes: dict[str, dict[str, str]], processes: int = 2) -> dict[str, list[Outcome | None]]:
    """Outcomes per evidence mode, in the order of ``cases``."""
    tasks = [(case, evidence) for evidence in modes.values() for case in cases if applies(case, evidence)]
    if processes <= 1:
        _quiet()
        try:
            decided = [decide(task) for task in tasks]
        finally:
            logging.disable(logging.NOTSET)  # this process's logging as it was (a test runs it in-process)
    else:
        with multiprocessing.Pool(processes, initializer=_quiet) as pool:
            decided = pool.map(decide, tasks, chunksize=4)
    answers = iter(decided)
    return {mode: [next(answers) if applies(case, evidence) else None for case in cases]
            for mode, evidence in modes.items()}


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    positives: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.positives if self.positives else None

    @property
    def perfect(self) -> bool:
        return self.precision == 1.0 and self.recall == 1.0


def score(cases: Sequence[Case], outcomes: Sequence[Outcome | None]) -> Score:
    tp = sum(1 for c, o in zip(cases, outcomes) if c.positive and o is not None and o.archived)
    fp = sum(1 for c, o in zip(cases, outcomes) if not c.positive and o is not None and o.archived)
    return Score(tp, fp, sum(1 for c in cases if c.positive))


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def table_rows(cases: Sequence[Case], results: dict[str, list[Outcome | None]]) -> list[list[str]]:
    """[set, variant, pages, then archived and recall (positives) or FP (negatives) per mode]."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, case in enumerate(cases):
        groups.setdefault((case.kind, case.variant), []).append(i)
    rows = []
    for (kind, variant), indexes in groups.items():
        row = [kind, variant, str(len(indexes))]
        for outcomes in results.values():
            asked = [outcome for i in indexes if (outcome := outcomes[i]) is not None]
            kept = sum(1 for outcome in asked if outcome.archived)
            if not asked:
                row += ["-", "-"]
                continue
            row += [str(kept), _pct(kept / len(asked)) if kind == "positive" else f"{kept} FP"]
        rows.append(row)
    return rows


def print_table(cases: Sequence[Case], results: dict[str, list[Outcome | None]], markdown: bool) -> None:
    header = ["set", "variant", "pages"]
    for mode in results:
        header += [f"archived ({mode})", "recall / FP"]
    rows = table_rows(cases, results)
    scores = [score(cases, outcomes) for outcomes in results.values()]
    rows.append(["**all**" if markdown else "all", "precision", ""]
                + [x for s in scores for x in (f"{s.tp + s.fp}", _pct(s.precision))])
    rows.append(["**all**" if markdown else "all", "recall", ""]
                + [x for s in scores for x in (f"{s.tp}/{s.positives}", _pct(s.recall))])
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + " --- |" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))))


def print_misclassified(cases: Sequence[Case], results: dict[str, list[Outcome | None]]) -> None:
    """Every positive not archived and every negative archived, with the result's reason."""
    for mode, outcomes in results.items():
        wrong = [(c, o) for c, o in zip(cases, outcomes) if o is not None and c.positive != o.archived]
        print(f"\nmisclassified ({mode}): {len(wrong)}")
        for case, outcome in wrong:
            print(f"  {case.kind:8} {case.variant:12} {case.page.source:34} {case.url:38} {outcome.detail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--processes", type=int, default=2, help="pool processes (1: in this process)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--check", action="store_true", help="exit 1 unless precision and recall are 100%%")
    args = parser.parse_args(argv)
    if not (args.corpus / "ground_truth.json").is_file():
        print(f"corpus not found at {args.corpus}: benchmark skipped")
        return 0
    start = time.perf_counter()
    cases = positive_cases(corpus_pages(args.corpus)) + negative_cases(list(listing_pages()))
    modes = evidence_modes()
    results = run(cases, modes, args.processes)
    print(f"article decision: archived = classified an article, extracted, "
          f">= {MIN_WORDS} words; {len(cases)} pages per column set, {time.perf_counter() - start:.0f} s")
    if len(modes) == 1:
        print("(PageJob has no 'via' field: the 'news sitemap' column set is left out)")
    print_table(cases, results, args.markdown)
    print_misclassified(cases, results)
    if args.check and not all(score(cases, outcomes).perfect for outcomes in results.values()):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
