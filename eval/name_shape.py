"""Learn the name-shape model (:mod:`summarizer.checks.name_shape`) from human translations.

An Arabic word of a sentence pair is a name when a capitalised English name of the same pair renders it
by skeleton (the name check's own reading of both sides); every other word is not. A logistic
regression over the words' letter features is fitted on the **even-numbered** sentences of FLORES-101
devtest and NTREX-128 dev (plain stochastic gradient descent, a fixed seed: the same data gives the same
file); the odd-numbered sentences are never read here, so ``python -m eval.checks`` measures the check on
them as unseen data.

The threshold is chosen on the even half alone: fitted on one half of it and tried on the other, both
ways, it is the lowest likelihood at which the human sentences with a word read as a name and rendered
by no English word stay at most ``--target-false-alarms`` of the sentences.

    python -m eval.name_shape --data ../shared/data          # writes summarizer/checks/name_shape.json
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from eval.checks import Pair, flores_pairs, ntrex_pairs
from eval.data import ENV_VAR, FLORES101_SYSTEMS, NTREX_DEV, data_root
from summarizer.checks import clean_markup
from summarizer.checks import names as name_check
from summarizer.checks.name_shape import MODEL_FILE, ShapeModel, shape_features

EPOCHS = 8
RATE = 0.1
L2 = 1e-4
SEED = 0
TARGET_FALSE_ALARMS = 0.01
THRESHOLDS = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))  # 0.50 ... 0.95
# A weight smaller than this (in size) is left out of the file: it moves no likelihood that matters.
PRUNE = 0.05


def training_pairs(pairs: Sequence[Pair]) -> list[Pair]:
    """The even-numbered sentences: the only ones this script reads."""
    return [p for p in pairs if p.index % 2 == 0]


def labelled_words(pairs: Sequence[Pair]) -> list[tuple[str, int]]:
    """Each distinct Arabic word that the model will read (:func:`~summarizer.checks.names.shape_candidates`,
    normalised), once: 1 when a strong English name of a pair renders it there by skeleton, else 0. Once
    per word, so that a frequent name is one example, not a hundred: the model learns how names are
    spelled, not which names are frequent."""
    out = []
    for pair in pairs:
        side = name_check.ArabicSide.read(clean_markup(pair.arabic))
        names = [name_check.EnglishSide.read(" ".join(n.strong))
                 for n in name_check.english_names(name_check.fold_latin(clean_markup(pair.english))) if n.strong]
        out += [(side.tokens[k], int(any(n.renders(side.tokens[k]) for n in names)))
                for k in name_check.shape_candidates(side)]
    return out


def fit(words: Sequence[tuple[str, int]], *, epochs: int = EPOCHS, rate: float = RATE, l2: float = L2,
        seed: int = SEED, threshold: float = 0.5) -> ShapeModel:
    """A logistic regression over :func:`shape_features`, by stochastic gradient descent."""
    examples = [(shape_features(token), label) for token, label in words]
    weights: dict[str, float] = {}
    bias = 0.0
    order = list(range(len(examples)))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            features, label = examples[i]
            score = bias + sum(weights.get(f, 0.0) for f in features)
            gradient = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score)))) - label
            for f in features:
                held = weights.get(f, 0.0)
                weights[f] = held - rate * (gradient + l2 * held)
            bias -= rate * gradient
    kept = {f: round(w, 3) for f, w in weights.items() if abs(w) >= PRUNE}
    return ShapeModel(kept, round(bias, 3), threshold)


def false_alarm_rate(pairs: Sequence[Pair], model: ShapeModel) -> float:
    """The share of human pairs with a word ``model`` reads as a name and no English word renders."""
    flagged = 0
    for pair in pairs:
        side = name_check.ArabicSide.read(clean_markup(pair.arabic))
        english = name_check.EnglishSide.read(name_check.fold_latin(clean_markup(pair.english)))
        flagged += bool(name_check.unrendered_shaped(side, english, model))
    return flagged / len(pairs) if pairs else 0.0


def choose_threshold(pairs: Sequence[Pair], target: float) -> tuple[float, dict[float, float]]:
    """The lowest of :data:`THRESHOLDS` whose false alarms, fitted on one half of ``pairs`` and tried on
    the other (both ways, pooled), are at most ``target``; and each threshold's rate."""
    folds = [[p for p in pairs if (p.index // 2) % 2 == side] for side in (0, 1)]
    models = [fit(labelled_words(fold)) for fold in folds]
    rates = {}
    for threshold in THRESHOLDS:
        alarms = sum(false_alarm_rate(folds[1 - i], _at(models[i], threshold)) * len(folds[1 - i]) for i in (0, 1))
        rates[threshold] = alarms / len(pairs)
    chosen = next((t for t in THRESHOLDS if rates[t] <= target), THRESHOLDS[-1])
    return chosen, rates


def _at(model: ShapeModel, threshold: float) -> ShapeModel:
    return ShapeModel(model.weights, model.bias, threshold, model.learnt_from)


def learn(root: Path, target: float = TARGET_FALSE_ALARMS) -> tuple[ShapeModel, dict]:
    """The model learnt from the even-numbered sentences under ``root``, and what the choice saw."""
    flores = training_pairs(flores_pairs(root))
    ntrex = training_pairs(ntrex_pairs(root)[0])
    pairs = [*flores, *ntrex]
    threshold, rates = choose_threshold(pairs, target)
    words = labelled_words(pairs)
    model = fit(words, threshold=threshold)
    learnt_from = (f"the even-numbered sentences of FLORES-101 devtest ({len(flores)}) and NTREX-128 dev "
                   f"({len(ntrex)}): {len(words):,} Arabic words, {sum(label for _, label in words):,} of them names; "
                   f"logistic regression, {EPOCHS} epochs, rate {RATE}, L2 {L2}, seed {SEED}; threshold for "
                   f"at most {target:.1%} of sentences flagged (two folds of that half)")
    return _with_origin(model, learnt_from), {"threshold": threshold, "fold_false_alarms": rates,
                                               "sentences": len(pairs), "words": len(words),
                                               "weights": len(model.weights)}


def _with_origin(model: ShapeModel, learnt_from: str) -> ShapeModel:
    return ShapeModel(model.weights, model.bias, model.threshold, learnt_from)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.name_shape", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", dest="data_root", metavar="DIR", default=None,
                        help=f"folder of the evaluation data sets (default: ${ENV_VAR} if set, else ../shared/data)")
    parser.add_argument("--out", default=str(MODEL_FILE), help=f"where to write the model (default: {MODEL_FILE})")
    parser.add_argument("--target-false-alarms", type=float, default=TARGET_FALSE_ALARMS,
                        help="the share of human sentences the chosen threshold may flag (default 0.01)")
    args = parser.parse_args(argv)
    if not 0 < args.target_false_alarms < 1:
        parser.error("--target-false-alarms must be between 0 and 1")
    root = data_root(args.data_root)
    missing = [str(p) for p in (root / FLORES101_SYSTEMS / "source.ar", root / NTREX_DEV) if not p.is_file()]
    if missing:
        parser.error(f"data file(s) not found: {', '.join(missing)}")
    model, seen = learn(root, args.target_false_alarms)
    Path(args.out).write_text(json.dumps(model.to_dict(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"learnt from {model.learnt_from}")
    for threshold, rate in seen["fold_false_alarms"].items():
        print(f"  threshold {threshold:.2f}: {rate:.2%} of the held-out fold's sentences flagged")
    print(f"threshold {model.threshold:.2f}; {seen['weights']:,} weights kept; written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
