"""Hardening of the batches: a batch never destroys results, and refuses clearly what it cannot do.

Each test fails without its fix: two jobs on one OUTPUT, a rerun without --resume, IN == OUT, part
files that were edited, an OUTPUT that is a folder, read-only or on a full disk, standard input and
FIFOs as INPUT, a terminal that cannot write Arabic, the Python API's batch, and inputs that cannot be
read: damaged Parquet files, link loops, FIFOs and files that fail to open or to read inside a folder input.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from summarizer import Pipeline
from summarizer.batch import job
from summarizer.batch.codecs import encode_jsonl
from summarizer.batch.outputs import JobLock, lock_path
from summarizer.batch.shards import Manifest, Shard, read_shard, scan_input
from summarizer.batch.storage import Store
from summarizer.batch.writer import ResultWriter
from summarizer.cli import main as cli_main
from summarizer.errors import InputError, OutputBusy, OutputError
from tests.conftest import ROOT, SEEDS
from tests.test_cli import run_cli

SHORT_ARABIC = "قال الوزير إن المحادثات ستستأنف الأسبوع المقبل. وأضاف أن الوفد وصل."
LIGHT = ["--summary-method", "lead", "--no-translate", "--quiet"]  # no model: fast, in process
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}


def write_jobs(path: Path, ids: list[str]) -> bytes:
    data = "".join(json.dumps({"id": i, "text": SHORT_ARABIC}, ensure_ascii=False) + "\n" for i in ids)
    path.write_text(data, encoding="utf-8")
    return path.read_bytes()


def written_ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


# -- 6. one job per OUTPUT ---------------------------------------------------------------------
@pytest.fixture
def lock_holder():
    """``hold(output)``: another process holding OUTPUT's lock, as a running batch does; returns it."""
    procs = []

    def hold(output: Path) -> subprocess.Popen:
        code = ("import sys, time; from summarizer.batch.outputs import JobLock; JobLock(sys.argv[1]).acquire(); "
                "print('held', flush=True); time.sleep(120)")
        proc = subprocess.Popen([sys.executable, "-c", code, str(output)], env=ENV, cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout.readline().strip() == "held"
        return proc

    yield hold
    for proc in procs:
        proc.kill()
        proc.wait()


def test_a_second_batch_on_the_same_output_is_refused_and_a_killed_holder_blocks_nothing(
        tmp_path, capsys, lock_holder):
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out.jsonl"
    write_jobs(jobs, ["a", "b"])
    holder = lock_holder(out)
    assert cli_main(["batch", str(jobs), str(out), "--resume", *LIGHT]) == 2
    line = one_line(capsys.readouterr().err)
    assert "another batch is writing it" in line and f"pid {holder.pid}" in line and "started" in line
    assert not out.exists()
    holder.kill()  # kill -9: the lock file stays behind, its flock goes with the process
    holder.wait()
    assert lock_path(out).exists()
    assert cli_main(["batch", str(jobs), str(out), "--resume", *LIGHT]) == 0
    assert written_ids(out) == ["a", "b"] and not lock_path(out).exists()


def test_the_ray_batch_locks_its_output_folder_before_reading_anything(tmp_path, lock_holder):
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out"
    write_jobs(jobs, ["a"])
    holder = lock_holder(out)
    with pytest.raises(OutputBusy, match=f"pid {holder.pid}"):
        job.run(str(jobs), str(out), resume=True, pipeline_factory=Pipeline)
    assert not out.exists()


# -- 7. no rerun truncates results ---------------------------------------------------------------
def test_a_rerun_without_resume_refuses_to_replace_results(tmp_path, capsys):
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out.jsonl"
    write_jobs(jobs, ["a", "b"])
    assert cli_main(["batch", str(jobs), str(out), *LIGHT]) == 0
    before = out.read_bytes()
    capsys.readouterr()
    # refused before any model loads: this model does not exist
    assert cli_main(["batch", str(jobs), str(out), "--quiet", "--translation-model", str(tmp_path / "nowhere")]) == 2
    line = one_line(capsys.readouterr().err)
    assert "already holds results" in line and "--resume" in line and "--overwrite" in line
    assert out.read_bytes() == before
    write_jobs(jobs, ["c"])
    assert cli_main(["batch", str(jobs), str(out), "--overwrite", *LIGHT]) == 0
    assert written_ids(out) == ["c"]
    assert cli_main(["batch", str(jobs), str(out), "--overwrite", "--resume", *LIGHT]) == 2


def test_overwrite_keeps_the_old_results_until_the_new_run_has_one(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "old"}\n', encoding="utf-8")
    writer = ResultWriter(out, append=False)
    assert out.read_text() == '{"id": "old"}\n'  # nothing new yet: the old results stay
    writer.write({"id": "new-1"})
    assert written_ids(out) == ["new-1"]  # replaced as a whole once the first new record is durable
    writer.write({"id": "new-2"})
    writer.close()
    assert written_ids(out) == ["new-1", "new-2"] and list(tmp_path.iterdir()) == [out]
    # A run stopped before its first record (here: while the models load) leaves OUTPUT as it was.
    jobs = tmp_path / "jobs.jsonl"
    write_jobs(jobs, ["x"])

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr("summarizer.cli.build_pipeline", interrupted)
    assert cli_main(["batch", str(jobs), str(out), "--overwrite", *LIGHT]) == 130
    assert written_ids(out) == ["new-1", "new-2"] and sorted(tmp_path.iterdir()) == [jobs, out]


# -- 8. IN == OUT ----------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["same", "symlink", "hardlink", "relative"])
@pytest.mark.parametrize("mode", [[], ["--resume"], ["--overwrite"]])
def test_the_input_is_never_the_output(tmp_path, capsys, monkeypatch, how, mode):
    jobs = tmp_path / "jobs.jsonl"
    data = write_jobs(jobs, ["a", "b"])
    out = {"same": jobs, "symlink": tmp_path / "link.jsonl", "hardlink": tmp_path / "hard.jsonl",
           "relative": Path("sub/../jobs.jsonl")}[how]
    if how == "symlink":
        out.symlink_to(jobs)
    elif how == "hardlink":
        os.link(jobs, out)
    else:
        (tmp_path / "sub").mkdir()
        monkeypatch.chdir(tmp_path)
    assert cli_main(["batch", str(jobs), str(out), *mode, *LIGHT]) == 2
    assert "is the input itself" in one_line(capsys.readouterr().err)
    assert jobs.read_bytes() == data


def test_the_ray_output_folder_is_never_the_input_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_jobs(folder / "jobs.jsonl", ["a"])
    with pytest.raises(OutputError, match="is the input folder itself"):
        job.run(str(folder), str(folder), resume=True, pipeline_factory=Pipeline)


# -- 9. merge and --resume check the part files ----------------------------------------------------
def _ray_output(tmp_path: Path) -> tuple[Path, list[Shard]]:
    """An OUTPUT folder as `batch --ray` leaves it: a manifest and two part files."""
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out"
    write_jobs(jobs, ["a", "b", "c", "d"])
    shards = list(scan_input(str(jobs), 2))
    out.mkdir()
    store = Store(str(out))
    Manifest(input=str(jobs), output_format="jsonl", shard_size=2,
             shards=[[s.index, s.key, len(s.ids)] for s in shards]).write(store)
    for shard in shards:
        records = [{"id": i, "error": None, "summary_ar": "ملخص"} for i in shard.ids]
        store.write_atomic(str(out / shard.part_name()), encode_jsonl(records))
    return out, shards


DAMAGES = {
    "deleted line": lambda data: data.split(b"\n", 1)[1],
    "edited id": lambda data: data.replace(b'"id": "c"', b'"id": "x"', 1),
    "injected id": lambda data: data + b'{"id": "injected", "error": null}\n',
    "cut mid-line": lambda data: data[: len(data) - 12],
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_merge_names_a_damaged_part_and_leaves_its_records_out(tmp_path, damage):
    out, shards = _ray_output(tmp_path)
    part = out / shards[1].part_name()
    part.write_bytes(DAMAGES[damage](part.read_bytes()))
    done = run_cli("merge", str(out), str(tmp_path / "all.jsonl"))
    err = done.stderr.decode()
    assert done.returncode == 1 and "Traceback" not in err
    assert part.name in err and "--resume" in err
    assert written_ids(tmp_path / "all.jsonl") == ["a", "b"]  # the sound part only


def test_resume_redoes_a_damaged_shard(tmp_path, monkeypatch):
    out, shards = _ray_output(tmp_path)
    part = out / shards[0].part_name()
    part.write_bytes(DAMAGES["edited id"](part.read_bytes()).replace(b'"id": "a"', b'"id": "z"'))
    redone = []

    def fake_ray(todo, summary, **kwargs):  # what Ray would be given to do
        redone.extend(s.index for s in todo)

    monkeypatch.setattr(job, "_run_on_ray", fake_ray)
    notes = []
    summary = job.run(str(tmp_path / "jobs.jsonl"), str(out), resume=True, shard_size=2, log=notes.append,
                      pipeline_factory=Pipeline, progress=False)
    assert redone == [0] and summary.skipped == 2 and not part.exists()
    assert any(part.name in note and "done again" in note for note in notes)


# -- 10. OUTPUT unusable: one line, exit 2, before the models load --------------------------------
@pytest.mark.parametrize("where", ["folder", "read-only"])
def test_an_unusable_output_is_one_line_before_the_models_load(tmp_path, capsys, where):
    jobs = tmp_path / "jobs.jsonl"
    write_jobs(jobs, ["a"])
    out = tmp_path if where == "folder" else Path("/sys/summarizer-out.jsonl")  # refused even to root
    assert cli_main(["batch", str(jobs), str(out), "--quiet", "--translation-model", str(tmp_path / "nowhere")]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("error:") and "model" not in line
    assert ("is a folder" if where == "folder" else "cannot be written") in line


def test_a_full_disk_says_what_was_kept_and_resume_goes_on(tmp_path, capsys, monkeypatch):
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out.jsonl"
    ids = [f"doc-{i}" for i in range(6)]
    write_jobs(jobs, ids)
    real_fsync, calls = os.fsync, []

    def full_disk(fd):
        if "out.jsonl" in os.readlink(f"/proc/self/fd/{fd}"):
            calls.append(fd)
            if len(calls) > 2:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_disk)
    assert cli_main(["batch", str(jobs), str(out), *LIGHT]) == 2
    line = one_line(capsys.readouterr().err)
    assert "the disk is full" in line and "2 record(s) are safely in" in line and "--resume" in line
    assert written_ids(out) == ids[:2]  # whole lines only: the torn one was cut off
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert cli_main(["batch", str(jobs), str(out), "--resume", *LIGHT]) == 0
    assert sorted(written_ids(out)) == ids


# -- 13. standard input, FIFOs, what a folder input skips ------------------------------------------
def test_standard_input_and_dev_stdin_are_read_as_jsonl(tmp_path):
    data = write_jobs(tmp_path / "jobs.jsonl", ["a", "b"])
    for source in ["-", "/dev/stdin"]:
        out = tmp_path / f"out-{source.strip('/').replace('/', '-')}.jsonl"
        done = run_cli("batch", source, str(out), *LIGHT, stdin=data)
        assert done.returncode == 0, done.stderr.decode()
        assert written_ids(out) == ["a", "b"]


def test_a_fifo_is_read_as_a_stream(tmp_path):
    fifo, out = tmp_path / "jobs.fifo", tmp_path / "out.jsonl"
    os.mkfifo(fifo)
    data = write_jobs(tmp_path / "jobs.jsonl", ["a", "b", "c"])

    def feed():
        with fifo.open("wb") as handle:
            handle.write(data)

    feeder = threading.Thread(target=feed)
    feeder.start()
    try:
        assert cli_main(["batch", str(fifo), str(out), *LIGHT]) == 0
    finally:
        feeder.join(timeout=30)
    assert written_ids(out) == ["a", "b", "c"]
    with pytest.raises(InputError, match="not a regular file or folder"):  # Ray reads INPUT more than once
        list(scan_input(str(fifo), 2))


def test_a_folder_input_says_what_it_skipped(tmp_path, capsys):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text(SHORT_ARABIC, encoding="utf-8")
    write_jobs(folder / "more.jsonl", ["x"])  # read: a folder input reads what the Ray batch reads
    (folder / "report.odt").write_bytes(b"PK")  # no reader reads these
    (folder / "notes.odt").write_bytes(b"PK")
    (folder / "old").mkdir()
    assert cli_main(["batch", str(folder), str(tmp_path / "out.jsonl"), *LIGHT]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "skipped 3 entries" in warnings[0] and "2 .odt" in warnings[0] and "1 folder" in warnings[0]
    assert sorted(written_ids(tmp_path / "out.jsonl")) == ["good", "x"]


# -- 14. a terminal that cannot write Arabic --------------------------------------------------------
def test_an_ascii_terminal_gets_a_hint_or_escaped_json(tmp_path):
    env = {**ENV, "PYTHONIOENCODING": "ascii"}
    seed = str(SEEDS[1])

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "summarizer", *args], capture_output=True, env=env,
                              cwd=ROOT, timeout=300, text=True)

    for args in [["split", seed], ["run", seed, "--summary-method", "lead", "--no-translate"]]:
        done = cli(*args)
        assert done.returncode == 2 and "PYTHONIOENCODING=utf-8" in one_line(done.stderr), done.stderr
    done = cli("run", seed, "--summary-method", "lead", "--no-translate", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sentences"][0] in SEEDS[1].read_text(encoding="utf-8")
    jobs = tmp_path / "jobs.jsonl"
    write_jobs(jobs, ["عربي"])
    done = cli("batch", str(jobs), str(tmp_path / "نتائج.jsonl"), *LIGHT)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert written_ids(tmp_path / "نتائج.jsonl") == ["عربي"]


# -- 15. the Python API's batch ----------------------------------------------------------------------
def test_results_before_a_failing_iterable_are_yielded_then_its_error():
    pipeline = Pipeline.from_stages(summary_method="lead")

    def items():
        for i in range(10):
            yield {"id": str(i), "text": SHORT_ARABIC}
        raise OSError("the source went away")

    got = []
    with pytest.raises(OSError, match="went away"):
        for result in pipeline.batch(items(), group_size=8, progress=False):
            got.append(result.id)
    assert got == [str(i) for i in range(10)]  # groups of 1, 2, 4: the last 3 were still pending


def test_fallback_ids_of_the_python_batch_never_collide():
    pipeline = Pipeline.from_stages(summary_method="lead")
    items = [{"text": SHORT_ARABIC}, {"id": "item-1", "text": SHORT_ARABIC}, {"id": 0, "text": SHORT_ARABIC},
             {"text": SHORT_ARABIC}]
    ids = [r.id for r in pipeline.batch(items, progress=False)]
    assert ids == ["item-1~2", "item-1", "0", "item-4"]
    streamed = [r.id for r in pipeline.batch(iter([{"id": "item-2", "text": SHORT_ARABIC}, {"text": SHORT_ARABIC},
                                                   {"text": SHORT_ARABIC}]), progress=False)]
    assert streamed == ["item-2", "item-2~2", "item-3"]


def test_the_dead_helpers_are_gone():
    from summarizer.batch import records, writer

    assert not any(hasattr(m, "done_ids") for m in (records, writer)) and not hasattr(ResultWriter, "write_all")


def test_lock_is_reentrant_for_nobody(tmp_path):
    """The same process asking twice (two jobs in one Python session) is refused too."""
    with JobLock(tmp_path / "out.jsonl"), pytest.raises(OutputBusy, match=f"pid {os.getpid()}"):
        JobLock(tmp_path / "out.jsonl").acquire()


# -- 16. damaged Parquet files, link loops and odd entries in a folder input --------------------------
def write_parquet(path: Path, texts: list | None = None) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["a", "b"], "text": texts or [SHORT_ARABIC, SHORT_ARABIC]}), path)
    return path.read_bytes()


def garbled(data: bytes, start: int, stop: int) -> bytes:
    return data[:start] + b"\xab" * (stop - start) + data[stop:]


def footer_start(data: bytes) -> int:
    """Where a Parquet file's footer (its metadata) starts: what comes before it is row groups."""
    return len(data) - 8 - int.from_bytes(data[-8:-4], "little")


def text_chunk(path: Path) -> tuple[int, int]:
    """The byte range of the 'text' column's data in the first row group."""
    import pyarrow.parquet as pq

    column = pq.ParquetFile(path).metadata.row_group(0).column(1)
    start = column.dictionary_page_offset or column.data_page_offset
    return start, start + column.total_compressed_size


DAMAGED_PARQUET = {  # name: (damage, what the line says)
    "truncated": (lambda path, data: data[: len(data) // 2], "not a Parquet file"),
    "empty": (lambda path, data: b"", "not a Parquet file"),
    "JSON lines": (lambda path, data: b'{"id": "a", "text": "x"}\n', "not a Parquet file"),
    "wrong magic": (lambda path, data: data[:-4] + b"PAR0", "not a Parquet file"),
    "garbage row groups": (lambda path, data: garbled(data, 4, footer_start(data)), "row group 1 cannot be read"),
    "text of another type": (lambda path, data: write_parquet(path, [1, 2]), "'text' column holds int64"),
    "no text column": (lambda path, data: _no_text(path), "no 'text' column"),
    "garbage text column": (lambda path, data: garbled(data, *text_chunk(path)), "row group 1 cannot be read"),
    "text not UTF-8": (lambda path, data: _not_utf8(path), "row group 1 cannot be read"),
}
TEXT_ONLY = ("garbage text column", "text not UTF-8")  # the ids are sound: the Ray driver, reading only them, plans


def _not_utf8(path: Path) -> bytes:
    """A string column holding bytes that are not UTF-8 (Arrow's Parquet reader does not check them)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    raw = pa.array([b"\xff\xfe", SHORT_ARABIC.encode("utf-8")], pa.binary())
    pq.write_table(pa.table({"id": ["a", "b"], "text": pa.Array.from_buffers(pa.string(), 2, raw.buffers())}), path)
    return path.read_bytes()


def _no_text(path: Path) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["a"], "body": [SHORT_ARABIC]}), path)
    return path.read_bytes()


def damaged_parquet(path: Path, damage: str) -> None:
    data = write_parquet(path)
    path.write_bytes(DAMAGED_PARQUET[damage][0](path, data))


@pytest.mark.parametrize("as_folder", [False, True], ids=["file", "in-a-folder"])
@pytest.mark.parametrize(("damage", "batch"), [  # the Ray driver reads only ids: a worker finds TEXT_ONLY (next test)
    (damage, batch) for damage in DAMAGED_PARQUET for batch in ("one-machine", "ray")
    if not (batch == "ray" and damage in TEXT_ONLY)])
def test_a_damaged_parquet_input_is_one_line_naming_it(tmp_path, capsys, damage, batch, as_folder):
    ray = batch == "ray"
    folder = tmp_path / "in"
    folder.mkdir()
    bad = folder / "b.parquet"
    damaged_parquet(bad, damage)
    if as_folder:
        (folder / "a.txt").write_text(SHORT_ARABIC, encoding="utf-8")
    out = tmp_path / ("out" if ray else "out.jsonl")
    assert cli_main(["batch", str(folder if as_folder else bad), str(out), *LIGHT, *(["--ray"] if ray else [])]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("error: ") and str(bad) in line and DAMAGED_PARQUET[damage][1] in line, line
    assert not out.exists()


@pytest.mark.parametrize("damage", TEXT_ONLY)
def test_a_ray_worker_that_cannot_read_its_shard_writes_nothing_and_names_the_file(tmp_path, damage):
    path, out = tmp_path / "in.parquet", tmp_path / "out"
    damaged_parquet(path, damage)
    shards = list(scan_input(str(path), 10))  # the ids are sound: the plan is made
    assert shards[0].ids == ["a", "b"]
    with pytest.raises(InputError, match="row group 1 cannot be read"):
        read_shard(shards[0])
    worker = job.ShardWorker.__new__(job.ShardWorker)  # as Ray Data calls it, without Ray
    worker.job, worker.node = {"output": str(out), "output_format": "jsonl", "group_size": 8}, "node"
    worker.output, worker.encode, worker.pipeline = Store(str(out)), encode_jsonl, None
    out.mkdir()
    (stats,) = [json.loads(line) for line in worker({"shard": [shards[0].to_json()]})["stats"]]
    assert str(path) in stats["changed"] and "row group 1 cannot be read" in stats["changed"]
    assert list(out.iterdir()) == []


LOOPS = {"to itself": [("loop.txt", "loop.txt")], "to each other": [("x.jsonl", "y.jsonl"), ("y.jsonl", "x.jsonl")]}


@pytest.mark.parametrize("ray", [False, True], ids=["one-machine", "ray"])
@pytest.mark.parametrize("loop", list(LOOPS))
def test_a_link_loop_in_a_folder_input_is_one_line_naming_it(tmp_path, capsys, loop, ray):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(SHORT_ARABIC, encoding="utf-8")
    for name, target in LOOPS[loop]:
        (folder / name).symlink_to(target)
    out = tmp_path / ("out" if ray else "out.jsonl")
    assert cli_main(["batch", str(folder), str(out), *LIGHT, *(["--ray"] if ray else [])]) == 2
    line = one_line(capsys.readouterr().err)
    assert f"{folder}/{LOOPS[loop][-1][0]}" in line or f"{folder}/{LOOPS[loop][0][0]}" in line, line
    assert "a loop of symbolic links" in line and not out.exists()


def test_merge_names_a_link_loop_or_a_damaged_manifest_in_one_line(tmp_path):
    out, _ = _ray_output(tmp_path)
    (out / "loop").symlink_to("loop")
    done = run_cli("merge", str(out), str(tmp_path / "all.jsonl"))
    assert done.returncode == 2 and f"{out}/loop" in one_line(done.stderr.decode())
    (out / "loop").unlink()
    for damage in (b"{not json", b'{"input": "x"}', b'{"input": "x", "output_format": "jsonl", "shard_size": 2, '
                   b'"shards": [[0, 1]]}'):
        (out / "_manifest.json").write_bytes(damage)
        done = run_cli("merge", str(out), str(tmp_path / "all.jsonl"))
        line = one_line(done.stderr.decode())
        assert done.returncode == 2 and f"{out}/_manifest.json" in line and "manifest" in line.split(":", 2)[-1]


def test_links_to_folders_are_skipped_and_links_to_files_elsewhere_are_read(tmp_path, capsys):
    folder, elsewhere = tmp_path / "in", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    (folder / "good.txt").write_text(SHORT_ARABIC, encoding="utf-8")
    (elsewhere / "article.txt").write_text(SHORT_ARABIC, encoding="utf-8")
    (folder / "up").symlink_to("..")  # the folder's parent: a folder input does not go into folders
    (folder / "self.txt").symlink_to(folder)  # a folder named like a document
    (folder / "outside.txt").symlink_to(elsewhere / "article.txt")  # read, as the file it points to
    out = tmp_path / "out.jsonl"
    assert cli_main(["batch", str(folder), str(out), *LIGHT]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "skipped 2 entries" in warnings[0] and "2 folder" in warnings[0]
    assert written_ids(out) == ["good", "outside"]
    assert [i for shard in scan_input(str(folder), 10) for i in shard.ids] == ["good", "outside"]


def test_a_fifo_in_a_folder_input_is_skipped_unopened_and_named_as_such(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(SHORT_ARABIC, encoding="utf-8")
    os.mkfifo(folder / "feed.jsonl")  # opening it would wait for a writer that never comes
    assert cli_main(["batch", str(folder), str(tmp_path / "out.jsonl"), *LIGHT]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "skipped 1 entry" in warnings[0] and "1 FIFO" in warnings[0], warnings
    assert written_ids(tmp_path / "out.jsonl") == ["good"]
    assert [i for shard in scan_input(str(folder), 10) for i in shard.ids] == ["good"]
    os.unlink(folder / "good.txt")
    assert cli_main(["batch", str(folder), str(tmp_path / "out2.jsonl"), *LIGHT]) == 2
    assert "no files to read" in one_line(capsys.readouterr().err)


def _unreadable(path: Path) -> None:
    if path.suffix == ".parquet":
        write_parquet(path)
    else:
        write_jobs(path, ["b"])


@pytest.mark.parametrize("name", ["b.jsonl", "b.parquet", "b.txt"])
def test_a_file_that_cannot_be_opened_in_a_folder_input(tmp_path, capsys, monkeypatch, name):
    """As chmod 000 does to anyone but root (the tests run as root: the refusal is made here)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(SHORT_ARABIC, encoding="utf-8")
    _unreadable(folder / name)
    real_open = Store.open

    def denied(self, path):
        if str(path).endswith(name):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return real_open(self, path)

    monkeypatch.setattr(Store, "open", denied)
    _assert_unreadable_is_refused(folder, folder / name, tmp_path, capsys, "Permission denied")


@pytest.mark.parametrize("name", ["b.jsonl", "b.parquet", "b.txt"])
def test_a_file_that_fails_while_it_is_read_in_a_folder_input(tmp_path, capsys, name):
    """/proc/self/mem opens, and its first read fails (EIO), even for root."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(SHORT_ARABIC, encoding="utf-8")
    (folder / name).symlink_to("/proc/self/mem")
    reason = "Input/output error" if name != "b.parquet" else "not a Parquet file"  # it says its size is 0
    _assert_unreadable_is_refused(folder, folder / name, tmp_path, capsys, reason)


def _assert_unreadable_is_refused(folder: Path, bad: Path, tmp_path: Path, capsys, reason: str) -> None:
    """A record file: one line naming it, exit 2 (both batches); a document: its record's error, exit 1."""
    out = tmp_path / "out.jsonl"
    if bad.suffix == ".txt":
        assert cli_main(["batch", str(folder), str(out), *LIGHT]) == 1
        errors = {r["id"]: r.get("error") for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
        assert errors["a"] is None and str(bad) in errors["b"] and reason in errors["b"]
        records = [r for shard in scan_input(str(folder), 10) for r in read_shard(shard)]
        assert records[0].error is None and str(bad) in records[1].error and reason in records[1].error
        return
    assert cli_main(["batch", str(folder), str(out), *LIGHT]) == 2
    line = one_line(capsys.readouterr().err)
    assert str(bad) in line and reason in line, line
    with pytest.raises(InputError, match=reason):
        list(scan_input(str(folder), 10))


@pytest.mark.parametrize("ray", [False, True], ids=["one-machine", "ray"])
def test_an_input_that_is_itself_a_link_loop_is_named_as_one(tmp_path, capsys, ray):
    loop = tmp_path / "in.jsonl"
    loop.symlink_to(loop.name)
    out = tmp_path / ("out" if ray else "out.jsonl")
    assert cli_main(["batch", str(loop), str(out), *LIGHT, *(["--ray"] if ray else [])]) == 2
    line = one_line(capsys.readouterr().err)
    assert str(loop) in line and "a loop of symbolic links" in line
