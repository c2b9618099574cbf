"""How well the digest groups articles by story, what it finds between the seeds, and what it costs.

    python -m eval.digest                      # grouping, the seeds' disagreements, 1,000 ANT articles
    python -m eval.digest --fit                # also: the threshold fitted on seeds + FLORES-200 devtest
    python -m eval.digest --articles 10000     # the cost for more articles (ANT, each copy made distinct)

* **Grouping** on the five seeds (one story: de Mistura in Moscow) mixed with the 62 NTREX-128 dev documents:
  pairwise precision and recall (a pair of articles is predicted together when they are in one story) against
  two truths: ``each-own`` (every NTREX document a story of its own, the seeds one story) and ``labelled`` (the
  NTREX documents that report one event, judged by their English headlines: ``NTREX_STORIES``); also whether
  any NTREX document joined the seeds' story.
* **Fitting** (``--fit``): the threshold with the best pairwise F1 on the seeds mixed with the FLORES-200
  devtest documents (grouped by source URL; each its own story), the middle of the best range. NTREX is not
  used to fit, so its figures are held out.
* **Disagreements** the digest reports between the seeds (their real differences, for docs/digest.md).
* **Cost**: wall-clock seconds and peak memory (the process's high-water mark, ``ru_maxrss``, in a fresh
  process; and its growth over the data loaded) of ``make_digest`` on ANT articles (full texts).

Writes ``digest.json`` and ``digest.md`` under ``--out`` (default ``artifacts/eval``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path

from eval.data import ANT_DEV, FLORES200_DEVTEST, NTREX_DEV, add_data_root_option, data_path
from eval.report import cli_error, markdown_table, write_report
from summarizer.digest import DEFAULT_THRESHOLD, make_digest

REPORT_NAME = "digest"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_STORY = "seeds"
# NTREX-128 dev documents that report one event (by their English headlines): the Kavanaugh nomination (its
# hearing, the rally where Trump spoke of it, the FBI inquiry, its cost with women voters), the Sulawesi
# tsunami's death toll, the Livingston-Rangers match, the 2018 Ryder Cup's Saturday.
NTREX_STORIES = {
    "kavanaugh": ("cbsnews.248384", "cnn.304489", "cnn.304447", "cbsnews.248471", "newsweek.51328"),
    "tsunami": ("nytimes.184860", "telegraph.405422"),
    "livingston-rangers": ("bbc.381746", "scotsman.133791"),
    "ryder-cup": ("independent.226301", "scotsman.133758"),
}
FIT_GRID = [round(0.05 + 0.01 * i, 2) for i in range(36)]  # 0.05 .. 0.40


def seed_articles() -> list[dict]:
    return [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted(SEEDS.glob("*.txt"))]


def document_articles(path: Path) -> list[dict]:
    """A JSONL of documents (``{"id", "ar": [sentences]}``) as articles: the sentences one a line."""
    out = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            out.append({"id": str(doc["id"]), "text": "\n".join(s.strip() for s in doc["ar"])})
    return out


def ant_articles(path: Path, count: int) -> list[dict]:
    """``count`` ANT articles (full texts); past the 1,000 of the file, copies made distinct by a line naming
    the copy (so none is read as a repeat)."""
    with path.open(encoding="utf-8") as handle:
        base = [json.loads(line) for line in handle]
    out = []
    for n in range(count):
        record = base[n % len(base)]
        copy = n // len(base)
        text = record["text"] if not copy else f"{record['text']}\nنسخة رقم {copy} من المقال {record['id']}."
        out.append({"id": f"{record['id']}~{copy}" if copy else str(record["id"]), "text": text})
    return out


def pairwise(predicted: dict[str, str], truth: dict[str, str], ignored: Iterable[frozenset[str]] = ()) -> dict:
    """Pairwise precision and recall: a pair is positive when both ids share a story."""
    ignored = set(ignored)
    tp = fp = fn = 0
    for a, b in combinations(sorted(truth), 2):
        if frozenset((a, b)) in ignored:
            continue
        same_pred, same_true = predicted[a] == predicted[b], truth[a] == truth[b]
        tp += same_pred and same_true
        fp += same_pred and not same_true
        fn += same_true and not same_pred
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "true_pairs": tp + fn, "predicted_pairs": tp + fp, "correct_pairs": tp}


def story_of(articles: Sequence[dict], threshold: float) -> dict[str, str]:
    digest = make_digest(articles, threshold=threshold)
    return {a: s.id for s in digest.stories for a in s.articles}


def truths(seeds: Sequence[dict], ntrex: Sequence[dict]) -> dict[str, dict[str, str]]:
    each_own = {a["id"]: SEED_STORY for a in seeds} | {a["id"]: a["id"] for a in ntrex}
    labelled = dict(each_own)
    for story, ids in NTREX_STORIES.items():
        labelled.update(dict.fromkeys(ids, story))
    return {"each-own": each_own, "labelled": labelled}


def grouping(seeds: list[dict], ntrex: list[dict], threshold: float) -> dict:
    predicted = story_of(seeds + ntrex, threshold)
    seed_story = {predicted[a["id"]] for a in seeds}
    joined = sorted(a["id"] for a in ntrex if predicted[a["id"]] in seed_story)
    merged = [sorted(ids) for ids in _members(predicted).values() if len(ids) > 1 and not set(ids) & {
        a["id"] for a in seeds}]
    return {"threshold": threshold, "seed_stories": len(seed_story), "ntrex_in_seed_story": joined,
            "ntrex_groups": merged,
            **{name: pairwise(predicted, truth) for name, truth in truths(seeds, ntrex).items()}}


def _members(predicted: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for article, story in predicted.items():
        out.setdefault(story, []).append(article)
    return out


def fit(seeds: list[dict], flores: list[dict]) -> dict:
    """The threshold of best pairwise F1 on seeds + FLORES-200 devtest (the middle of the best range)."""
    truth = {a["id"]: SEED_STORY for a in seeds} | {a["id"]: a["id"] for a in flores}
    scores = {t: pairwise(story_of(seeds + flores, t), truth)["f1"] for t in FIT_GRID}
    best = max(scores.values())
    top = [t for t, f1 in scores.items() if f1 == best]
    return {"best_f1": best, "best_range": [top[0], top[-1]], "fitted": round((top[0] + top[-1]) / 2, 2),
            "f1_by_threshold": scores}


def seed_disagreements(seeds: list[dict], threshold: float) -> list[dict]:
    digest = make_digest(seeds, threshold=threshold)
    return [d.to_dict() for d in digest.disagreements]


def _cost_child(path: str, count: int, threshold: float, queue) -> None:
    articles = ant_articles(Path(path), count)
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    digest = make_digest(articles, threshold=threshold)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put({"articles": count, "seconds": round(seconds, 2), "peak_mib": round(peak / 1024, 1),
               "growth_mib": round((peak - loaded) / 1024, 1), "stories": len(digest.stories),
               "stories_of_several": sum(len(s.articles) > 1 for s in digest.stories),
               "skipped": len(digest.skipped)})


def cost(path: Path, count: int, threshold: float) -> dict:
    """Time and peak memory of one digest of ``count`` ANT articles, in a fresh process."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_cost_child, args=(str(path), count, threshold, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def markdown(payload: dict) -> str:
    g = payload["grouping"]
    rows = [[name, g[name]["precision"], g[name]["recall"], g[name]["f1"], g[name]["true_pairs"],
             g[name]["predicted_pairs"]] for name in ("labelled", "each-own")]
    parts = [f"# Digest: seeds + NTREX-128 dev (threshold {g['threshold']})", "",
             markdown_table(["truth", "precision", "recall", "F1", "true pairs", "predicted pairs"], rows), "",
             f"Seed stories: {g['seed_stories']}; NTREX documents in the seeds' story: "
             f"{g['ntrex_in_seed_story'] or 'none'}; NTREX stories of several documents: {g['ntrex_groups']}", ""]
    if "fit" in payload:
        f = payload["fit"]
        parts += [f"Fitted on seeds + FLORES-200 devtest: best F1 {f['best_f1']} for {f['best_range']}, "
                  f"fitted {f['fitted']}", ""]
    parts += ["## Disagreements between the seeds", ""]
    for d in payload["seed_disagreements"]:
        parts.append(f"- {d['kind']}: " + " / ".join(f"{r['value']} ({', '.join(r['articles'])})"
                                                      for r in d["reports"]))
    c = payload["cost"]
    parts += ["", "## Cost", "", markdown_table(["articles", "seconds", "peak MiB", "growth MiB", "stories",
                                                 "of several", "skipped"],
                                                [[c["articles"], c["seconds"], c["peak_mib"], c["growth_mib"],
                                                  c["stories"], c["stories_of_several"], c["skipped"]]])]
    return "\n".join(parts) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.digest", description=__doc__.split("\n")[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--fit", action="store_true", help="also fit the threshold on seeds + FLORES-200 devtest")
    parser.add_argument("--articles", type=int, default=1000, help="ANT articles for the cost (default 1,000)")
    parser.add_argument("--out", default="artifacts/eval")
    add_data_root_option(parser)
    args = parser.parse_args(argv)
    paths = {name: data_path(rel, args.data_root) for name, rel in
             (("ntrex", NTREX_DEV), ("flores", FLORES200_DEVTEST), ("ant", ANT_DEV))}
    missing = [str(p) for name, p in paths.items() if not p.exists() and (name != "flores" or args.fit)]
    if missing:
        return cli_error("eval.digest", f"missing data: {', '.join(missing)}")
    seeds, ntrex = seed_articles(), document_articles(paths["ntrex"])
    payload: dict = {"grouping": grouping(seeds, ntrex, args.threshold)}
    if args.fit:
        payload["fit"] = fit(seeds, document_articles(paths["flores"]))
    payload["seed_disagreements"] = seed_disagreements(seeds, args.threshold)
    payload["cost"] = cost(paths["ant"], args.articles, args.threshold)
    text = markdown(payload)
    write_report(args.out, REPORT_NAME, payload, text)
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
