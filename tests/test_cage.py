"""Documents are parsed in the cage (summarizer/inputs/cage.py): a file built to exhaust a parser, in any part of
any format, ends as one InputError coded "document-too-costly" naming it, through every surface that
reads documents, and the reading process's memory is what it was; good documents read exactly as in
the reading process, by a warm worker that is reused and replaced when it dies.

The bombs are made here: 150 MB of XML packed into a Word file's styles or properties part (some
250 KB), a PDF whose fonts' maps inflate to 70 MB each (2.7 MB for 2.8 GB), a page of millions of
paragraphs. ``python -m tests.test_cage`` prints what the cage costs a good document.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from summarizer.errors import InputError
from summarizer.inputs import cage, documents
from summarizer.inputs.documents import Document, read_file, read_url
from tests.sample_documents import ARTICLE_LINES, ARTICLE_TITLE, PAGES, make_docx, make_pdf, pdf_file

pytestmark = pytest.mark.slow  # parser bombs read in worker processes

COSTLY = "document-too-costly"
RSS_MARGIN = 64 * 2**20  # the reading process holds the file and one copy of it on its way to a worker
LIGHT = ["--summary-method", "lead", "--no-translate"]


# -- the bombs ---------------------------------------------------------------------------------------
def docx_bomb(path: Path, part: str, unpacked_mb: int = 150) -> Path:
    """A real Word file whose ``part`` is padded, inside its root element, with empty elements."""
    base = make_docx(path.with_name("base-" + path.name), ARTICLE_LINES, title=ARTICLE_TITLE)
    element = b"<dc:x/>" if part.startswith("docProps/") else b"<w:x/>"
    chunk = element * 65536
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename != part:
                out.writestr(info, data)
                continue
            head, _, tail = data.rpartition(b"</")
            with out.open(part, "w", force_zip64=True) as stream:  # written a piece at a time: no 150 MB here
                stream.write(head)
                for _ in range(unpacked_mb * 2**20 // len(chunk)):
                    stream.write(chunk)
                stream.write(b"</" + tail)
    return path


def pdf_bomb(path: Path, fonts: int = 40, inflated: int = 70_000_000) -> Path:
    """A one-page PDF whose fonts each have a ToUnicode map of ``inflated`` bytes, packed to some 70 KB
    (under pypdf's 75 MB a stream): the reader holds every map it inflated."""
    packed = zlib.compress(b" " * inflated, 9)
    text = b"BT " + b" ".join(b"/F%d 12 Tf (a) Tj" % i for i in range(fonts)) + b" ET"
    names = b" ".join(b"/F%d %d 0 R" % (i, 5 + 2 * i) for i in range(fonts))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << "
        + names + b" >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
    ]
    for i in range(fonts):
        objects += [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode %d 0 R >>" % (6 + 2 * i),
                    b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed
                    + b"\nendstream"]
    path.write_bytes(pdf_file(objects))
    return path


def html_bomb(path: Path) -> Path:
    """19 MB of tiny paragraphs (under the 20 MB a file may have): the HTML readers' trees of it take
    over 2 GB and minutes; nested elements are no bomb (the parser stops at a depth of 256)."""
    path.write_bytes(b"<html><body>" + b"<p>a</p>" * 2_400_000 + b"</body></html>")
    return path


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    return {"styles": docx_bomb(folder / "styles.docx", "word/styles.xml"),
            "core": docx_bomb(folder / "core.docx", "docProps/core.xml"),
            "pdf": pdf_bomb(folder / "fonts.pdf")}


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("good")
    return {"docx": make_docx(folder / "story.docx", ARTICLE_LINES[:2], title=ARTICLE_TITLE,
                              table=[["خلية أولى", "خلية ثانية"]]),
            "pdf": make_pdf(folder / "story.pdf", ARTICLE_LINES, title=ARTICLE_TITLE),
            "html": PAGES / "article.html"}


def rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def in_process(read, *args, **kwargs):
    """What a reading gives without the cage (the reading process parses it)."""
    saved, documents.READ_IN_CAGE = documents.READ_IN_CAGE, False
    try:
        return read(*args, **kwargs)
    finally:
        documents.READ_IN_CAGE = saved


def costly(read, *args, **kwargs) -> InputError:
    """The InputError that reading a bomb ends in; the reading process's memory is what it was."""
    before = rss()
    with pytest.raises(InputError) as caught:
        read(*args, **kwargs)
    grown = rss() - before
    assert grown < RSS_MARGIN, f"the reading process grew by {grown / 2**20:.0f} MB"
    assert caught.value.code == COSTLY
    return caught.value


# -- good documents: as they were, read by a reused worker ----------------------------------------------
@pytest.mark.parametrize("kind", ["docx", "pdf", "html"])
def test_a_good_document_reads_as_it_does_in_process(good, kind):
    caged = read_file(good[kind])
    assert documents._CAGE.workers(), "no worker read it"
    assert caged == in_process(read_file, good[kind])
    assert caged.source_kind == kind and caged.title == ARTICLE_TITLE


def test_a_page_at_an_address_reads_as_it_does_in_process(local_site):
    url = local_site.url("article.html")
    assert read_url(url) == in_process(read_url, url)
    for name in ("article.pdf", "article.docx"):
        assert read_url(local_site.url(name)).text.splitlines() == ARTICLE_LINES


def test_a_reader_refusal_comes_back_as_itself(tmp_path):
    scanned = make_pdf(tmp_path / "scan.pdf", [])
    with pytest.raises(InputError, match=r"^scan\.pdf has no text to read") as caught:
        read_file(scanned)
    assert caught.value.code is None  # not "document-too-costly": the reader's own refusal


def test_one_worker_reads_document_after_document(good):
    read_file(good["docx"])
    workers = documents._CAGE.workers()
    for _ in range(3):
        for path in good.values():
            read_file(path)
    assert documents._CAGE.workers() == workers  # no worker was started for them


def test_two_threads_read_at_once(good):
    expected = {kind: in_process(read_file, path) for kind, path in good.items()}
    got: dict[str, object] = {}

    def read(kind: str) -> None:
        for _ in range(3):
            got[kind] = read_file(good[kind])

    threads = [threading.Thread(target=read, args=(kind,)) for kind in ("docx", "pdf", "html")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == expected
    assert len(documents._CAGE.workers()) <= cage.MAX_WORKERS


def test_a_worker_killed_while_idle_is_replaced(good):
    read_file(good["pdf"])
    for pid in documents._CAGE.workers():
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    assert read_file(good["docx"]) == in_process(read_file, good["docx"])


def test_the_worker_holds_no_torch(good):
    import psutil

    pytest.importorskip("torch")  # the reading process holds it, as the server does
    documents._CAGE.close()  # a worker started now, by such a process
    read_file(good["html"])
    (pid,) = documents._CAGE.workers()[:1]
    mapped = [m.path for m in psutil.Process(pid).memory_maps()]
    assert any("lxml" in path for path in mapped)  # the readers' libraries are there...
    assert not any("torch" in path for path in mapped)  # ...and torch is not
    assert psutil.Process(pid).memory_info().vms < cage.MEMORY_LIMIT_BYTES // 4


def test_the_limits_are_named_and_fit_a_real_document():
    assert cage.MEMORY_LIMIT_BYTES >= 2**30 and 20 <= cage.CPU_LIMIT_S < cage.DEADLINE_S
    assert cage.MAX_OUTPUT_BYTES > 2 * documents.MAX_DOCUMENT_BYTES


# -- bombs: one InputError, the reading process unchanged, the next document read ----------------------
@pytest.mark.parametrize("bomb", ["styles", "core", "pdf"])
def test_a_bomb_in_any_part_is_one_input_error(bombs, good, bomb):
    error = costly(read_file, bombs[bomb])
    assert str(error).startswith(bombs[bomb].name) and "1.0 GB of memory" in str(error)
    assert read_file(good["docx"]) == in_process(read_file, good["docx"])  # a new worker reads the next one


def test_a_page_bomb_at_an_address_is_one_input_error(local_site, good):
    html_bomb(local_site.root / "bomb.html")
    url = local_site.url("bomb.html")
    error = costly(read_url, url)
    assert str(error).startswith(url)
    assert read_file(good["html"]) == in_process(read_file, good["html"])


def test_a_bomb_given_to_run_is_one_line_and_batch_goes_on(bombs, good, tmp_path, capsys):
    from summarizer.cli import main as cli_main  # here: a worker imports this module, and needs no CLI

    assert cli_main(["run", str(bombs["core"]), *LIGHT]) == 1
    err = capsys.readouterr().err
    assert "core.docx could not be read within the limits" in err and "Traceback" not in err
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "core.docx").write_bytes(bombs["core"].read_bytes())
    (folder / "story.docx").write_bytes(good["docx"].read_bytes())
    out = tmp_path / "out.jsonl"
    cli_main(["batch", str(folder), str(out), *LIGHT, "--quiet"])
    records = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert "could not be read within the limits" in records["core"]["error"]
    assert records["story"]["sentences"][0] == ARTICLE_LINES[0]


@pytest.fixture(scope="module")
def server(tiny_marian, tmp_path_factory):
    """The server ``summarizer serve`` runs (page, its API, REST), with torch and its threads, on a free port."""
    from summarizer import web as webapp
    from summarizer.web.server import build_app, build_demo, running
    from tests.test_app import FAST

    state = webapp.load_app(None, str(tiny_marian), summary_method="extractive", warm=False,
                            export_dir=tmp_path_factory.mktemp("exports"), allow_private_urls=True, **FAST)
    with running(build_app(state, build_demo(state), keys=())) as url:
        yield url


def test_the_server_refuses_a_bomb_uploaded_or_fetched_and_keeps_its_memory(server, bombs, good, local_site):
    import httpx
    from gradio_client import Client, handle_file

    client = Client(server, verbose=False)
    (local_site.root / "fonts.pdf").write_bytes(bombs["pdf"].read_bytes())
    assert client.predict(handle_file(str(good["docx"])), api_name="/read_file")["title"] == ARTICLE_TITLE
    before = rss()
    upload = client.predict(handle_file(str(bombs["styles"])), api_name="/read_file")  # the page's API
    fetched = httpx.post(server + "api/v1/translate", json={"url": local_site.url("fonts.pdf")}, timeout=120)
    grown = rss() - before
    assert grown < RSS_MARGIN, f"the server grew by {grown / 2**20:.0f} MB"
    assert upload["error"].startswith("styles.docx could not be read within the limits for one document")
    assert fetched.status_code == 422 and fetched.json()["code"] == COSTLY
    assert client.predict(handle_file(str(good["docx"])), api_name="/read_file")["title"] == ARTICLE_TITLE


# -- each limit, on a cage of small limits ---------------------------------------------------------------
def spin(seconds: float) -> str:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return "done"


def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def hold(megabytes: int) -> int:
    return len(bytearray(megabytes * 2**20))


def text(chars: int) -> str:
    return "ق" * chars


def refuse(name: str) -> None:
    raise InputError(f"{name} is refused by its reader.", code="refused")


def document() -> Document:
    return Document("نص", "عنوان", "docx", "x.docx")


LOOSE = {"memory_bytes": 2**30, "cpu_s": 60, "deadline_s": 60.0, "output_bytes": 2**20}  # none reached here


@pytest.fixture(scope="module")
def small_cage():
    small = cage.Cage(limits=cage.Limits(**LOOSE), workers=1)
    yield small
    small.close()


@pytest.mark.parametrize(("limit", "call", "says"), [
    ({"memory_bytes": 512 * 2**20}, (hold, 1024), "more than 512 MB of memory"),
    ({"cpu_s": 1}, (spin, 30), "more than 1 s of computing"),
    ({"deadline_s": 1.0}, (sleep, 30), "more than 1 s)"),
    ({"output_bytes": 100 * 2**10}, (text, 200_000), "more than 100 KB of text"),
])
def test_each_limit_ends_in_one_input_error_and_the_worker_is_replaced(limit, call, says):
    small = cage.Cage(limits=cage.Limits(**{**LOOSE, **limit}), workers=1)
    function, argument = call
    try:
        assert small.run(text, (3,), name="x.bin") == "ققق"
        (first,) = small.workers()
        with pytest.raises(InputError, match=r"^x\.bin could not be read within the limits") as caught:
            small.run(function, (argument,), name="x.bin")
        assert caught.value.code == COSTLY and says in str(caught.value)
        assert small.workers() == []  # that worker is gone...
        assert small.run(hold, (10,), name="x.bin") == 10 * 2**20  # ...and a new one takes the next call
        assert small.workers() not in ([], [first])
    finally:
        small.close()


def test_errors_and_values_come_back_as_they_were(small_cage):
    with pytest.raises(InputError, match=r"^x\.bin is refused by its reader\.$") as caught:
        small_cage.run(refuse, ("x.bin",), name="x.bin")
    assert caught.value.code == "refused"
    assert small_cage.run(text, (2,), name="x") == "قق"
    assert small_cage.run(document, name="x") == vars(document())  # a dataclass: the dict of its fields
    with pytest.raises(RuntimeError, match="TypeError"):  # a bug is no limit: said as one
        small_cage.run(hold, ("many",), name="x")


def test_a_function_defined_inside_another_is_not_sent_to_a_worker(small_cage):
    def local() -> None:
        pass

    assert cage.target_of(local) is None and cage.target_of(spin) == ("tests.test_cage", "spin")
    with pytest.raises(ValueError, match="cannot be found by name"):
        small_cage.run(local, name="x")


# -- what the cage costs a good document ---------------------------------------------------------------------
def measure(rounds: int = 20) -> None:
    """Print the time of reading each sample document in the cage (a warm worker) and in the process."""
    import tempfile

    folder = Path(tempfile.mkdtemp())
    paths = {"docx": make_docx(folder / "story.docx", ARTICLE_LINES, title=ARTICLE_TITLE),
             "pdf": make_pdf(folder / "story.pdf", ARTICLE_LINES, title=ARTICLE_TITLE),
             "html": PAGES / "article.html"}
    started = time.perf_counter()
    read_file(paths["docx"])
    print(f"a worker's start and first document: {time.perf_counter() - started:.3f} s")
    for path in paths.values():
        in_process(read_file, path)  # each reader's first use (imports, caches) is not measured
    for kind, path in paths.items():
        caged = _best(lambda p=path: read_file(p), rounds)
        here = _best(lambda p=path: in_process(read_file, p), rounds)
        print(f"{kind}: caged {caged * 1000:.1f} ms, in process {here * 1000:.1f} ms, "
              f"ratio {caged / here:.2f}, overhead {(caged - here) * 1000:.1f} ms")


def _best(call, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    measure()
