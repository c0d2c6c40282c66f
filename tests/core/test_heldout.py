"""Held-out check of the fact extractor on three hand-annotated reports it was not developed on."""

from __future__ import annotations

import importlib.util
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

from core.extract import analyse, read_clean

REPO = Path(__file__).resolve().parent.parent.parent
HELDOUT = Path(__file__).resolve().parent / "heldout"


def _scorer() -> ModuleType:
    name = "score_extraction_heldout"
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / "score_extraction.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def score_heldout(verbose: bool = False) -> tuple[float, float, float, int, int]:
    """Precision, recall, key rate, gold count and prediction count over the held-out texts."""
    scorer = _scorer()
    gold = scorer.load_gold(HELDOUT / "heldout_gold.tsv")
    by_doc: dict[str, list[Any]] = defaultdict(list)
    for row in gold:
        by_doc[row.doc].append(row)
    n_pred = n_gold = matched = keyed = keyed_hit = 0
    for doc in sorted(by_doc):
        text = read_clean(HELDOUT / doc)
        facts = analyse(text, doc).facts
        golds = by_doc[doc]
        pairs, missing = scorer.match_doc(golds, facts, text)
        assert not missing, [golds[i].raw_span for i in missing]
        n_pred += len(facts)
        n_gold += len(golds)
        matched += len(pairs)
        keyed += sum(1 for g in golds if g.key)
        keyed_hit += sum(1 for gi, pi in pairs.items() if golds[gi].key and facts[pi].key == golds[gi].key)
        if verbose:
            used = set(pairs.values())
            for gi, g in enumerate(golds):
                if gi not in pairs:
                    print(f"MISS {doc[:2]} {g.value:g}{g.unit} [{g.key}] {g.raw_span}")
                elif g.key and facts[pairs[gi]].key != g.key:
                    print(f"KEY  {doc[:2]} want {g.key} got {facts[pairs[gi]].key}: {g.raw_span}")
            for pi, fact in enumerate(facts):
                if pi not in used:
                    ctx = text[max(0, fact.start - 15) : fact.end + 5].replace("\n", "⏎")
                    print(f"FP   {doc[:2]} {fact.value:g}{fact.unit} [{fact.key}] …{ctx}…")
    return matched / n_pred, matched / n_gold, keyed_hit / keyed, n_gold, n_pred


def test_heldout_texts_are_annotated() -> None:
    scorer = _scorer()
    gold = scorer.load_gold(HELDOUT / "heldout_gold.tsv")
    docs = {row.doc for row in gold}
    assert len(docs) == 4
    assert len(gold) >= 100
    for doc in docs:
        assert (HELDOUT / doc).is_file()


def test_heldout_scores_meet_the_bars() -> None:
    precision, recall, key_rate, _, _ = score_heldout()
    assert precision >= 0.97, precision
    assert recall >= 0.95, recall
    assert key_rate >= 0.90, key_rate


if __name__ == "__main__":
    p, r, k, g, n = score_heldout(verbose=True)
    print(f"held-out: gold {g} pred {n}  precision {p:.3f}  recall {r:.3f}  key rate {k:.3f}")
