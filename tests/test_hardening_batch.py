"""Hardening of the batches: a batch never destroys results, and refuses clearly what it cannot do.

Each test fails without its fix: two jobs on one OUTPUT, a rerun without --resume, IN == OUT, part
files that were edited, an OUTPUT that is a folder, read-only or on a full disk, standard input and
FIFOs as INPUT, a terminal that cannot write Arabic, and the Python API's batch.
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

from summarizer import Pipeline, batchfile
from summarizer import distributed as dist
from summarizer.batchfile import ResultWriter
from summarizer.cli import main as cli_main
from summarizer.errors import InputError, OutputBusy, OutputError
from summarizer.outputs import JobLock, lock_path
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
        code = ("import sys, time; from summarizer.outputs import JobLock; JobLock(sys.argv[1]).acquire(); "
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
        dist.run(str(jobs), str(out), resume=True, pipeline_factory=Pipeline)
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
        dist.run(str(folder), str(folder), resume=True, pipeline_factory=Pipeline)


# -- 9. merge and --resume check the part files ----------------------------------------------------
def _ray_output(tmp_path: Path) -> tuple[Path, list[dist.Shard]]:
    """An OUTPUT folder as `batch --ray` leaves it: a manifest and two part files."""
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out"
    write_jobs(jobs, ["a", "b", "c", "d"])
    shards = list(dist.scan_input(str(jobs), 2))
    out.mkdir()
    store = dist._Store(str(out))
    dist.Manifest(input=str(jobs), output_format="jsonl", shard_size=2,
                  shards=[[s.index, s.key, len(s.ids)] for s in shards]).write(store)
    for shard in shards:
        records = [{"id": i, "error": None, "summary_ar": "ملخص"} for i in shard.ids]
        store.write_atomic(str(out / shard.part_name()), dist.encode_jsonl(records))
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

    monkeypatch.setattr(dist, "_run_on_ray", fake_ray)
    notes = []
    summary = dist.run(str(tmp_path / "jobs.jsonl"), str(out), resume=True, shard_size=2, log=notes.append,
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

    monkeypatch.setattr(batchfile.os, "fsync", full_disk)
    assert cli_main(["batch", str(jobs), str(out), *LIGHT]) == 2
    line = one_line(capsys.readouterr().err)
    assert "the disk is full" in line and "2 record(s) are safely in" in line and "--resume" in line
    assert written_ids(out) == ids[:2]  # whole lines only: the torn one was cut off
    monkeypatch.setattr(batchfile.os, "fsync", real_fsync)
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
        list(dist.scan_input(str(fifo), 2))


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
    assert not hasattr(batchfile, "done_ids") and not hasattr(ResultWriter, "write_all")


def test_lock_is_reentrant_for_nobody(tmp_path):
    """The same process asking twice (two jobs in one Python session) is refused too."""
    with JobLock(tmp_path / "out.jsonl"), pytest.raises(OutputBusy, match=f"pid {os.getpid()}"):
        JobLock(tmp_path / "out.jsonl").acquire()
