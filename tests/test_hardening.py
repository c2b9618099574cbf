"""Hardening: no record stops a batch, no traceback reaches a user.

Each test here fails without its fix: arbitrary text and JSON through the API and the batch CLI,
a record that makes a model fail, many kills, duplicate and colliding ids, the exit status of a
resumed job, a closed pipe, range-checked options, messages that name the right thing, and the
disk left by the page and by interrupted conversions.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import hypothesis
import hypothesis.strategies as st
import pytest

from summarizer import InputError, Pipeline, ProcessingError
from summarizer.batch.records import read_records
from summarizer.cli import main as cli_main
from summarizer.engines.base import SUMMARY_DECODING, TRANSLATION_DECODING, DecodeSettings
from summarizer.engines.loader import load_engine
from summarizer.errors import OptionError
from summarizer.stages.translate import Translator
from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.slow  # property-based runs through every surface and a batch killed many times

GREEDY = {"num_beams": 1}
SEED_TEXT = SEEDS[1].read_text(encoding="utf-8")
SHORT_ARABIC = "قال الوزير إن المحادثات ستستأنف الأسبوع المقبل. وأضاف أن الوفد وصل."


@pytest.fixture(scope="module")
def fast_pipeline(tiny_mt5, tiny_marian_eos) -> Pipeline:
    return Pipeline(
        str(tiny_mt5), str(tiny_marian_eos), num_beams=1,
        summary_decoding=SUMMARY_DECODING.but(max_new_tokens=8),
        translation_decoding=TRANSLATION_DECODING.but(max_new_tokens=8),
    )


# -- 1. any str, any JSON value ---------------------------------------------------------------
# Arabic letters and marks, punctuation, digits, Latin, controls, NUL, bidi marks, surrogates, emoji.
JUNK_ALPHABET = st.one_of(
    st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإةى ًٌٍَُِّْـ،؛؟.!…:")),
    st.sampled_from(list("\x00\x01\x08\x0b\x0c\x1b\x7f\x85\u200b\u200f\u202e\u2066\ufeff\ufffd\n\r\t ")),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogates
    st.characters(),  # anything else, any script
)
ANY_TEXT = st.one_of(
    st.text(JUNK_ALPHABET, max_size=400),
    st.builds(lambda junk, cut: SEED_TEXT[:cut] + junk, st.text(JUNK_ALPHABET, max_size=60),
              st.integers(0, len(SEED_TEXT))),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6,
)
RECORDS = st.one_of(
    JSON_VALUES,
    st.fixed_dictionaries({"id": JSON_VALUES, "text": ANY_TEXT}),
    st.fixed_dictionaries({"text": ANY_TEXT}),
)


@hypothesis.settings(max_examples=60, deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
@hypothesis.given(text=ANY_TEXT)
def test_call_gives_a_result_or_input_error_for_any_str(fast_pipeline, text):
    try:
        result = fast_pipeline(text)
    except InputError:
        return
    assert len(result.translation) == len(result.sentences) and result.summary_ar
    json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")  # writable as UTF-8


@hypothesis.settings(max_examples=25, deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
@hypothesis.given(items=st.lists(RECORDS, max_size=6))
def test_batch_gives_one_result_per_item_for_any_json_value(fast_pipeline, items):
    results = list(fast_pipeline.batch(items, progress=False, group_size=4))
    assert len(results) == len(items)
    for result in results:
        assert result.error is None or isinstance(result.error, str)
        if result.error is None:
            assert len(result.translation) == len(result.sentences)


@hypothesis.settings(max_examples=15, deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
@hypothesis.given(records=st.lists(RECORDS, max_size=5), junk=st.lists(st.binary(max_size=20), max_size=2))
def test_batch_cli_writes_every_record_for_any_input(tmp_path_factory, tiny_mt5, tiny_marian_eos, records, junk):
    folder = tmp_path_factory.mktemp("any")
    jobs, out = folder / "jobs.jsonl", folder / "out.jsonl"
    lines = [json.dumps(r, ensure_ascii=True).encode() for r in records] + [j.replace(b"\n", b" ") for j in junk]
    jobs.write_bytes(b"\n".join(lines) + b"\n")
    expected = len(read_records(jobs))  # blank lines are not records
    code = cli_main(["batch", str(jobs), str(out), "--quiet", "--beams", "1", "--group-size", "2",
                     "--summary-model", str(tiny_mt5), "--translation-model", str(tiny_marian_eos)])
    assert code in (0, 1)
    written = [json.loads(line) for line in out.read_bytes().decode("utf-8").splitlines()]
    assert len(written) == expected
    assert all(("error" in r and r["error"]) or "summary_ar" in r for r in written)
    assert code == (1 if any(r.get("error") for r in written) else 0)


def test_lone_surrogate_is_replaced_and_reported(fast_pipeline):
    result = fast_pipeline(SEED_TEXT[:300] + "\udc80" + SEED_TEXT[300:600])
    assert any("lone surrogate" in r.text for r in result.removed)
    assert any("invalid" in w for w in result.warnings)
    assert "\ufffd" in " ".join(result.sentences)


def test_lone_surrogate_does_not_stop_a_batch_nor_its_resume(tmp_path, tiny_mt5, tiny_marian_eos):
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out.jsonl"
    rows = [{"id": f"a{i}", "text": SEED_TEXT} for i in range(3)]
    rows.insert(1, {"id": "bad\udc80id", "text": SHORT_ARABIC + "\udc80"})
    jobs.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")  # ensure_ascii: valid JSON
    for extra in (["--no-translate"], []):
        out.unlink(missing_ok=True)
        args = ["batch", str(jobs), str(out), "--quiet", "--beams", "1", "--summary-model", str(tiny_mt5),
                "--translation-model", str(tiny_marian_eos), *extra]
        assert cli_main(args) == 0
        written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert [r["id"] for r in written] == [r["id"] for r in rows]
        assert cli_main([*args, "--resume"]) == 0


# -- 2. a failing record never costs the others -----------------------------------------------
class PoisonedEngine:
    """Wraps an engine; any batch holding the marker raises, as a model crashing on one input would."""

    def __init__(self, engine, marker: str):
        self.inner, self.marker = engine, marker
        self.model_id, self.engine, self.max_input_tokens = engine.model_id, engine.engine, engine.max_input_tokens

    def count_tokens(self, texts):
        return self.inner.count_tokens(texts)

    def generate(self, texts, settings: DecodeSettings):
        if any(self.marker in t for t in texts):
            raise RuntimeError("Unable to cast Python instance to C++ type")
        return self.inner.generate(texts, settings)


def test_a_record_that_makes_the_model_fail_costs_only_itself(tiny_marian_eos):
    engine = load_engine(str(tiny_marian_eos), role="translation")
    translator = Translator(PoisonedEngine(engine, "مسموم"), decoding=TRANSLATION_DECODING.but(num_beams=1,
                                                                                                 max_new_tokens=8))
    pipeline = Pipeline.from_stages(None, translator, summary_method="lead")
    items = [{"id": str(i), "text": SEED_TEXT} for i in range(5)]
    items[2]["text"] = SHORT_ARABIC + " نص مسموم."
    results = list(pipeline.batch(items, group_size=8, progress=False))
    assert [r.id for r in results] == [str(i) for i in range(5)]
    assert [r.error is None for r in results] == [True, True, False, True, True]
    assert "RuntimeError" in results[2].error and "could not be processed" in results[2].error
    assert results[0].translation and all(p.en is not None for p in results[0].translation)
    with pytest.raises(ProcessingError, match="RuntimeError") as raised:  # the API: an InputError subclass
        pipeline(items[2]["text"])
    assert isinstance(raised.value, InputError) and isinstance(raised.value.__cause__, RuntimeError)


def test_the_first_result_comes_after_one_article(tiny_marian_eos):
    """Groups grow 1, 2, 4...: a resumed job writes its first record after one article's work."""
    pipeline = Pipeline(None, str(tiny_marian_eos), summary_method="lead", num_beams=1,
                        translation_decoding=TRANSLATION_DECODING.but(max_new_tokens=4))
    consumed = []

    def items():
        for i in range(12):
            consumed.append(i)
            yield {"id": str(i), "text": SHORT_ARABIC}

    seen_at = [len(consumed) for _ in pipeline.batch(items(), group_size=8, progress=False)]
    assert seen_at[0] == 1
    assert seen_at[:4] == [1, 3, 3, 7]  # groups of 1, 2, 4, then 8 (capped)
    consumed.clear()
    seen_at = [len(consumed) for _ in pipeline.batch(items(), group_size=4, grow=False, progress=False)]
    assert seen_at == [4] * 4 + [8] * 4 + [12] * 4  # grow=False: full groups from the start


def test_batch_killed_at_many_random_moments_makes_progress_and_ends_exact(tmp_path, tiny_mt5, tiny_marian_eos):
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out.jsonl"
    ids = [f"doc-{i:02d}" for i in range(24)]
    jobs.write_text("".join(json.dumps({"id": i, "text": SEED_TEXT}, ensure_ascii=False) + "\n" for i in ids),
                    encoding="utf-8")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "summarizer", "batch", str(jobs), str(out), "--resume", "--quiet",
           "--beams", "1", "--summary-model", str(tiny_mt5), "--translation-model", str(tiny_marian_eos)]
    rng = random.Random(10)
    kills = 0
    while kills < 6:
        before = out.read_bytes().count(b"\n") if out.exists() else 0
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 240
        while proc.poll() is None and time.monotonic() < deadline:  # wait for this run's first record
            if out.exists() and out.read_bytes().count(b"\n") > before:
                break
            time.sleep(0.02)
        if proc.poll() is not None:
            break  # finished: nothing left to kill
        time.sleep(rng.uniform(0, 1.5))  # then a random moment: mid-group, mid-write...
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        assert out.read_bytes().count(b"\n") > before, "a run was killed without writing anything"
    assert kills >= 2, "the batch finished before it could be killed often: make it longer"
    assert subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, timeout=600).returncode == 0
    written = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(written) == ids  # every id exactly once


# -- 3. duplicates and fallback ids -----------------------------------------------------------
def test_duplicate_ids_are_per_record_errors_and_the_job_goes_on(tmp_path, tiny_marian_eos):
    jobs, out = tmp_path / "dup.jsonl", tmp_path / "out.jsonl"
    rows = [{"id": "a", "text": SHORT_ARABIC}, {"id": "b", "text": SHORT_ARABIC}, {"id": "a", "text": "x"}]
    jobs.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    args = ["batch", str(jobs), str(out), "--quiet", "--summary-method", "lead", "--beams", "1",
            "--translation-model", str(tiny_marian_eos)]
    assert cli_main(args) == 1
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], bool(r.get("error"))) for r in written] == [("a", True), ("a", False), ("b", False)]
    duplicate = written[0]
    assert duplicate["duplicate_of_line"] == 1 and duplicate["line"] == 3 and "line 3 repeats" in duplicate["error"]
    assert cli_main([*args, "--resume"]) == 1  # nothing written twice, still failed
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


def test_fallback_ids_never_collide_with_real_ones(tmp_path):
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text('{"id": "line-2", "text": "نص"}\n{broken\n{"text": "بلا معرف"}\n{"id": "line-3~2"}\n',
                    encoding="utf-8")
    records = read_records(jobs)
    assert [r.id for r in records] == ["line-2", "line-2~2", "line-3", "line-3~2"]
    assert len({r.id for r in records}) == 4 and not any(r.duplicate_of_line for r in records)


# -- 4. the exit status is the whole output's --------------------------------------------------
def test_resumed_job_exits_1_when_its_output_holds_failures(tmp_path, tiny_marian_eos):
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out.jsonl"
    jobs.write_text(json.dumps({"id": "ok", "text": SHORT_ARABIC}, ensure_ascii=False) + "\n"
                    + json.dumps({"id": "english", "text": "Not Arabic at all."}) + "\n", encoding="utf-8")
    args = ["batch", str(jobs), str(out), "--quiet", "--summary-method", "lead", "--beams", "1",
            "--translation-model", str(tiny_marian_eos)]
    assert cli_main(args) == 1
    assert cli_main([*args, "--resume"]) == 1


# -- 5. a closed pipe, range-checked options ---------------------------------------------------
@pytest.mark.parametrize("command", [["split", "-", "--raw"], ["run", *[str(SEEDS[3])] * 30, "--summary-method", "lead",
                                                       "--no-translate"]])
def test_closed_pipe_exits_quietly(command):
    """More output than a pipe holds (64 KiB), so that writing after the reader left must fail."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "summarizer", *command], env=env, cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if command[1] == "-":
        proc.stdin.write(("\n".join(p.read_text(encoding="utf-8") for p in SEEDS) * 12).encode())
    proc.stdin.close()
    proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert "Traceback" not in err and "BrokenPipe" not in err, err


@pytest.mark.parametrize("option", [["--summary-sentences", "0"], ["--summary-sentences", "-2"],
                                    ["--max-chars", "-1"], ["--beams", "0"], ["--quantization", "bogus"],
                                    ["--summary-sentences", "two"], ["--group-size", "0"]])
def test_numeric_and_choice_options_are_checked_by_argparse(option, capsys, tmp_path):
    with pytest.raises(SystemExit) as stop:
        cli_main(["batch", str(tmp_path / "in.jsonl"), str(tmp_path / "out.jsonl"), *option])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("summarizer batch: error: argument") and option[0] in err[-1]


def test_python_options_say_their_choices_without_a_tuple_repr(fast_pipeline):
    with pytest.raises(OptionError, match=r"^long_input must be one of lead, chunked, not 'middle'$"):
        fast_pipeline(SEED_TEXT, long_input="middle")
    with pytest.raises(OptionError, match=r"^long_input must be one of lead, chunked, not 'middle'$"):
        Pipeline(None, None, summary_method="lead", long_input="middle")
    with pytest.raises(OptionError, match="summary_sentences must be between 1 and 100"):
        Pipeline(None, None, summary_method="lead", summary_sentences=0)


# -- 6. messages -------------------------------------------------------------------------------
def test_a_file_error_names_the_file_once(tmp_path, capsys):
    bad = tmp_path / "x.txt"
    bad.write_bytes("نص".encode("cp1256"))
    assert cli_main(["run", str(bad), "--summary-method", "lead", "--no-translate"]) == 1
    err = capsys.readouterr().err
    assert err.count("x.txt") == 1 and "Windows-1256" in err


@pytest.mark.parametrize(("data", "says"), [
    ("\ufeffنص عربي".encode("utf-16-le"), "UTF-16 byte-order mark"),
    ("نص عربي".encode("utf-16"), "UTF-16"),
    ("café crème brûlée".encode("latin-1"), "Latin-1"),
    ("قال الوزير إن المحادثات".encode("cp1256"), "Windows-1256"),
])
def test_encodings_are_told_apart(tmp_path, data, says):
    from summarizer.inputs.text import read_text_file

    path = tmp_path / "f.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=says) as raised:
        read_text_file(path)
    assert str(raised.value).count(str(path)) == 1


def test_no_translate_is_not_called_a_missing_model(tiny_marian_eos):
    pipeline = Pipeline(None, None, summary_method="lead")
    (warning,) = [n.message() for n in pipeline.load_notices]
    assert "as asked" in warning and "no translation model" not in warning


# -- 7. the disk -------------------------------------------------------------------------------
def test_page_exports_do_not_pile_up(tmp_path):
    from summarizer.pipeline import Result
    from summarizer.result import SentencePair
    from summarizer.web.handlers import EXPORT_KEEP_FILES, write_exports

    result = Result(sentences=["x"], summary_ar="x", translation=[SentencePair("x", "y")])
    for _ in range(40):
        write_exports(result, tmp_path)
    assert len(list(tmp_path.iterdir())) <= EXPORT_KEEP_FILES + 2
    old = time.time() - 3600
    for path in tmp_path.iterdir():
        os.utime(path, (old, old))
    write_exports(result, tmp_path)
    assert len(list(tmp_path.iterdir())) == 2  # only the request just made


def test_gradio_cache_is_cleaned(tiny_marian_eos, tmp_path):
    from summarizer import web
    from summarizer.web.server import DELETE_CACHE, build_demo

    state = web.load_app(None, str(tiny_marian_eos), summary_method="lead", export_dir=tmp_path)
    demo = build_demo(state)
    assert demo.delete_cache == DELETE_CACHE and all(0 < s <= 86400 for s in DELETE_CACHE)


def test_staging_folders_of_killed_conversions_are_removed(tiny_marian, tmp_path):
    from summarizer.engines.export import convert_model

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".out.pid{dead.stdout.strip()}.abc123.tmp"
    (stale / "sub").mkdir(parents=True)
    (stale / "model.bin").write_bytes(b"\0" * 1000)
    alive = tmp_path / f".other.pid{os.getpid()}.def456.tmp"  # a conversion still running: kept
    alive.mkdir()
    convert_model(str(tiny_marian), tmp_path / "out", quantization="int8")
    assert not stale.exists() and alive.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, "out"])
