"""Score fact and metadata extraction against ../shared/gold; prints tables, always exits 0.

Usage: .venv/bin/python bench/score_extraction.py [--shared DIR] [--set samples|dev|all] [--verbose]

Two sets are scored and printed apart: the 5 samples (`gold/seeds_gold.tsv`, `gold/seeds_meta.tsv`, texts in
`samples/`) and the development set (`gold/dev/gold.tsv`, `gold/dev/meta.tsv`, texts `gold/dev/NNN.txt`; a
document there is named by its number). Facts of the development set are scored only on the documents that
have fact rows (the openings 011–016 carry metadata only).

Fact matching rule. Gold rows give (doc, value, unit, raw_span, key). The sample is read and cleaned
exactly as the app does (core.readers.read_file + core.clean.clean_text); every occurrence of the
raw_span in the cleaned text is located (if it is not found verbatim, the cleaned form of raw_span is
tried, then the span with its whitespace removed). A predicted fact matches a gold fact of the same
document when the values are equal and the predicted number span [start, end) lies inside one of
those occurrences. Matching is one-to-one and runs in two rounds: first pairs that also agree on the
key (so three gold facts sharing "报备率、及时率及规范率均达100%" pair with the three predictions that
carry those keys), then the remaining pairs on value + span alone. Precision = matched predictions /
predictions, recall = matched gold / gold. Key rate = among gold facts with a key, the share matched
by a prediction carrying that same key.

Metadata: title, agency, region, report_year, publish_date, doc_type of `core.extract.analyse()`
against seeds_meta.tsv. A gold report_year "2016-2020" expects report_year 2020 and period
"2016-2020"; an empty gold publish_date expects None; gold doc_type labels are mapped to the five
DOC_TYPES (人大常委会主任会议纪要 → 会议纪要, 法治政府建设工作情况报告(向人大常委会报告) → 法治政府建设工作报告).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core.extract import analyse, read_clean  # noqa: E402
from core.models import Fact  # noqa: E402

DOC_TYPE_MAP = {
    "人大常委会主任会议纪要": "会议纪要",
    "法治政府建设工作情况报告(向人大常委会报告)": "法治政府建设工作报告",
}


@dataclass
class GoldFact:
    doc: str
    indicator: str
    value: float
    unit: str
    raw_span: str
    key: str


def load_gold(path: Path) -> list[GoldFact]:
    rows: list[GoldFact] = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            rows.append(
                GoldFact(
                    doc=row["doc"],
                    indicator=row["indicator"],
                    value=float(row["value"]),
                    unit=row["unit"],
                    raw_span=row["raw_span"],
                    key=(row.get("key") or "").strip(),
                )
            )
    return rows


def span_occurrences(text: str, raw: str) -> list[tuple[int, int]]:
    from core.clean import clean_text

    candidates = [raw, clean_text(raw).strip(), "".join(raw.split())]
    for candidate in candidates:
        if not candidate:
            continue
        found: list[tuple[int, int]] = []
        index = text.find(candidate)
        while index >= 0:
            found.append((index, index + len(candidate)))
            index = text.find(candidate, index + 1)
        if found:
            return found
    return []


def match_doc(gold: list[GoldFact], predicted: list[Fact], text: str) -> tuple[dict[int, int], list[int]]:
    """One-to-one gold index → prediction index; also the gold indexes whose span was not found."""
    occurrences = [span_occurrences(text, g.raw_span) for g in gold]
    missing_span = [i for i, occ in enumerate(occurrences) if not occ]

    def fits(gi: int, pi: int) -> bool:
        fact = predicted[pi]
        if abs(fact.value - gold[gi].value) > 1e-9:
            return False
        return any(a <= fact.start and fact.end <= b for a, b in occurrences[gi])

    pairs: dict[int, int] = {}
    used: set[int] = set()
    for same_key in (True, False):
        for gi in range(len(gold)):
            if gi in pairs:
                continue
            for pi in range(len(predicted)):
                if pi in used or not fits(gi, pi):
                    continue
                if same_key and (not gold[gi].key or predicted[pi].key != gold[gi].key):
                    continue
                pairs[gi] = pi
                used.add(pi)
                break
    return pairs, missing_span


@dataclass(frozen=True)
class GoldSet:
    name: str
    facts: Path
    meta: Path
    texts: Path
    suffix: str  # appended to a gold `doc` to name its text file

    def text_path(self, doc: str) -> Path:
        return self.texts / f"{doc}{self.suffix}"


def gold_sets(shared: Path) -> dict[str, GoldSet]:
    gold = shared / "gold"
    return {
        "samples": GoldSet("样例 samples (5)", gold / "seeds_gold.tsv", gold / "seeds_meta.tsv", shared / "samples", ""),
        "dev": GoldSet("开发集 gold/dev (19)", gold / "dev" / "gold.tsv", gold / "dev" / "meta.tsv", gold / "dev", ".txt"),
    }


def score_facts(gold_set: GoldSet, verbose: bool) -> dict[str, float]:
    gold = load_gold(gold_set.facts)
    by_doc: dict[str, list[GoldFact]] = defaultdict(list)
    for row in gold:
        by_doc[row.doc].append(row)
    total_pred = total_gold = matched = keyed = keyed_hit = key_given = key_right = 0
    rows: list[tuple[str, int, int, int, int, int]] = []
    misses: list[str] = []
    false_pos: list[str] = []
    key_misses: list[str] = []
    timings: list[float] = []
    for doc in sorted(by_doc):
        text = read_clean(gold_set.text_path(doc))
        started = time.perf_counter()
        analysis = analyse(text, gold_set.text_path(doc).name)
        timings.append(time.perf_counter() - started)
        facts = analysis.facts
        golds = by_doc[doc]
        pairs, missing_span = match_doc(golds, facts, text)
        doc_keyed = sum(1 for g in golds if g.key)
        doc_key_hit = sum(1 for gi, pi in pairs.items() if golds[gi].key and facts[pi].key == golds[gi].key)
        rows.append((doc, len(golds), len(facts), len(pairs), doc_keyed, doc_key_hit))
        total_pred += len(facts)
        total_gold += len(golds)
        matched += len(pairs)
        keyed += doc_keyed
        keyed_hit += doc_key_hit
        for gi in missing_span:
            misses.append(f"  {doc[:3]} SPAN NOT FOUND: {golds[gi].raw_span}")
        for gi, g in enumerate(golds):
            if gi not in pairs and gi not in missing_span:
                misses.append(f"  {doc[:3]} {g.value:g}{g.unit} [{g.key}] {g.raw_span}")
            elif gi in pairs and g.key and facts[pairs[gi]].key != g.key:
                key_misses.append(
                    f"  {doc[:3]} {g.value:g}{g.unit} want {g.key} got {facts[pairs[gi]].key}: {g.raw_span}"
                )
        for gi, pi in pairs.items():
            if facts[pi].key:
                key_given += 1
                if facts[pi].key == golds[gi].key:
                    key_right += 1
                elif not golds[gi].key:
                    key_misses.append(
                        f"  {doc[:3]} {golds[gi].value:g}{golds[gi].unit} want no key got {facts[pi].key}: {golds[gi].raw_span}"
                    )
        used = set(pairs.values())
        for pi, fact in enumerate(facts):
            if pi not in used:
                context = text[max(0, fact.start - 15) : fact.end + 5].replace("\n", "⏎")
                false_pos.append(f"  {doc[:3]} {fact.value:g}{fact.unit} [{fact.key}] …{context}…")
    precision = matched / total_pred if total_pred else 0.0
    recall = matched / total_gold if total_gold else 0.0
    key_rate = keyed_hit / keyed if keyed else 0.0
    print(f"Facts — {gold_set.name}")
    print(f"{'doc':<28}{'gold':>6}{'pred':>6}{'match':>7}{'keyed':>7}{'key ok':>8}")
    for doc, n_gold, n_pred, n_match, n_keyed, n_key in rows:
        print(f"{doc:<28}{n_gold:>6}{n_pred:>6}{n_match:>7}{n_keyed:>7}{n_key:>8}")
    print(f"{'total':<28}{total_gold:>6}{total_pred:>6}{matched:>7}{keyed:>7}{keyed_hit:>8}")
    key_precision = key_right / key_given if key_given else 1.0
    print(
        f"precision {precision:.3f}  recall {recall:.3f}  key rate {key_rate:.3f}  key precision {key_precision:.3f} "
        f"({key_right}/{key_given} matched predictions with a key carry the gold key)  "
        f"(bar: P ≥ 0.97, R ≥ 0.95, key ≥ 0.90, key precision ≥ 0.95)"
    )
    print(
        f"analyse() per sample: median {statistics.median(timings) * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms"
    )
    if verbose or misses:
        print(f"missed gold facts ({len(misses)}):")
        print("\n".join(misses) if misses else "  none")
    if verbose or false_pos:
        print(f"unmatched predictions ({len(false_pos)}):")
        print("\n".join(false_pos) if false_pos else "  none")
    if verbose or key_misses:
        print(f"matched with the wrong key ({len(key_misses)}):")
        print("\n".join(key_misses) if key_misses else "  none")
    return {"precision": precision, "recall": recall, "keys": key_rate, "key_precision": key_precision}


def score_metadata(gold_set: GoldSet) -> dict[str, float]:
    fields = ("title", "agency", "region", "report_year", "publish_date", "doc_type")
    hits = dict.fromkeys(fields, 0)
    total = 0
    problems: list[str] = []
    with gold_set.meta.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows:
        doc = row["doc"]
        text = read_clean(gold_set.text_path(doc))
        analysis = analyse(text, gold_set.text_path(doc).name)
        total += 1
        year = row["report_year"].strip()
        expected: dict[str, object] = {
            "title": row["title"].strip(),
            "agency": row["agency"].strip(),
            "region": row["region"].strip() or None,
            "publish_date": row["publish_date"].strip() or None,
            "doc_type": DOC_TYPE_MAP.get(row["doc_type"].strip(), row["doc_type"].strip()),
        }
        got: dict[str, object] = {name: getattr(analysis, name) for name in expected}
        if "-" in year:
            expected["report_year"] = (int(year.split("-")[1]), year)
            got["report_year"] = (analysis.report_year, analysis.period)
        else:
            expected["report_year"] = (int(year), None)
            got["report_year"] = (analysis.report_year, analysis.period)
        for name in fields:
            if name == "region" and isinstance(expected[name], str) and "|" in str(expected[name]):
                ok = got[name] in str(expected[name]).split("|")  # "A|B": either name of the same place
            else:
                ok = got[name] == expected[name]
            if ok:
                hits[name] += 1
            else:
                problems.append(f"  {doc[:3]} {name}: want {expected[name]!r} got {got[name]!r}")
    print(f"\nMetadata — {gold_set.name}")
    for name in fields:
        print(f"{name:<14}{hits[name]:>3}/{total}")
    all_hits = sum(hits.values())
    print(
        f"fields exact: {all_hits}/{total * len(fields)} = {all_hits / (total * len(fields)):.3f}  (bar ≥ 0.95)"
    )
    if problems:
        print("misses:")
        print("\n".join(problems))
    return {"metadata": all_hits / (total * len(fields))}


def time_long_report(shared: Path) -> None:
    corpus = shared / "corpus" / "sz-gov-work-reports"
    files = sorted(corpus.glob("*.txt")) if corpus.is_dir() else []
    if not files:
        return
    text = ""
    for path in files:
        text += read_clean(path)
        if len(text) >= 50_000:
            break
    text = text[:50_000]
    from core.facts import extract_facts

    extract_facts(text)
    runs = []
    cpu = []
    for _ in range(5):
        started, started_cpu = time.perf_counter(), time.process_time()
        facts = extract_facts(text)
        runs.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    started = time.perf_counter()
    analyse(text, "long.txt")
    whole = time.perf_counter() - started
    print(
        f"\nSpeed: extract_facts on 50,000 characters of corpus text: {min(runs) * 1000:.1f} ms wall, "
        f"{min(cpu) * 1000:.1f} ms CPU (best of 5, {len(facts)} facts); whole analyse(): {whole * 1000:.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--set", choices=("samples", "dev", "all"), default="all")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    sets = gold_sets(args.shared)
    chosen = list(sets) if args.set == "all" else [args.set]
    summary: dict[str, dict[str, float]] = {}
    for name in chosen:
        if not sets[name].facts.is_file():
            print(f"{sets[name].name}: {sets[name].facts} missing, skipped")
            continue
        summary[name] = score_facts(sets[name], args.verbose)
        summary[name].update(score_metadata(sets[name]))
        print()
    print("Summary (bar: facts P ≥ 0.97, R ≥ 0.95, keys ≥ 0.90, metadata ≥ 0.95)")
    print(f"{'set':<24}{'facts P':>9}{'facts R':>9}{'keys':>7}{'key P':>7}{'metadata':>10}")
    for name, row in summary.items():
        print(
            f"{sets[name].name:<24}{row['precision']:>9.3f}{row['recall']:>9.3f}{row['keys']:>7.3f}"
            f"{row['key_precision']:>7.3f}{row['metadata']:>10.3f}"
        )
    print_blind_and_heldout()
    time_long_report(args.shared)
    return 0


def print_blind_and_heldout() -> None:
    """Key scores on the blind set (tests/core/blind: real corpus reports judged by reading) and the held-out
    set's facts scores, next to the gold sets'."""
    import importlib

    try:
        blind = importlib.import_module("tests.core.test_blind_keys")
        heldout = importlib.import_module("tests.core.test_heldout")
    except ImportError as error:  # pragma: no cover - run from another checkout
        print(f"blind / held-out sets not scored: {error}")
        return
    precision, recall, key_rate, _, _ = heldout.score_heldout()
    print(f"{'held-out (4)':<24}{precision:>9.3f}{recall:>9.3f}{key_rate:>7.3f}{'':>7}{'':>10}")
    for label, batch in (("judged before fixes", "before"), ("judged after fixes", "after"), ("judged at the end", "last")):
        score = blind.score_blind(batch=batch)
        print(
            f"{'blind ' + label + f' ({score.files})':<42}{score.rate:>7.3f}{score.precision:>7.3f}"
            f"   (keys only; {score.unjudged} keyed facts unjudged)"
        )


if __name__ == "__main__":
    sys.exit(main())
