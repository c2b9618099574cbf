"""The server's one file boundary: no request makes it read a server file other than its own uploads.

An outside attack read ``/etc/passwd`` and ``/proc/self/environ`` (API keys) through the page's
``/read_file`` API and its upload handler, and tied up a core with ``/dev/zero``: the page is mounted
into ``summarizer serve``'s app, not launched, and Gradio checks a client's file paths only for a
launched page. These tests serve the app exactly as ``summarizer serve`` does (``build_app``) and walk
every function the page registers, and every API route, with hostile paths: a new event or route is
covered without a new test.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

import httpx
import pytest

from summarizer import web as webapp
from summarizer.errors import InputError
from summarizer.web.handlers import error_markdown
from summarizer.web.server import build_app, build_demo, running
from summarizer.web.uploads import NOT_AN_UPLOAD, upload_folder, uploaded_file
from tests.sample_documents import ARTICLE_LINES, make_docx
from tests.test_app import FAST

pytestmark = pytest.mark.slow  # a live server walked with every hostile path, and one ended by SIGTERM

SECRET = f"SENTINEL-{uuid.uuid4().hex}"


@pytest.fixture(scope="module")
def secret_file(tmp_path_factory) -> Path:
    """A server file no visitor may read, beside the upload folder (``..`` reaches it) and elsewhere."""
    path = upload_folder().parent / f"secret-{uuid.uuid4().hex}.txt"
    path.write_text(f"قال الوزير {SECRET}.\n" * 20, encoding="utf-8")
    yield path
    path.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def hostile_paths(secret_file) -> list[str]:
    folder = upload_folder()
    trap = folder / f"trap-{uuid.uuid4().hex}"
    trap.mkdir(parents=True)
    (trap / "passwd.txt").symlink_to("/etc/passwd")  # a link inside the upload folder, into /etc
    (trap / "secret.txt").symlink_to(secret_file)
    os.mkfifo(trap / "fifo.txt")  # would block a reader forever
    (trap / "folder.txt").mkdir()
    return ["/etc/passwd", "/proc/self/environ", "/proc/self/cmdline", "/dev/zero", str(secret_file),
            str(trap / "passwd.txt"), str(trap / "secret.txt"), str(trap / "fifo.txt"), str(trap / "folder.txt"),
            f"{folder}/../{secret_file.name}", "/nonexistent/a.txt", "relative/../../etc/passwd"]


@pytest.fixture(scope="module")
def server(tiny_marian, tmp_path_factory, monkeypatch_module):
    monkeypatch_module.setenv("SUMMARIZER_API_KEYS", SECRET)  # what /proc/self/environ would give away
    state = webapp.load_app(None, str(tiny_marian), summary_method="extractive", warm=False,
                            export_dir=tmp_path_factory.mktemp("exports"), **FAST)
    demo = build_demo(state)
    app = build_app(state, demo, keys=())
    with running(app) as url:
        yield url, demo


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def file_data(path: str) -> dict:
    return {"path": path, "orig_name": "a.txt", "meta": {"_type": "gradio.FileData"}}


def queue_call(client: httpx.Client, fn_index: int, data: list, deadline: float = 20.0) -> str:
    """Run one registered function through Gradio's queue, as the page does; all that came back, as text."""
    session = uuid.uuid4().hex
    joined = client.post("gradio_api/queue/join", json={"data": data, "fn_index": fn_index, "session_hash": session,
                                                          "trigger_id": None, "event_data": None})
    seen = [joined.text]
    if joined.status_code != 200:
        return "".join(seen)
    started = time.monotonic()
    with client.stream("GET", "gradio_api/queue/data", params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            seen.append(line)
            if "process_completed" in line or "close_stream" in line or time.monotonic() - started > deadline:
                break
    return "\n".join(seen)


def test_every_page_function_refuses_server_paths(server, hostile_paths, secret_file):
    url, _ = server
    config = httpx.get(url + "config", timeout=10).json()
    functions = [(i, d) for i, d in enumerate(config["dependencies"]) if d.get("backend_fn")]
    assert len(functions) >= 10  # the page's events and its API functions
    with httpx.Client(base_url=url, timeout=30) as client:
        for index, dependency in functions:
            for path in hostile_paths:
                started = time.monotonic()
                answer = queue_call(client, index, [file_data(path) for _ in dependency["inputs"]])
                assert SECRET not in answer and "root:x:0:0" not in answer, (dependency.get("api_name"), path)
                assert time.monotonic() - started < 20, ("hung on", path)  # /dev/zero, a FIFO


def test_read_file_api_answers_alike_for_every_server_path(server, hostile_paths):
    url, _ = server
    outside = {}
    with httpx.Client(base_url=url, timeout=30) as client:
        for path in hostile_paths:
            event = client.post("gradio_api/call/read_file", json={"data": [file_data(path)]}).json()["event_id"]
            answer = client.get(f"gradio_api/call/read_file/{event}").text
            assert SECRET not in answer and "root:x:0:0" not in answer, path
            if not Path(os.path.realpath(path)).is_relative_to(upload_folder()):
                outside[path] = answer
    # whether a server file exists is not told: /etc/passwd is answered as /nonexistent/a.txt is
    assert len(set(outside.values())) == 1 and len(outside) >= 8, outside


def test_an_uploaded_file_still_reads(server, tmp_path):
    from gradio_client import Client, handle_file

    url, _ = server
    client = Client(url, verbose=False)
    answer = client.predict(handle_file(str(make_docx(tmp_path / "خبر.docx", ARTICLE_LINES))), api_name="/read_file")
    assert answer["text"].startswith(ARTICLE_LINES[0]) and answer["source"] == "خبر.docx"


def test_api_routes_read_no_server_file(server):
    url, _ = server
    bodies = [{"text": "/etc/passwd"}, {"url": "file:///etc/passwd"}, {"url": "/proc/self/environ"},
              {"text": "قال الوزير.", "translation": "/etc"}, {"text": "قال الوزير.", "translation": "../../etc/passwd"}]
    with httpx.Client(base_url=url, timeout=30) as client:
        for route in ("api/v1/summarize", "api/v1/translate"):
            for body in bodies:
                answer = client.post(route, json=body)
                assert answer.status_code < 500 and "root:x:0:0" not in answer.text and SECRET not in answer.text
        answer = client.post("translate", data={"q": "/etc/passwd", "source": "ar", "target": "en"})
        assert "root:x:0:0" not in answer.text


# -- the handlers' own check, whoever serves the page ------------------------------------------------------
def test_uploaded_file_refuses_everything_but_an_upload(hostile_paths):
    for path in [*hostile_paths, str(upload_folder()), None, "", 3, {"path": None}, {"path": "/etc/passwd"}, "a\x00b"]:
        with pytest.raises(InputError) as caught:
            uploaded_file(path)
        assert caught.value.code == "no-upload" and str(caught.value) == NOT_AN_UPLOAD


def test_uploaded_file_takes_an_upload_with_its_users_name():
    folder = upload_folder() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    (folder / "x.txt").write_text("قال", encoding="utf-8")
    real, name = uploaded_file({"path": str(folder / "x.txt"), "orig_name": "../خبر.txt"})
    assert real == folder / "x.txt" and name == "خبر.txt"


def test_page_handlers_refuse_server_paths(tiny_marian, hostile_paths, tmp_path):
    state = webapp.load_app(None, str(tiny_marian), summary_method="extractive", warm=False,
                            export_dir=tmp_path, **FAST)
    for path in hostile_paths:
        article, message, *_ = webapp.read_upload(state, path)[0]
        assert message == error_markdown(NOT_AN_UPLOAD), path
        assert "root:x" not in json.dumps(article)


# -- stopping: SIGTERM ends the server within seconds, whatever a worker thread is doing -----------------
STUCK_SERVER = """
import sys, time
import anyio
from fastapi import FastAPI
from summarizer.web import server

app = FastAPI()

@app.get("/stuck")
async def stuck():  # a worker thread that never returns (as a read of /dev/zero did)
    await anyio.to_thread.run_sync(time.sleep, 3600)

@app.get("/up")
async def up():
    return {"up": True}

def stopped():
    print("cleaned up", flush=True)

server.run_until_stopped(server._server(app, "127.0.0.1", int(sys.argv[1])), on_stop=stopped)
"""


def test_sigterm_ends_the_server_while_a_worker_thread_is_stuck(tmp_path):
    import signal
    import socket
    import subprocess
    import sys
    import threading

    from tests.conftest import ROOT

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-c", STUCK_SERVER, str(port)], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "up", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        threading.Thread(target=lambda: httpx.get(url + "stuck", timeout=60), daemon=True).start()
        time.sleep(0.5)  # the request is in its worker thread
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)  # before the fix: never (the thread is joined at exit)
    finally:
        process.kill()
    output = process.stdout.read()
    assert code == 128 + signal.SIGTERM, output
    assert output.count("cleaned up") == 1, output  # the scratch folders removed once, not skipped


# -- the upload folder's size ----------------------------------------------------------------------------
def test_the_upload_folder_is_kept_under_its_cap(tmp_path):
    from summarizer.web.uploads import cap_folder

    for n in range(10):  # ten 1,000-byte uploads, oldest first
        path = tmp_path / f"u{n}" / "a.txt"
        path.parent.mkdir()
        path.write_bytes(b"x" * 1000)
        os.utime(path, (1_000_000 + n, 1_000_000 + n))
    assert cap_folder(tmp_path, 4_500) == 6
    assert sorted(p.parent.name for p in tmp_path.rglob("*.txt")) == ["u6", "u7", "u8", "u9"]  # the newest kept
    assert cap_folder(tmp_path, 4_500) == 0


def test_the_server_sweeps_its_upload_folder_while_it_runs(tmp_path):
    import anyio

    from summarizer.web.uploads import cache_sweeper

    (tmp_path / "big.bin").write_bytes(b"x" * 10_000)

    async def run() -> None:
        async with cache_sweeper(tmp_path, max_bytes=1_000, every=0.05)(None):
            for _ in range(100):
                if not (tmp_path / "big.bin").exists():
                    return
                await anyio.sleep(0.05)

    anyio.run(run)
    assert not (tmp_path / "big.bin").exists()
