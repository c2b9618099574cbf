"""The batch package: one reader of records for both batches, one retry policy, no former module names.

Both batches read the same inputs (Parquet, and folders of .txt, .html, .docx, .pdf, .jsonl and
.parquet files) into the same records, and write the same results for them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from summarizer.batch import records, shards
from summarizer.batch.records import read_records
from summarizer.batch.work import summarize_records
from summarizer.cli import main as cli_main
from summarizer.isolation import each_alone_on_failure, failure_message
from tests.ray_helpers import ray_env, reap, short_tmpdir
from tests.sample_documents import ARTICLE_LINES, PAGES, make_docx, make_pdf
from tests.test_ray import TEXTS, cli, comparable_records

LIGHT = ["--summary-method", "lead", "--no-translate", "--quiet"]


@pytest.fixture
def ray_tmp():
    """A Ray temp dir of the test's own; whatever Ray leaves running in it is killed afterwards."""
    tmpdir = short_tmpdir()
    yield tmpdir
    reap(tmpdir)
    shutil.rmtree(tmpdir, ignore_errors=True)


def mixed_folder(root: Path) -> Path:
    """One file of every kind a folder input reads, and one no reader reads."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = root / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps({"id": "j1", "text": TEXTS[0]}, ensure_ascii=False) + "\n{broken\n",
                                    encoding="utf-8")
    (folder / "b.txt").write_text(TEXTS[1], encoding="utf-8")
    shutil.copy(PAGES / "article.html", folder / "c.html")
    make_docx(folder / "d.docx", ARTICLE_LINES)
    make_pdf(folder / "e.pdf", ARTICLE_LINES)
    pq.write_table(pa.table({"id": ["p1", None, "j1"], "text": [TEXTS[2], TEXTS[3], TEXTS[4]]}),
                   folder / "f.parquet", row_group_size=2)
    (folder / "g.md").write_text("no reader reads this", encoding="utf-8")
    return folder


def read_by_ray_shards(source: Path, shard_size: int = 2) -> list[tuple]:
    return [(r.id, r.text, r.error) for s in shards.scan_input(str(source), shard_size) for r in shards.read_shard(s)]


def test_both_batches_read_a_mixed_folder_into_the_same_records(tmp_path):
    folder = mixed_folder(tmp_path)
    one = [(r.id, r.text, r.error) for r in read_records(folder)]
    assert [r[0] for r in one] == ["j1", "a.jsonl:line-2", "b", "c", "d", "e", "p1", "f.parquet:row-2", "j1"]
    assert "لافروف" in one[3][1] and one[4][1].splitlines() == ARTICLE_LINES and one[5][1]
    assert "not valid JSON" in one[1][2] and "Duplicate id 'j1'" in one[-1][2] and "line 1" in one[-1][2]
    for shard_size in (1, 2, 100):
        assert read_by_ray_shards(folder, shard_size) == one, shard_size


def test_a_parquet_file_and_colliding_made_up_ids_read_alike(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["row-2", None, "7"], "text": ["نص.", "نص.", None]}), tmp_path / "in.parquet")
    one = [(r.id, r.text, r.error) for r in read_records(tmp_path / "in.parquet")]
    assert [r[0] for r in one] == ["row-2", "row-2~2", "7"] and "row 3: no 'text' string" in one[2][2]
    assert read_by_ray_shards(tmp_path / "in.parquet") == one  # the Ray scan makes the same id unique
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text('{"id": "line-2", "text": "نص"}\n{broken\n', encoding="utf-8")
    assert read_by_ray_shards(jobs, 1) == [(r.id, r.text, r.error) for r in read_records(jobs)]
    assert [r.id for r in read_records(jobs)] == ["line-2", "line-2~2"]


def test_the_one_machine_batch_reads_parquet(tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["a", "b"], "text": [TEXTS[0], TEXTS[1]]}), tmp_path / "in.parquet")
    out = tmp_path / "out.jsonl"
    assert cli_main(["batch", str(tmp_path / "in.parquet"), str(out), *LIGHT]) == 0
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in written] == ["a", "b"] and all(r["summary_ar"] for r in written)


def test_both_batches_write_the_same_records_for_a_mixed_folder(tmp_path, tiny_mt5, tiny_marian_eos, ray_tmp):
    """With tiny models: `summarizer batch FOLDER` on one machine and with --ray, compared by id."""
    folder = mixed_folder(tmp_path)
    models = ["--summary-model", str(tiny_mt5), "--translation-model", str(tiny_marian_eos), "--beams", "1"]
    one = tmp_path / "one.jsonl"
    done = cli("batch", str(folder), str(one), "--quiet", *models)
    assert done.returncode == 1, done.stderr  # the broken line and the repeated id
    assert "skipped 1 entry" in done.stderr and "1 .md" in done.stderr
    out = tmp_path / "out"
    done = cli("batch", str(folder), str(out), "--ray", "--workers", "1", "--shard-size", "2", "--quiet", *models,
               env=ray_env(ray_tmp))
    assert done.returncode == 1, done.stderr
    assert "skipped 1 entry" in done.stderr
    merged = tmp_path / "merged.jsonl"
    cli("merge", str(out), str(merged))

    def by_id(path: Path, repeats: int) -> dict:
        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        repeated = [r for r in lines if "Duplicate id 'j1'" in (r.get("error") or "")]
        assert len(lines) == 8 + repeats and len(repeated) == repeats
        return comparable_records(r for r in lines if r not in repeated)

    # The one-machine OUTPUT holds the repeat's error line; the merge writes each id once (the first).
    ray_records, one_records = by_id(merged, 0), by_id(one, 1)
    assert ray_records == one_records
    assert one_records["d"]["summary_ar"] and one_records["e"]["sentences"]


# -- one retry policy ---------------------------------------------------------------------------
def test_a_group_that_raises_is_done_again_one_item_at_a_time():
    calls = []

    def run(items):
        calls.append(list(items))
        if "bad" in items:
            raise ValueError("broken\nsecond line")
        return [item.upper() for item in items]

    out = each_alone_on_failure(run, ["a", "bad", "c"], lambda item, exc: failure_message(exc))
    assert out == ["A", "The article could not be processed: ValueError: broken.", "C"]
    assert calls == [["a", "bad", "c"], ["a"], ["bad"], ["c"]]


def test_a_ray_worker_and_the_pipeline_say_the_same_of_a_failed_article():
    """The Ray side's failure message is the pipeline's own (summarizer.isolation.failure_message)."""
    from summarizer.pipeline import Pipeline

    class Raising:
        def batch(self, items, **options):
            raise TypeError("Unable to cast")

    (out,) = summarize_records(Raising(), [records.Record("a", "نص")])
    pipeline_failure = Pipeline.from_stages(summary_method="lead")._failed("a", TypeError("Unable to cast"))
    assert out["error"] == pipeline_failure.error


# -- no former module names ------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["summarizer.distributed", "summarizer.batchfile"])
def test_the_former_module_names_are_gone(name):
    """Each name is imported from the batch module that owns it (and patched there by tests)."""
    import importlib.util

    assert importlib.util.find_spec(name) is None


@pytest.mark.parametrize("module", ["summarizer.batch.records", "summarizer.batch.writer", "summarizer.batch.shards"])
def test_the_batch_modules_import_no_ray(module):
    import subprocess
    import sys

    code = f"import sys, {module}; print('ray' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr
