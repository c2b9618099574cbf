"""summarizer.rouge and its CLI eval.rouge: Arabic ROUGE equal to XL-Sum's multilingual ROUGE, options,
bootstrap CIs, CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from rouge_score import rouge_scorer

from eval.rouge import main
from summarizer.rouge import (
    ArabicTokenizer,
    basic_tokens,
    bootstrap_ci,
    score_pairs,
    split_letters_numbers,
)
from tests.conftest import NO_DATA, ROOT, SHARED_DATA

pytestmark = pytest.mark.slow  # ROUGE over the shared data and eval.rouge's command line in subprocesses

ANT = SHARED_DATA / "ant-headlines" / "dev.jsonl"
METRICS = ("rouge1", "rouge2", "rougeL", "rougeLsum")

# Hand-made pairs that hit every tokenizer rule: harakat, shadda, tatweel, Arabic-Indic and Latin
# digits glued to letters, Latin upper case, Arabic and Latin punctuation, symbols, ZWNJ/RLM,
# marks that open a word, newlines (ROUGE-Lsum), CJK, empty texts.
TRICKY = [
    ("كَتَبَ الوَلَدُ الدَّرْسَ", "كتب الولد الدرس"),
    ("في عام 2016م ارتفع الدولار بـ5٪", "ارتفع الدولار في 2016 م بنسبة ٥ %"),
    ("قال الرئيس: «الاقتصاد أولاً»، ثم غادر؟!", "الرئيس قال إن الاقتصاد أولا ثم غادر"),
    ("شركة Apple تطلق iPhone15 في تونس", "apple تطلق هاتف iphone 15 في تونس"),
    ("درجة الحرارة 40° و السعر 5€ © 2020", "الحرارة 40 ° والسعر 5 €"),
    ("مـــصـــر\u200cتونس \u200fالجزائر", "مصر تونس الجزائر"),
    ("الجملة الأولى.\nالجملة الثانية عن 2016م\n\nالثالثة", "الجملة الثانية عن 2016م\nالجملة الأولى"),
    ("كلمة ،ّشدة و ٌ تنوين ًبداية", "كلمة شدة تنوين بداية"),
    ("١٢٣٤ أ.د. محمد — 3.5 مليون", "1234 محمد 3,5 مليون"),
    ("北京 بكين 中国", "بكين الصين 中国"),
    ("", "نص غير فارغ"),
    ("...!؟", "نص"),
    ("نص", ""),
]


def ant_pairs(n: int = 200) -> list[tuple[str, str]]:
    """Headline vs first sentence of the article, for the first ``n`` ANT articles."""
    pairs = []
    with ANT.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            lead = row["text"].strip().split("\n")[0]
            first = re.split(r"(?<=[.!?؟])\s+", lead)[0]
            pairs.append((row["title"], first))
            if len(pairs) == n:
                break
    return pairs


needs_ant = pytest.mark.skipif(not ANT.exists(), reason=NO_DATA)


# ---------------------------------------------------------------- why a custom tokenizer


def test_google_rouge_score_drops_every_arabic_word():
    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeL"])  # default tokenizer: [a-z0-9] only
    text = "أكد الرئيس التونسي أن الانتخابات ستجرى في موعدها"
    assert scorer.score(text, text)["rouge1"].fmeasure == 0.0
    assert scorer.score(text, text)["rougeL"].fmeasure == 0.0
    assert scorer.score("the same text", "the same text")["rouge1"].fmeasure == 1.0
    assert score_pairs([text], [text]).scores["rouge1"].fmeasure == 1.0


# ---------------------------------------------------------------- hand-checked values


def test_identical_texts_score_one():
    texts = ["أكد الرئيس أن الانتخابات ستجرى في موعدها", "تونس تفوز 2-1 على مصر\nفي الدور الثاني"]
    result = score_pairs(texts, texts)
    for name in METRICS:
        s = result.scores[name]
        assert (s.precision, s.recall, s.fmeasure) == (1.0, 1.0, 1.0)
        assert s.fmeasure_ci == (1.0, 1.0)


def test_rouge1_rouge2_by_hand():
    hyp = "ذهب الولد إلى المدرسة"
    ref = "ذهب الولد إلى السوق اليوم"
    s = score_pairs([hyp], [ref]).scores
    # unigrams: 3 shared of 4 (hyp) and 5 (ref)
    p, r = 3 / 4, 3 / 5
    assert s["rouge1"].precision == pytest.approx(p)
    assert s["rouge1"].recall == pytest.approx(r)
    assert s["rouge1"].fmeasure == pytest.approx(2 * p * r / (p + r))
    # bigrams: "ذهب الولد", "الولد إلى" shared; 3 in hyp, 4 in ref
    assert s["rouge2"].fmeasure == pytest.approx(2 * (2 / 3) * (2 / 4) / (2 / 3 + 2 / 4))
    # LCS = "ذهب الولد إلى"
    assert s["rougeL"].fmeasure == pytest.approx(s["rouge1"].fmeasure)


def test_diacritics_only_difference_needs_normalize():
    hyp, ref = "كَتَبَ الوَلَدُ الدَّرْسَ", "كتب الولد الدرس"
    plain = score_pairs([hyp], [ref]).scores["rouge1"].fmeasure
    folded = score_pairs([hyp], [ref], normalize=True).scores
    assert plain < 1.0
    assert all(folded[m].fmeasure == 1.0 for m in METRICS)


def test_normalize_folds_alef_ya_ta_marbuta_tatweel():
    hyp, ref = "إلى مدرسة أحمد الكـــبرى", "الي مدرسه احمد الكبري"
    assert score_pairs([hyp], [ref]).scores["rouge1"].fmeasure < 0.5
    assert score_pairs([hyp], [ref], normalize=True).scores["rouge1"].fmeasure == 1.0


def test_stemming_matches_clitics():
    hyp, ref = "والرئيس يزور المدارس", "الرئيس زار المدارس"
    plain = score_pairs([hyp], [ref]).scores["rouge1"].fmeasure
    snowball = score_pairs([hyp], [ref], stem="snowball").scores["rouge1"].fmeasure
    isri = score_pairs([hyp], [ref], stem="isri").scores["rouge1"].fmeasure
    assert plain < snowball <= isri


def test_tokens():
    assert basic_tokens("قال، الرئيس: «نعم»؟ Hello-World $5") == [
        "قال",
        "الرئيس",
        "نعم",
        "hello",
        "world",
        "5",
    ]
    assert split_letters_numbers("2016م") == ["2016", "م"]
    assert split_letters_numbers("بـ5") == ["بـ", "5"]
    assert split_letters_numbers("5€") == ["5", "€"]
    assert split_letters_numbers("كَتَبَ") == ["كَتَبَ"]
    assert split_letters_numbers("ًكتب") == ["ً", "كتب"]
    assert split_letters_numbers("ًكتب", first=False) == ["\uff050020ً", "كتب"]
    # ROUGE-1/2/L split letters from digits, ROUGE-Lsum does not (XL-Sum's quirk)
    assert ArabicTokenizer().tokenize("عام 2016م") == ["عام", "2016", "م"]
    assert ArabicTokenizer(split_numbers=False).tokenize("عام 2016م") == ["عام", "2016م"]
    # ZWNJ and RLM are deleted and glue their neighbours
    assert ArabicTokenizer().tokenize("مصر\u200cتونس \u200fالجزائر") == ["مصرتونس", "الجزائر"]


def test_errors():
    with pytest.raises(ValueError, match="2 hypotheses but 1 references"):
        score_pairs(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="no pairs"):
        score_pairs([], [])
    with pytest.raises(ValueError, match="unknown stemmer"):
        score_pairs(["a"], ["a"], stem="porter")


# ---------------------------------------------------------------- equality with XL-Sum's scorer


def _assert_equal_to_xlsum(pairs, xlsum, **options) -> float:
    hyps = [h for h, _ in pairs]
    refs = [r for _, r in pairs]
    ours = score_pairs(hyps, refs, n_resamples=1, **options)
    worst = 0.0
    sums = dict.fromkeys(METRICS, 0.0)
    for i, (hyp, ref) in enumerate(pairs):
        theirs = xlsum.score(ref, hyp)
        for name in METRICS:
            worst = max(worst, abs(theirs[name].fmeasure - ours.per_pair_f1[name][i]))
            sums[name] += theirs[name].fmeasure
    assert worst == 0.0
    for name in METRICS:
        assert ours.scores[name].fmeasure == pytest.approx(sums[name] / len(pairs), abs=1e-12)
    return worst


def test_equal_to_multilingual_rouge_on_tricky_pairs():
    mr = pytest.importorskip("multilingual_rouge.rouge_scorer")
    xlsum = mr.RougeScorer(list(METRICS), lang="arabic")
    pairs = TRICKY + [(r, h) for h, r in TRICKY]
    _assert_equal_to_xlsum(pairs, xlsum)
    # token for token too, for both tokenisations
    from multilingual_rouge import tokenization_wrapper

    for text in [t for pair in pairs for t in pair]:
        assert ArabicTokenizer().tokenize(text) == tokenization_wrapper.tokenize(text, None, xlsum._tokenizer)
        assert ArabicTokenizer(split_numbers=False).tokenize(text) == tokenization_wrapper.tokenize(
            text, None
        )


def test_same_tokens_as_multilingual_rouge_on_random_strings():
    """Seeded fuzz over Arabic, marks, digits, symbols, punctuation, controls and odd spaces."""
    mr = pytest.importorskip("multilingual_rouge.rouge_scorer")
    import random
    import unicodedata

    from multilingual_rouge import tokenization_wrapper

    xlsum = mr.RougeScorer(["rouge1"], lang="arabic")
    pool = [chr(c) for c in range(0x20, 0x3000) if unicodedata.category(chr(c))[0] in "LMNSPZC"]
    pool += [*"\n\t\r\x00\x85\u2028\u200c\u200f\ufeff\ufffd\u2581\uffed", "中", "€", "😀"]
    arabic = [chr(c) for c in range(0x600, 0x700)] + list("  \n،.-0123456789abcXYZ")
    rng = random.Random(2024)
    for _ in range(3000):
        n = rng.randint(0, 25)
        text = "".join(rng.choice(arabic) if rng.random() < 0.6 else rng.choice(pool) for _ in range(n))
        assert ArabicTokenizer().tokenize(text) == tokenization_wrapper.tokenize(text, None, xlsum._tokenizer)
        assert ArabicTokenizer(split_numbers=False).tokenize(text) == tokenization_wrapper.tokenize(
            text, None
        )


@needs_ant
def test_equal_to_multilingual_rouge_on_ant_sample():
    mr = pytest.importorskip("multilingual_rouge.rouge_scorer")
    pairs = ant_pairs(200)
    assert len(pairs) == 200
    xlsum = mr.RougeScorer(list(METRICS), lang="arabic")
    _assert_equal_to_xlsum(pairs, xlsum)
    # and with the ANT article's own line breaks, which exercise ROUGE-Lsum
    with ANT.open(encoding="utf-8") as handle:
        rows = [json.loads(next(handle)) for _ in range(30)]
    _assert_equal_to_xlsum([(r["title"] + "\n" + r["text"][:200], r["text"][:400]) for r in rows], xlsum)


@needs_ant
def test_snowball_stemming_equals_xlsum_scorer_with_that_stemmer():
    mr = pytest.importorskip("multilingual_rouge.rouge_scorer")
    from nltk.stem.snowball import SnowballStemmer

    stemmer = SnowballStemmer("arabic", ignore_stopwords=False).stem
    xlsum = mr.RougeScorer(list(METRICS), lang="arabic", use_stemmer=True, callable_stemmer=stemmer)
    _assert_equal_to_xlsum(ant_pairs(100) + TRICKY, xlsum, stem="snowball")


def test_xlsum_own_arabic_stemmer_needs_nltk_stopwords():
    """Why we cannot offer XL-Sum's ``use_stemmer=True`` as is: it needs a data download."""
    mr = pytest.importorskip("multilingual_rouge.rouge_scorer")
    import nltk

    try:
        nltk.data.find("corpora/stopwords")
    except LookupError:
        with pytest.raises(LookupError):
            mr.RougeScorer(["rouge1"], lang="arabic", use_stemmer=True)
    else:
        pytest.skip("NLTK stopwords are installed here")


@needs_ant
def test_normalize_and_stem_raise_scores_on_ant():
    pairs = ant_pairs(200)
    hyps, refs = [h for h, _ in pairs], [r for _, r in pairs]
    f1 = {
        (norm, stem): score_pairs(hyps, refs, normalize=norm, stem=stem, n_resamples=10)
        .scores["rouge1"]
        .fmeasure
        for norm in (False, True)
        for stem in ("none", "snowball", "isri")
    }
    base = f1[(False, "none")]
    assert 0.15 < base < 0.35
    assert base < f1[(True, "none")] < base + 0.02
    assert f1[(False, "none")] + 0.03 < f1[(False, "snowball")] < f1[(False, "isri")]
    for stem in ("none", "snowball", "isri"):
        assert f1[(True, stem)] >= f1[(False, stem)]


# ---------------------------------------------------------------- bootstrap and signature


def test_bootstrap_ci_contains_mean_and_is_seeded():
    hyps = ["ذهب الولد إلى المدرسة", "تونس تفوز على مصر", "ارتفاع الأسعار", "مطر غزير في العاصمة"] * 5
    refs = ["ذهب الولد إلى السوق", "مصر تخسر أمام تونس", "انخفاض الأسعار اليوم", "طقس مشمس"] * 5
    a = score_pairs(hyps, refs, n_resamples=300, seed=1)
    b = score_pairs(hyps, refs, n_resamples=300, seed=1)
    c = score_pairs(hyps, refs, n_resamples=300, seed=2)
    assert a == b
    assert a.to_dict() == b.to_dict()
    assert a.scores["rouge1"].fmeasure_ci != c.scores["rouge1"].fmeasure_ci
    for s in a.scores.values():
        for value, (low, high) in (
            (s.fmeasure, s.fmeasure_ci),
            (s.precision, s.precision_ci),
            (s.recall, s.recall_ci),
        ):
            assert low <= value <= high
            assert low < high
    assert a.n_resamples == 300 and a.n_pairs == 20
    assert "ci:bootstrap-300" in a.signature and "seed:1" in a.signature


def test_bootstrap_ci_of_constant_is_the_constant():
    low, high = bootstrap_ci([0.5] * 7, n_resamples=50)
    assert low[0] == high[0] == 0.5


def test_signature_and_to_dict():
    result = score_pairs(["نص"], ["نص"], stem="isri", normalize=True, n_resamples=10)
    assert result.signature.startswith(
        "rouge|tok:arabic-xlsum|norm:yes|stem:isri|lsum:newline|ci:bootstrap-10|"
    )
    assert "|v:1.0+rouge-score-" in result.signature
    plain = score_pairs(["نص"], ["نص"], n_resamples=10).signature
    assert "|norm:no|stem:none|" in plain
    data = json.loads(json.dumps(result.to_dict()))
    assert data["n_pairs"] == 1 and data["signature"] == result.signature
    assert data["scores"]["rouge1"]["fmeasure_ci"] == [1.0, 1.0]
    assert "per_pair_f1" not in data
    only = score_pairs(["نص"], ["نص"], metrics=["rouge2"], n_resamples=10)
    assert list(only.scores) == ["rouge2"]


# ---------------------------------------------------------------- CLI


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "eval.rouge", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def files(tmp_path):
    hyp = tmp_path / "hyp.txt"
    ref = tmp_path / "ref.txt"
    hyp.write_text("كَتَبَ الوَلَدُ الدَّرْسَ\nذهب الولد إلى المدرسة\n", encoding="utf-8")
    ref.write_text("كتب الولد الدرس\nذهب الولد إلى السوق اليوم\n", encoding="utf-8")
    return hyp, ref


def test_cli_text_and_json(files):
    hyp, ref = files
    out = _run("--hyp", str(hyp), "--ref", str(ref))
    assert out.returncode == 0, out.stderr
    assert re.search(r"rouge1\s+F1\s+\d+\.\d\d \[", out.stdout)
    assert "rouge|tok:arabic-xlsum|norm:no|stem:none|" in out.stdout
    out = _run("--hyp", str(hyp), "--ref", str(ref), "--json", "--normalize", "--stem")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["n_pairs"] == 2
    assert "|norm:yes|stem:snowball|" in data["signature"]
    assert set(data["scores"]) == set(METRICS)
    # the same numbers as the library call
    direct = score_pairs(
        hyp.read_text(encoding="utf-8").splitlines(),
        ref.read_text(encoding="utf-8").splitlines(),
        normalize=True,
        stem="snowball",
    )
    assert data == json.loads(json.dumps(direct.to_dict()))


def test_cli_in_process_options(files, capsys):
    hyp, ref = files
    assert main(["--hyp", str(hyp), "--ref", str(ref), "--stem", "isri", "--metrics", "rouge1,rougeL"]) == 0
    out = capsys.readouterr().out
    assert "stem:isri" in out and "rouge2" not in out


def test_cli_sentence_separator(tmp_path, capsys):
    hyp = tmp_path / "h.txt"
    ref = tmp_path / "r.txt"
    hyp.write_text("الجملة الثانية<n>الجملة الأولى\n", encoding="utf-8")
    ref.write_text("الجملة الأولى<n>الجملة الثانية\n", encoding="utf-8")
    assert main(["--hyp", str(hyp), "--ref", str(ref), "--json", "--sentence-sep", "<n>"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scores"]["rougeLsum"]["fmeasure"] == 1.0
    assert data["scores"]["rougeL"]["fmeasure"] < 1.0


def test_cli_errors(files, tmp_path, capsys):
    hyp, ref = files
    short = tmp_path / "short.txt"
    short.write_text("سطر واحد\n", encoding="utf-8")
    out = _run("--hyp", str(hyp), "--ref", str(short))
    assert out.returncode == 2
    assert "line counts differ" in out.stderr and "Traceback" not in out.stderr
    out = _run("--hyp", str(tmp_path / "missing.txt"), "--ref", str(ref))
    assert out.returncode == 2
    assert "not found" in out.stderr and "missing.txt" in out.stderr and "Traceback" not in out.stderr
    with pytest.raises(SystemExit) as exit_info:
        main(["--hyp", str(hyp)])
    assert exit_info.value.code == 2 and "--ref" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["--hyp", str(hyp), "--ref", str(ref), "--stem", "porter"])
    assert exit_info.value.code == 2 and "invalid choice" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    help_text = capsys.readouterr().out
    assert exit_info.value.code == 0 and "--normalize" in help_text and "--stem" in help_text
