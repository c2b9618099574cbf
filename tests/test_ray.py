"""`summarizer batch --ray` (summarizer/batch/job.py): exactly once across kills, reruns and nodes.

The fast tests check the parts without Ray (shards, reading, per-record errors, part files, merge).
The Ray tests run real local Rays on 127.0.0.1 with 2 CPUs and the tiny models, each Ray in a temp
folder of its own whose processes are reaped (by pid) after the test.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from summarizer.batch import job
from summarizer.batch.codecs import decode_jsonl, decode_parquet, encode_jsonl, encode_parquet
from summarizer.batch.records import Record, read_records
from summarizer.batch.shards import Manifest, OutputReport, Shard, read_output, read_shard, scan_input
from summarizer.batch.storage import Store
from summarizer.batch.work import summarize_records
from summarizer.errors import InputError, RayUnavailable, WorkerSetupError
from tests.ray_helpers import (
    LOOPBACK,
    actor_processes,
    descendants,
    gate_files,
    gated_env,
    listening_addresses,
    part_files,
    processes_of,
    ray_env,
    reap,
    short_tmpdir,
    unloadable_pipeline,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]


def write_jobs(path: Path, n: int) -> list[str]:
    """n articles with a broken line and an empty text among them; the ids in input order."""
    ids = []
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            ids.append(f"doc-{i:02d}")
            handle.write(json.dumps({"id": ids[-1], "text": TEXTS[i % len(TEXTS)]}, ensure_ascii=False) + "\n")
            if i == 2:
                handle.write('{"id": "empty", "text": "  "}\n\n{not json\n')
                ids += ["empty", f"line-{i + 4}"]
    return ids


class NearScore(float):
    """A translation score that equals any within 1e-3: the same sentence in batches of other sizes
    (other padding) gets float sums that differ by about 1e-4, so exact equality would test the order
    of additions, not the batch."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (int, float)) and abs(self - other) <= 1e-3

    __hash__ = float.__hash__


def comparable_records(records) -> dict[str, dict]:
    """Records by id, without timings, translation scores compared within 1e-3 (see NearScore)."""
    out = {}
    for record in records:
        record = dict(record)
        record.pop("timings", None)
        if "translation" in record:
            record["translation"] = [{**pair, "score": NearScore(pair["score"])} if pair.get("score") is not None
                                     else pair for pair in record["translation"]]
        out[record["id"]] = record
    return out


def cli(*args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    env = env or {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "summarizer", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=ROOT)


# -- without Ray --------------------------------------------------------------------------------


def test_shards_are_named_by_their_ids_and_appending_keeps_the_names(tmp_path):
    jobs = tmp_path / "jobs.jsonl"
    ids = write_jobs(jobs, 8)
    first = list(scan_input(str(jobs), 3))
    assert [s.ids for s in first] == [ids[0:3], ids[3:6], ids[6:9], ids[9:]]
    assert [s.part_name() for s in first] == [s.part_name() for s in scan_input(str(jobs), 3)]
    with jobs.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "late", "text": TEXTS[0]}, ensure_ascii=False) + "\n")
    again = list(scan_input(str(jobs), 3))
    assert [s.part_name() for s in again[:3]] == [s.part_name() for s in first[:3]]
    assert again[3].ids == [*first[3].ids, "late"] and again[3].part_name() != first[3].part_name()


def test_shards_read_what_the_one_machine_batch_reads(tmp_path):
    """Same ids, texts and messages as records.read_records: JSONL with a BOM, blank, broken, non-UTF-8
    and id-less lines; a folder of .txt files with one in latin-1."""
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_bytes(
        "\ufeff".encode() + json.dumps({"id": 1, "text": "نص."}, ensure_ascii=False).encode() + b"\n\n   \n"
        + b'{"text": "\xd9\x86\xd8\xb5."}\n[1, 2]\n{"id": "x"}\n\xff\xfe\n{broken\n{"id": "cr", "text": "a\rb"}\n'
        + json.dumps({"id": "last", "text": "آخر."}, ensure_ascii=False).encode()  # no final newline
    )
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("نص.", encoding="utf-8")
    (folder / "b.txt").write_bytes("caf\xe9".encode("latin-1"))
    for source in (jobs, folder):
        expected = [(r.id, r.text, r.error) for r in read_records(source)]
        for shard_size in (1, 2, 100):
            got = [(r.id, r.text, r.error) for s in scan_input(str(source), shard_size) for r in read_shard(s)]
            assert got == expected, (source, shard_size)


def test_a_repeated_id_is_an_error_of_its_own_and_the_first_one_wins(tmp_path):
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text("".join(json.dumps({"id": i, "text": "نص."}) + "\n" for i in ("a", "b", "a", "c", "a")),
                    encoding="utf-8")
    records = [r for s in scan_input(str(jobs), 2) for r in read_shard(s)]
    assert [r.id for r in records] == ["a", "b", "a", "c", "a"]
    assert [r.error is None for r in records] == [True, True, False, True, False]
    assert "line 1" in records[2].error and "Duplicate id 'a'" in records[4].error


def test_a_folder_of_jsonl_txt_and_parquet_files(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"id": "j1", "text": "نص."}\n{broken\n', encoding="utf-8")
    (folder / "b.txt").write_text("نص.", encoding="utf-8")
    (folder / "c.txt").write_text("نص.", encoding="utf-8")
    table = pa.table({"id": [7, None, 9], "text": ["نص.", "نص.", None]})
    pq.write_table(table, folder / "d.parquet", row_group_size=2)
    (folder / "notes.md").write_text("ignored")
    shards = list(scan_input(str(folder), 10))
    assert [s.kind for s in shards] == ["jsonl", "txt", "parquet", "parquet"]  # never across files or row groups
    records = [r for s in shards for r in read_shard(s)]
    assert [r.id for r in records] == ["j1", "a.jsonl:line-2", "b", "c", "7", "d.parquet:row-2", "9"]
    assert [r.error is None for r in records] == [True, False, True, True, True, True, False]
    assert "d.parquet, row 3: no 'text' string" in records[-1].error
    pq.write_table(pa.table({"body": ["x"]}), tmp_path / "no-text.parquet")
    with pytest.raises(InputError, match="no 'text' column"):
        list(scan_input(str(tmp_path / "no-text.parquet"), 10))


class _Stub:
    """A pipeline whose batch raises when a group holds a text with RAISE."""

    calls = 0

    def batch(self, items, *, group_size=8, grow=True, progress=True):
        items = list(items)
        _Stub.calls += 1
        if any("RAISE" in item["text"] for item in items):
            raise TypeError("Unable to cast Python instance of type <class 'str'> to C++ type")
        for item in items:
            yield type("R", (), {"to_dict": lambda self, i=item: {"id": i["id"], "summary_ar": i["text"], "error": None}})()


def test_a_shard_whose_input_changed_is_not_written(tmp_path):
    """A worker (called as Ray Data calls it, without Ray) finds its shard rewritten: it writes nothing
    for it and reports it; the other shards are written."""
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out"
    write_jobs(jobs, 4)
    shards = list(scan_input(str(jobs), 3))
    worker = job.ShardWorker.__new__(job.ShardWorker)
    worker.job, worker.node = {"output": str(out), "output_format": "jsonl", "group_size": 8}, "node"
    worker.output, worker.encode, worker.pipeline = Store(str(out)), encode_jsonl, _Stub()
    out.mkdir()
    text = jobs.read_text(encoding="utf-8")
    jobs.write_text(text.replace('"doc-00"', '"doc-XX"'), encoding="utf-8")  # same length: same byte ranges
    stats = [json.loads(line) for line in worker({"shard": [s.to_json() for s in shards]})["stats"]]
    assert "doc-00" in shards[0].ids and "changed while the job ran" in stats[0]["changed"]
    assert all("changed" not in s for s in stats[1:])
    assert sorted(p.name for p in out.iterdir()) == sorted(s.part_name() for s in shards[1:])


def test_a_record_that_raises_costs_no_other_record():
    records = [Record("a", "نص أ"), Record("b", error="not valid JSON"), Record("c", "RAISE"),
               Record("d", "نص د"), Record("e", "نص هـ")]
    out = summarize_records(_Stub(), records, group_size=2)
    assert [r["id"] for r in out] == ["a", "b", "c", "d", "e"]
    assert [r["error"] is None for r in out] == [True, False, False, True, True]
    assert out[1] == {"id": "b", "error": "not valid JSON"}
    assert "TypeError" in out[2]["error"] and "C++ type" in out[2]["error"]
    assert out[3]["summary_ar"] == "نص د"


def test_a_shard_runs_in_full_groups_of_the_devices_size():
    """A part file is written whole, so a worker does not grow its groups 1, 2, 4 as the one-machine
    batch does (small groups share less of each model batch); no --group-size: the device's default."""
    calls = []

    class Recording(_Stub):
        device = "cpu"

        def batch(self, items, **options):
            calls.append(options)
            return super().batch(items, **options)

    records = [Record(f"r{i}", "نص") for i in range(10)]
    out = summarize_records(Recording(), records)
    assert [r["id"] for r in out] == [f"r{i}" for i in range(10)]
    assert [(c["group_size"], c["grow"]) for c in calls] == [(8, False), (8, False)]


def test_part_files_keep_every_record_jsonl_with_a_lone_surrogate_and_parquet(seed_texts):
    from summarizer.pipeline import Pipeline

    pipeline = Pipeline.from_stages(summary_method="extractive")
    full = pipeline(seed_texts[0]).to_dict()
    failed = next(pipeline.batch([{"id": "x", "text": "English only."}], progress=False)).to_dict()
    records = [full, failed, {"id": "bad", "error": "not valid JSON"}, {"id": "s\udc80", "error": "odd \udc80"}]
    data = encode_jsonl(records)
    data.decode("utf-8")  # valid UTF-8 however odd the text
    assert decode_jsonl(data) == records
    parquet = decode_parquet(encode_parquet(records[:3]))
    assert parquet == records[:3]


def test_merge_follows_the_manifest_each_id_once_in_input_order(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    store = Store(str(out))
    shards = [Shard(index=i, kind="jsonl", source="", path="", shown="", ids=ids)
              for i, ids in enumerate([["a", "b"], ["c"], ["d", "a"]])]
    Manifest(input="x", output_format="jsonl", shard_size=2,
             shards=[[s.index, s.key, len(s.ids)] for s in shards]).write(store)
    store.write_atomic(str(out / shards[2].part_name()), encode_jsonl([{"id": "d", "error": None},
                                                                      {"id": "a", "error": "Duplicate id"}]))
    store.write_atomic(str(out / shards[0].part_name()), encode_jsonl([{"id": "a", "error": None},
                                                                      {"id": "b", "error": "empty"}]))
    (out / "part-00000001-0000000000000000.jsonl").write_text('{"id": "stale"}\n')  # an older input's
    (out / ".part-00000001-x.jsonl.1234.tmp").write_text('{"id": "torn')  # a write killed midway
    report = OutputReport()
    assert [r["id"] for r in read_output(str(out), report)] == ["a", "b", "d"]
    assert (report.records, report.failed, report.missing_shards, report.missing_records, report.repeated) == (3, 1, 1, 1, 1)
    done = cli("merge", str(out), str(tmp_path / "all.jsonl"))
    assert done.returncode == 1 and "1 shard(s), 1 records, are not done yet" in done.stderr
    assert [json.loads(line)["id"] for line in (tmp_path / "all.jsonl").read_text().splitlines()] == ["a", "b", "d"]


def test_the_arrow_filesystem_path_writes_atomically(tmp_path):
    """URIs go through pyarrow.fs (s3://, gs://...); file:// runs the same code on the local disk."""
    store = Store(f"file://{tmp_path}/out")
    assert not store.local and store.kind(store.root) == "missing" and store.list(store.root) == []
    store.makedirs(store.root)
    store.write_atomic(store.join("part-1.jsonl"), b'{"id": "a"}\n')
    store.write_atomic(store.join("part-1.jsonl"), b'{"id": "b"}\n')  # a retried task: replaced, not added
    assert store.list(store.root) == ["part-1.jsonl"] and store.read(store.join("part-1.jsonl"), 8, 1) == b"b"


def test_an_output_folder_with_parts_needs_resume(tmp_path):
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out"
    write_jobs(jobs, 2)
    out.mkdir()
    (out / "_manifest.json").write_text("{}")
    done = cli("batch", str(jobs), str(out), "--ray")
    assert done.returncode == 2 and "add --resume" in done.stderr and "Traceback" not in done.stderr


def test_a_missing_translation_model_fails_in_one_line_before_ray_starts(tmp_path):
    jobs = tmp_path / "jobs.jsonl"
    write_jobs(jobs, 2)
    done = cli("batch", str(jobs), str(tmp_path / "out"), "--ray", "--translation-model", str(tmp_path / "nowhere"))
    assert done.returncode == 2 and done.stderr.startswith("model error:") and "nowhere" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()


def test_a_cluster_address_where_nothing_answers_is_one_line_at_once(tmp_path):
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    jobs = tmp_path / "jobs.jsonl"
    write_jobs(jobs, 2)
    done = cli("batch", str(jobs), str(tmp_path / "out"), "--ray-address", f"127.0.0.1:{port}",
               "--summary-method", "lead", "--no-translate")
    assert done.returncode == 2 and done.stderr.startswith("error: no Ray cluster answers at 127.0.0.1:"), done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


def test_gpus_per_worker_runs_the_workers_models_on_the_gpu(monkeypatch, capsys):
    from summarizer.cli import main

    seen = {}

    def fake_run(input, output, **options):
        seen.update(options["pipeline"])
        return job.RunSummary()

    monkeypatch.setattr(job, "run", fake_run)
    assert main(["batch", "in.jsonl", "out", "--ray", "--gpus-per-worker", "0.5"]) == 0
    assert seen["device"] == "cuda" and "on the GPU" in capsys.readouterr().err
    assert main(["batch", "in.jsonl", "out", "--ray"]) == 0
    assert seen["device"] == "cpu"


UNLOADABLE = {"code": "model-load", "message": "Could not load the translation model '/models/gone': no such folder."}


def test_a_worker_that_cannot_build_its_pipeline_answers_every_row_with_the_coded_failure(tmp_path):
    """The failure reaches the driver as data (a row of the worker's answer), not as a traceback's text."""
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out"
    write_jobs(jobs, 2)
    (shard,) = scan_input(str(jobs), 10)
    worker = job.ShardWorker({"output": str(out), "output_format": "jsonl", "group_size": 8,
                              "pipeline_factory": unloadable_pipeline})  # as Ray Data builds it, without Ray
    (stats,) = [json.loads(t) for t in worker({"shard": [shard.to_json()]})["stats"]]
    record = json.dumps({"shard": shard.to_json(), "position": 0})
    (answer,) = [json.loads(t) for t in worker({"record": [record]})["out"]]
    for failure in (stats["setup_failed"], answer["setup_failed"]):
        assert failure["code"] == UNLOADABLE["code"] and failure["message"].startswith(UNLOADABLE["message"])
    assert not out.exists()


class FakeRay:
    """What ``_through_workers`` asks of Ray: Ray Data's pool, whose answers are ``answers``."""

    def __init__(self, answers: list[str]):
        import ray.data

        self.answers, self.map_batches_kwargs = answers, {}
        context = type("Context", (), {"max_errored_blocks": 0})()
        self.data = type("Data", (), {"ActorPoolStrategy": ray.data.ActorPoolStrategy,
                                      "DataContext": type("DC", (), {"get_current": staticmethod(lambda: context)}),
                                      "from_items": self.from_items})()

    def from_items(self, rows, override_num_blocks):
        return self

    def map_batches(self, fn, **kwargs):
        self.map_batches_kwargs = kwargs
        return self

    def iter_rows(self):
        return iter([{"stats": answer} for answer in self.answers])


def test_the_driver_stops_on_a_workers_setup_failure_with_its_code(monkeypatch):
    monkeypatch.setattr(job, "_start_attempts", lambda ray, limit: "ledger", raising=False)
    answers = [json.dumps({"index": 0, "done": 1}), json.dumps({"index": 1, "setup_failed": UNLOADABLE})]
    rows = job._through_workers(FakeRay(answers), [{"shard": "0"}, {"shard": "1"}], {}, workers=2, cpus=1, gpus=0,
                                retries=2)
    assert next(rows) == {"index": 0, "done": 1}
    with pytest.raises(WorkerSetupError) as raised:
        next(rows)
    assert raised.value.code == "model-load"
    assert str(raised.value) == f"the workers could not start: {UNLOADABLE['message']}"


def test_the_worker_pool_is_set_with_named_parameters_of_ray_data_only(monkeypatch):
    """Ray 2.64 removes ``**ray_remote_args`` (max_restarts, max_task_retries): none is passed, and no
    parameter Ray Data calls deprecated; the attempts are counted by an actor given to every worker."""
    import inspect

    import ray.data

    monkeypatch.setattr(job, "_start_attempts", lambda ray, limit: ("ledger", limit), raising=False)
    fake = FakeRay([])
    assert list(job._through_workers(fake, [{"shard": "0"}], {"output": "x"}, workers=2, cpus=1, gpus=0,
                                     retries=2)) == []
    named = {name for name, p in inspect.signature(ray.data.Dataset.map_batches).parameters.items()
             if p.kind is not inspect.Parameter.VAR_KEYWORD} - {"concurrency", "ray_remote_args_fn"}
    assert set(fake.map_batches_kwargs) <= named, set(fake.map_batches_kwargs) - named
    compute = fake.map_batches_kwargs["compute"]
    assert isinstance(compute, ray.data.ActorPoolStrategy) and compute.max_tasks_in_flight_per_actor == 1
    assert fake.map_batches_kwargs["fn_constructor_kwargs"] == {"job": {"output": "x"}, "attempts": ("ledger", 3)}


def test_a_row_is_given_up_past_its_attempts():
    attempts = job._Attempts(3)
    assert [attempts.begin("shard-1") for _ in range(4)] == [True, True, True, False]
    assert attempts.begin("shard-2")


def test_without_ray_installed_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    with pytest.raises(RayUnavailable, match=r"arabic-news-summarizer\[ray\]"):
        job._import_ray()


def test_the_one_machine_batch_never_imports_ray(tmp_path):
    jobs = tmp_path / "jobs.jsonl"
    write_jobs(jobs, 3)
    code = ("import sys; from summarizer.cli import main; "
            f"rc = main(['batch', {str(jobs)!r}, {str(tmp_path / 'o.jsonl')!r}, '--quiet', "
            "'--summary-method', 'lead', '--no-translate']); "
            "print(rc, sorted(m for m in sys.modules if m.split('.')[0] in ('ray', 'pyarrow')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.split(None, 1) == ["1", "[]\n"], done.stderr  # 1: the broken and empty records


# -- on Ray ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jobs(tmp_path_factory) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("jobs") / "jobs.jsonl"
    return path, write_jobs(path, 16)


@pytest.fixture(scope="module")
def models(tiny_mt5, tiny_marian_eos) -> list[str]:
    return ["--summary-model", str(tiny_mt5), "--translation-model", str(tiny_marian_eos), "--beams", "1"]


@pytest.fixture(scope="module")
def one_machine(jobs, models, tmp_path_factory) -> dict[str, dict]:
    """The one-machine batch's records (it also fills the CTranslate2 cache the Ray workers read)."""
    out = tmp_path_factory.mktemp("one") / "out.jsonl"
    done = cli("batch", str(jobs[0]), str(out), "--quiet", *models)
    assert done.returncode == 1, done.stderr  # the empty and broken records
    return comparable_records(json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())


@pytest.fixture
def ray_tmp():
    """A Ray temp dir of the test's own; whatever Ray leaves running in it is killed afterwards."""
    tmpdir = short_tmpdir()
    yield tmpdir
    reap(tmpdir)
    subprocess.run(["rm", "-rf", tmpdir], check=False)


def merged(out: Path, tmp_path: Path) -> tuple[list[dict], subprocess.CompletedProcess]:
    target = tmp_path / f"{out.name}-merged.jsonl"
    done = cli("merge", str(out), str(target))
    return [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()], done


def test_ray_batch_gives_the_one_machine_records(jobs, models, one_machine, ray_tmp, tmp_path):
    out = tmp_path / "out"
    done = cli("batch", str(jobs[0]), str(out), "--ray", "--workers", "2", "--shard-size", "3", "--quiet", *models,
               env=ray_env(ray_tmp, loopback=False))
    assert done.returncode == 1, done.stderr
    assert "16 ok, 2 failed, 0 skipped" in done.stderr and "on 2 worker(s)" in done.stderr
    records, merge = merged(out, tmp_path)
    assert [r["id"] for r in records] == jobs[1]  # each id once, in input order
    assert comparable_records(records) == one_machine
    assert merge.returncode == 1 and "18 records (2 failed)" in merge.stderr
    (log,) = job.read_run_logs(str(out))  # every shard done by a worker's shard pass, none rescued
    assert log["rescued_shards"] == 0 and sum(log["nodes"].values()) == log["shards"]


def test_driver_killed_mid_run_then_resume_every_id_once(jobs, models, one_machine, ray_tmp, tmp_path):
    out, gate = tmp_path / "out", tmp_path / "gate"
    env = ray_env(ray_tmp, loopback=False)
    cmd = [sys.executable, "-m", "summarizer", "batch", str(jobs[0]), str(out), "--ray", "--workers", "2",
           "--shard-size", "1", "--quiet", *models]
    driver = subprocess.Popen(cmd, env=gated_env(env, gate, hold_after=3), cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:  # killed once 3 shards are written and a worker waits at the gate with the next one
        assert wait_for(lambda: len(part_files(out)) >= 3 and gate_files(gate, "waiting-"), timeout=240), \
            "no worker reached the gate after 3 shards"
        ray_processes = descendants(driver.pid)
        driver.send_signal(signal.SIGKILL)
        driver.wait()
    finally:
        driver.kill()
    reap(ray_tmp, ray_processes)  # what a killed driver leaves behind: Ray's agents outlive it
    written = len(part_files(out))
    assert 3 <= written < len(jobs[1])
    resumed = cli("batch", str(jobs[0]), str(out), "--ray", "--workers", "2", "--shard-size", "1", "--resume",
                  "--quiet", *models, env=env)
    assert resumed.returncode == 1, resumed.stderr  # the failed records, whichever run wrote them
    assert f"resume: {written} of {len(jobs[1])} records" in resumed.stderr
    records, _ = merged(out, tmp_path)
    assert [r["id"] for r in records] == jobs[1]
    assert comparable_records(records) == one_machine
    assert len(part_files(out)) == len(jobs[1]) and not list(out.glob(".*.tmp"))


def test_worker_killed_mid_run_the_job_finishes_every_id_once(jobs, models, one_machine, ray_tmp, tmp_path):
    out, gate = tmp_path / "out", tmp_path / "gate"
    cmd = [sys.executable, "-m", "summarizer", "batch", str(jobs[0]), str(out), "--ray", "--workers", "2",
           "--shard-size", "1", "--quiet", *models]
    env = gated_env(ray_env(ray_tmp, loopback=False), gate, hold_after=2)
    driver = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:  # a worker with its models loaded and a shard in hand waits at the gate: it is killed there
        assert wait_for(lambda: len(part_files(out)) >= 2 and gate_files(gate, "waiting-"), timeout=240), \
            "no worker reached the gate after 2 shards"
        listening = listening_addresses([*descendants(driver.pid), psutil.Process(driver.pid)])
        before = {p.pid for p in actor_processes(driver.pid)}
        victim = int(gate_files(gate, "waiting-")[0].split("-")[1])
        assert victim in before, "the waiting worker is not one of the driver's actors"
        os.kill(victim, signal.SIGKILL)
        written = len(part_files(out))
        (gate / "open").touch()
        _, stderr = driver.communicate(timeout=240)
    finally:
        driver.kill()
    assert written < len(jobs[1])
    assert listening and listening <= LOOPBACK, f"a local Ray must listen on 127.0.0.1 only, not {listening}"
    assert driver.returncode == 1, stderr
    records, _ = merged(out, tmp_path)
    assert [r["id"] for r in records] == jobs[1]
    assert comparable_records(records) == one_machine
    (log,) = job.read_run_logs(str(out))
    assert log["done"] == len(jobs[1]) and log["rescued_shards"] == 0
    restarted = {pid for _, pid, _ in log["worker_pids"]} - before
    assert restarted, "no restarted worker process took over the killed one's shards"


def test_a_record_that_kills_its_worker_every_time_is_an_error_alone(ray_tmp, tmp_path):
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out"
    texts = ["نص"] * 10
    texts[1], texts[6] = "نص CRASH", "نص RAISE"
    jobs.write_text("".join(json.dumps({"id": f"r{i}", "text": t}, ensure_ascii=False) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "tests.ray_helpers", "crash-run", str(jobs), str(out)],
                          capture_output=True, text=True, timeout=300, env=ray_env(ray_tmp), cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.splitlines()[-1]) == {"done": 10, "failed": 2, "rescued": 1}
    records, _ = merged(out, tmp_path)
    assert [r["id"] for r in records] == [f"r{i}" for i in range(10)]
    errors = {r["id"]: r["error"] for r in records if r["error"]}
    assert set(errors) == {"r1", "r6"}
    assert "worker process died on this article" in errors["r1"] and "TypeError" in errors["r6"]


def test_a_worker_that_cannot_start_stops_the_job_in_one_line(ray_tmp, tmp_path):
    """On Ray: the workers' setup failure reaches the driver with its code and message."""
    jobs = tmp_path / "jobs.jsonl"
    write_jobs(jobs, 2)
    done = subprocess.run([sys.executable, "-m", "tests.ray_helpers", "setup-fail-run", str(jobs), str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=300, env=ray_env(ray_tmp), cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    failure = json.loads(done.stdout.splitlines()[-1])
    assert failure["code"] == "model-load"
    assert failure["message"].startswith(f"the workers could not start: {UNLOADABLE['message']}")


def test_two_nodes_on_one_machine_share_the_work(jobs, models, one_machine, ray_tmp, tmp_path):
    """`ray start --head` and a second `ray start --address` with a CPU each; file:// URIs, Parquet parts."""
    import socket

    env = ray_env(ray_tmp)
    gated = gated_env(env, tmp_path / "gate", barrier=2)  # both workers take a shard before either starts it
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"127.0.0.1:{port}"
    common = ["--num-cpus=1", "--object-store-memory=150000000", "--disable-usage-stats"]
    ray_cli = str(Path(sys.executable).with_name("ray"))
    head = subprocess.run([ray_cli, "start", "--head", "--node-ip-address=127.0.0.1", f"--port={port}",
                           "--include-dashboard=false", *common], env=gated, capture_output=True, text=True, timeout=120)
    assert head.returncode == 0, head.stdout + head.stderr
    second = subprocess.run([sys.executable, "-m", "tests.ray_helpers", "join", f"--address={address}", *common],
                            env=gated, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stdout + second.stderr
    out = f"file://{tmp_path}/out"
    done = cli("batch", f"file://{jobs[0]}", out, "--ray-address", address, "--workers", "2",
               "--cpus-per-worker", "1", "--shard-size", "2", "--output-format", "parquet", "--quiet", *models,
               env=gated)
    assert done.returncode == 1, done.stderr
    listening = listening_addresses(processes_of(ray_tmp))
    assert listening and listening <= LOOPBACK, f"the test cluster must listen on 127.0.0.1 only, not {listening}"
    (log,) = job.read_run_logs(out)
    assert len(log["nodes"]) == 2 and sum(log["nodes"].values()) == 9
    records = list(read_output(out))
    assert [r["id"] for r in records] == jobs[1]
    for record in records:  # messages name the input as the user did
        if record["error"]:
            record["error"] = record["error"].replace("file://", "")
    assert comparable_records(records) == one_machine
    assert all(p.suffix == ".parquet" for p in part_files(tmp_path / "out"))
