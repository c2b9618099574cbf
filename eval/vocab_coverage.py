"""How much real output text the vocabulary restriction can express (a report, not a test threshold).

``python -m eval.vocab_coverage`` reads real text of each output language:

* Arabic: the editors' headlines of ``ant-headlines/dev.jsonl`` (a stand-in for Arabic summaries);
* English: Opus-MT's own FLORES-101 devtest translations, ``flores101-systems/devtest/opusmt.en``;

and measures, against the restriction of summarizer/engines/vocabulary.py:

* **expressible, per character**: the share of characters (spaces aside) that the output language's
  allowed characters include;
* **expressible, per word**: the share of whitespace words made only of allowed characters (such a
  word can be written with allowed pieces: sentencepiece vocabularies hold every single character);
* **canonical, per word and per piece** (with a model's tokenizer): the share of words whose own
  tokenization uses only kept pieces, i.e. that the model can write exactly as it was trained to.
  A word outside it is still expressible when its characters are allowed (spelled from shorter
  pieces, which a model finds less likely); and the size of the kept vocabulary.

Everything below 100% is named: the characters not allowed, with counts and example words, and the
most frequent pieces that are not kept. The tokenizers are the stand-ins' (trained on the seeds and
NTREX-128, not the real vocabularies) unless ``--summary-model`` / ``--translation-model`` name a
model folder (a Hugging Face folder or a CTranslate2 export with its tokenizer files).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from eval.data import ANT_DEV, FLORES101_SYSTEMS, add_data_root_option, data_path
from eval.report import cli_error, markdown_table, write_report
from eval.standins import DEFAULT_CACHE, PADDING_LAYOUT

REPORT_NAME = "vocab-coverage"
EXAMPLES = 3


def arabic_headlines(root: str | Path | None = None) -> list[str]:
    path = data_path(ANT_DEV, root)
    return [json.loads(line)["title"].strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def opusmt_english(root: str | Path | None = None) -> list[str]:
    path = data_path(FLORES101_SYSTEMS, root) / "opusmt.en"
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def character_coverage(lines: list[str], language: str) -> dict:
    """Expressible characters and words, and what is not (characters with counts and example words)."""
    from summarizer.engines.vocabulary import SHORT_LATIN, char_allowed, char_class

    chars = allowed_chars = words = allowed_words = 0
    latin_words: list[str] = []
    missing: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for line in lines:
        for word in line.split():
            bad = [ch for ch in word if not char_allowed(ch, language)]
            if any(char_class(ch) == "latin" for ch in word):
                latin_words.append(word)
            words += 1
            allowed_words += not bad
            chars += len(word)
            allowed_chars += len(word) - len(bad)
            for ch in bad:
                missing[ch] += 1
                seen = examples.setdefault(ch, [])
                if word not in seen and len(seen) < EXAMPLES:
                    seen.append(word)
    import unicodedata

    return {
        "lines": len(lines),
        "characters": chars,
        "words": words,
        "char_coverage": allowed_chars / chars if chars else None,
        "word_coverage": allowed_words / words if words else None,
        "latin_words": len(latin_words),
        # Latin runs longer than the short-Latin rule: in a real multilingual vocabulary most are one long
        # piece, which an Arabic summary then spells from shorter ones.
        "long_latin_words": sorted({w for w in latin_words
                                    if sum(char_class(ch) == "latin" for ch in w) > SHORT_LATIN}),
        "not_allowed": [
            {"char": ch, "code": f"U+{ord(ch):04X}", "name": unicodedata.name(ch, "?"), "class": char_class(ch),
             "count": n, "examples": examples[ch]}
            for ch, n in missing.most_common()
        ],
    }


def canonical_coverage(lines: list[str], language: str, model: Path) -> dict:
    """Words and pieces of the model's own tokenization that the restricted vocabulary keeps."""
    from summarizer.engines.ctranslate2_engine import load_tokenizer
    from summarizer.engines.vocabulary import kept_indices, special_tokens

    tokenizer = load_tokenizer(model)
    vocabulary = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    kept = {vocabulary[i] for i in kept_indices(vocabulary, language, special_tokens(tokenizer))}
    known = set(vocabulary)
    words = kept_words = pieces = kept_pieces = 0
    dropped: Counter[str] = Counter()
    unknown: Counter[str] = Counter()  # <unk> for the model whatever the restriction: not counted against it
    examples: dict[str, list[str]] = {}
    for line in lines:
        for word in line.split():
            tokens = tokenizer.tokenize(word)
            unknown.update(t for t in tokens if t not in known)
            tokens = [t for t in tokens if t in known]
            bad = [t for t in tokens if t not in kept]
            words += 1
            kept_words += not bad
            pieces += len(tokens)
            kept_pieces += len(tokens) - len(bad)
            for token in bad:
                dropped[token] += 1
                seen = examples.setdefault(token, [])
                if word not in seen and len(seen) < EXAMPLES:
                    seen.append(word)
    return {
        "model": str(model),
        "vocabulary": len(vocabulary),
        "kept": len(kept),
        "word_coverage": kept_words / words if words else None,
        "piece_coverage": kept_pieces / pieces if pieces else None,
        "not_kept": [{"piece": t, "count": n, "examples": examples[t]} for t, n in dropped.most_common(20)],
        "not_kept_distinct": len(dropped),
        "unknown_to_tokenizer": dict(unknown.most_common(20)),
    }


def default_models(cache: Path) -> dict[str, Path | None]:
    """The stand-ins' folders, when eval.speed or eval.standins built them."""
    found = {}
    for role, kind in (("summary", "mt5"), ("translation", "marian")):
        folder = cache.expanduser() / f"{kind}-{PADDING_LAYOUT}"
        found[role] = folder if (folder / "tokenizer_config.json").is_file() else None
    return found


def run(args) -> dict:
    models = default_models(Path(args.cache))
    if args.summary_model:
        models["summary"] = Path(args.summary_model)
    if args.translation_model:
        models["translation"] = Path(args.translation_model)
    texts = {
        "summary": ("ar", "ANT headlines (dev.jsonl titles)", arabic_headlines(args.data_root)),
        "translation": ("en", "Opus-MT FLORES-101 devtest output (opusmt.en)", opusmt_english(args.data_root)),
    }
    payload: dict = {"roles": {}}
    for role, (language, source, lines) in texts.items():
        entry = {"language": language, "text": source, **character_coverage(lines, language)}
        if models.get(role) is not None:
            entry["canonical"] = canonical_coverage(lines, language, models[role])
        payload["roles"][role] = entry
    return payload


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.2f}%"


def render_markdown(payload: dict, command: str) -> str:
    from summarizer.engines.vocabulary import RULES

    lines = ["# Vocabulary restriction: coverage of real output text", "", f"`{command}`", ""]
    rows = []
    for role, e in payload["roles"].items():
        canonical = e.get("canonical") or {}
        rows.append([
            role, f"{e['language']}: {RULES[e['language']]}", e["text"], f"{e['words']:,}",
            _pct(e["char_coverage"]), _pct(e["word_coverage"]),
            _pct(canonical.get("word_coverage")), _pct(canonical.get("piece_coverage")),
            f"{canonical['kept']:,} of {canonical['vocabulary']:,}" if canonical else "n/a",
        ])
    lines += [markdown_table(["role", "allowed", "real text", "words", "expressible chars", "expressible words",
                              "canonical words", "canonical pieces", "kept pieces"], rows), ""]
    lines += [
        "- expressible: made only of allowed characters (any such word can be written with kept pieces); "
        "canonical: the tokenizer's own pieces for the word are all kept (the model can write it as trained).",
        "- The canonical columns use the tokenizer named below: the stand-ins' sentencepiece models are trained "
        "on the seeds and NTREX-128 (about 9,700 real pieces, padded to the published sizes), not the real "
        "vocabularies, so their canonical figures and kept counts say how the rules treat such text, not what "
        "the real mT5 / Opus-MT vocabularies keep (pass --summary-model / --translation-model to measure those).",
        "",
    ]
    for role, e in payload["roles"].items():
        lines += [f"## {role} ({e['language']}): what is below 100%", ""]
        if e["language"] == "ar":
            lines += [f"Words with Latin letters: {e['latin_words']:,} of {e['words']:,}; with more than 3 Latin "
                      f"letters (one long piece in a multilingual vocabulary, spelled from short pieces under the "
                      f"restriction): {len(e['long_latin_words'])} ({', '.join(e['long_latin_words'][:20])}).", ""]
        if e["not_allowed"]:
            lines += ["Characters the restriction cannot write (share of all characters: "
                      f"{_pct(1 - e['char_coverage'])}):", ""]
            lines += [markdown_table(["char", "code", "name", "class", "count", "example words"],
                                     [[c["char"], c["code"], c["name"], c["class"], c["count"],
                                       ", ".join(c["examples"])] for c in e["not_allowed"][:25]]), ""]
        else:
            lines += ["Every character is allowed.", ""]
        canonical = e.get("canonical")
        if canonical:
            lines += [f"Tokenizer {canonical['model']}: {canonical['not_kept_distinct']:,} distinct pieces not kept"
                      + (", the most frequent:" if canonical["not_kept"] else ".")
                      + (" (Not counted: pieces this tokenizer does not have at all, <unk> with or without the "
                         "restriction: " + ", ".join(f"{t} x{n}" for t, n in canonical["unknown_to_tokenizer"].items())
                         + ".)" if canonical["unknown_to_tokenizer"] else ""), ""]
            if canonical["not_kept"]:
                lines += [markdown_table(["piece", "count", "example words"],
                                         [[c["piece"], c["count"], ", ".join(c["examples"])]
                                          for c in canonical["not_kept"]]), ""]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eval.vocab_coverage", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(Path("reports") / "vocab"), help="report folder (default reports/vocab)")
    parser.add_argument("--summary-model", default=None, help="model folder whose tokenizer the Arabic text is "
                        "measured with (default: the mT5 stand-in, if built)")
    parser.add_argument("--translation-model", default=None, help="model folder whose tokenizer the English text is "
                        "measured with (default: the Opus-MT stand-in, if built)")
    parser.add_argument("--cache", default=str(DEFAULT_CACHE), help=f"where the stand-ins are (default {DEFAULT_CACHE})")
    add_data_root_option(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        payload = run(args)
    except FileNotFoundError as exc:
        return cli_error("python -m eval.vocab_coverage", f"missing data: {exc.filename or exc}")
    command = ("python -m eval.vocab_coverage " + " ".join(argv if argv is not None else sys.argv[1:])).strip()
    payload["command"] = command
    markdown = render_markdown(payload, command)
    out = write_report(args.out, REPORT_NAME, payload, markdown)
    print(markdown)
    print(f"\nwrote {out / (REPORT_NAME + '.json')}, {out / (REPORT_NAME + '.md')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
