"""The registry of document readers: a reader registered in a few lines (here, in this module alone) is
read by every surface: ``read_file`` (the page's upload), ``summarizer run FILE``, the one-machine
``summarizer batch FOLDER`` and the Ray batch's folder scan."""

from __future__ import annotations

import json

import pytest

from summarizer.batch import shards
from summarizer.cli import main as cli_main
from summarizer.inputs import documents
from summarizer.inputs.documents import Document, register_reader

ARTICLE = ("قال الوزير إن المحادثات ستستأنف الأسبوع المقبل في العاصمة بعد توقف دام شهرين. "
           "وأضاف أن الوفد وصل إلى المدينة صباح اليوم.")
LIGHT = ["--summary-method", "lead", "--no-translate", "--quiet"]


@pytest.fixture
def markdown_reader():
    @register_reader(suffixes=(".md",), mime=("text/markdown",), kind="markdown", label="the Markdown file")
    def read_markdown(data: bytes, name: str) -> Document:
        return Document(data.decode("utf-8").lstrip("# "), "", "markdown", name)

    yield read_markdown
    documents.unregister_reader("markdown")


def test_a_toy_reader_is_read_by_read_file_and_named_by_kind(tmp_path, markdown_reader):
    path = tmp_path / "خبر.md"
    path.write_text("# " + ARTICLE, encoding="utf-8")
    document = documents.read_file(path)
    assert document.text == ARTICLE and document.source_kind == "markdown"
    assert document.kind_label == "the Markdown file"
    assert ".md" in documents.DOCUMENT_SUFFIXES and documents.is_document_path("x.MD")
    assert documents.read_document(str(path)).text == ARTICLE


def test_without_it_the_kind_is_refused(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(ARTICLE, encoding="utf-8")
    with pytest.raises(documents.InputError, match=r"cannot read \.md"):
        documents.read_file(path)
    assert ".md" not in documents.DOCUMENT_SUFFIXES and not documents.is_document_path("a.md")


def test_a_toy_reader_is_read_by_run_and_both_batches(tmp_path, capsys, markdown_reader):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.md").write_text("# " + ARTICLE, encoding="utf-8")
    (folder / "two.txt").write_text(ARTICLE, encoding="utf-8")
    assert cli_main(["run", str(folder / "one.md"), "--json", *LIGHT[:-1]]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["sentences"][0].startswith("قال الوزير")
    out = tmp_path / "out.jsonl"
    assert cli_main(["batch", str(folder), str(out), *LIGHT]) == 0
    assert "warning" not in capsys.readouterr().err  # nothing skipped: the .md file is read
    written = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert sorted(written) == ["one", "two"] and written["one"]["sentences"] == written["two"]["sentences"]
    scanned = [r for s in shards.scan_input(str(folder), 10) for r in shards.read_shard(s)]
    assert [(r.id, r.text) for r in scanned] == [("one", ARTICLE), ("two", ARTICLE)]


def test_the_built_in_readers_carry_their_kind_words():
    assert {kind: reader.describe for kind, reader in documents.READERS.items()} == {
        "text": "the file", "html": "the web page", "docx": "the Word file", "pdf": "the PDF"}
    assert documents.DOCUMENT_SUFFIXES == (".txt", ".html", ".htm", ".xhtml", ".docx", ".pdf")
    assert Document("x", source_kind="url").kind_label == "the article at"
    assert documents.reader_for("a.PDF").mime == ("application/pdf",)
