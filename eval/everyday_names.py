"""The name check on everyday news: how many faithful translations it flags, and which.

    python -m eval.everyday_names            # the counts, then every finding on a faithful pair
    python -m eval.everyday_names --quiet    # the counts only

``eval/everyday_names.jsonl`` holds 652 Arabic news sentences, each with an English translation, written
for this test to hit what the name check reads: a word after "the" (the Kremlin, the Fed), the first
word of a sentence (Salah's header), short names (Abbas, Kim), Arabic names of two words (عبد الله), titles
(الرئيس اجتمع...), adjectives of countries. Each line: ``topic`` (which of these it aims at), ``ar``,
``en`` and ``adds_name`` (true for the 8 translations that name something the Arabic does not: "Meta, the
owner of Facebook", where a finding is right). Every finding on another pair is a false alarm. The set
was written for this test by an assistant model, after FLORES and NTREX, to find what they do not show;
it comes from no corpus, and no second reader checked its translations (the ``adds_name`` labels come
from reading the pairs the check flagged, not all of them). The check's rules were then mended on what
it found, so it is not unseen data either.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from summarizer.checks.names import check_names

PAIRS = Path(__file__).with_name("everyday_names.jsonl")


def read_pairs(path: Path = PAIRS) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def run(pairs: Sequence[dict]) -> dict:
    """The pairs the check flags: false alarms (a faithful translation flagged) and right findings."""
    false_alarms, right = [], 0
    for pair in pairs:
        findings = check_names(pair["ar"], pair["en"])
        if findings and pair["adds_name"]:
            right += 1
        elif findings:
            false_alarms.append({**pair, "findings": [f"{f.code}: {f.message}" for f in findings]})
    return {"pairs": len(pairs), "adds_name": sum(bool(p["adds_name"]) for p in pairs), "caught": right,
            "false_alarms": false_alarms,
            "false_alarms_by_topic": dict(Counter(p["topic"] for p in false_alarms).most_common())}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.everyday_names", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quiet", action="store_true", help="print the counts only")
    args = parser.parse_args(argv)
    out = run(read_pairs())
    faithful = out["pairs"] - out["adds_name"]
    print(f"{out['pairs']} pairs: {len(out['false_alarms'])} of {faithful} faithful translations flagged "
          f"(false alarms); {out['caught']} of {out['adds_name']} that add a name flagged")
    print("false alarms by topic: " + ", ".join(f"{t} {n}" for t, n in out["false_alarms_by_topic"].items()))
    if not args.quiet:
        for alarm in out["false_alarms"]:
            print(f"\n[{alarm['topic']}] {alarm['en']}\n  {alarm['ar']}\n  " + "\n  ".join(alarm["findings"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
