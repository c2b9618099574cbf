"""``summarizer batch ... --briefs DIR --documents DIR``: one brief an article and one translated document a
document file, named after the item's id, never written over a file already there unless --overwrite; the
folders checked before the models load. Tiny local models: structure only, never the English's quality."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.cli import main
from tests.sample_documents import ARTICLE_LINES
from tests.translated_documents import make_arabic_docx

pytestmark = pytest.mark.slow  # the command line end to end, loading the models


@pytest.fixture
def models(tiny_mt5, tiny_marian) -> list[str]:
    return ["--summary-model", str(tiny_mt5), "--translation-model", str(tiny_marian), "--beams", "1",
            "--summary-method", "lead"]


@pytest.fixture
def folder(tmp_path) -> Path:
    """A folder INPUT: a Word file, a web page, a text file, and a JSONL file of one record."""
    folder = tmp_path / "in"
    folder.mkdir()
    make_arabic_docx(folder / "report.docx")
    (folder / "page.html").write_text(f'<html lang="ar" dir="rtl"><body><h1>{ARTICLE_LINES[0]}</h1><p>'
                                      f'{" ".join(ARTICLE_LINES)}</p></body></html>', encoding="utf-8")
    (folder / "notes two.txt").write_text("\n".join(ARTICLE_LINES), encoding="utf-8")
    (folder / "more.jsonl").write_text(json.dumps({"id": "wire/7", "text": " ".join(ARTICLE_LINES)}) + "\n",
                                       encoding="utf-8")
    return folder


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_briefs_and_documents_are_written_one_an_item(folder, tmp_path, models, capsys):
    import docx

    briefs, documents = tmp_path / "briefs", tmp_path / "documents"
    code = main(["batch", str(folder), str(tmp_path / "out.jsonl"), "--briefs", str(briefs), "--documents",
                 str(documents), *models])
    assert code == 0
    assert _names(briefs) == ["notes-two.docx", "page.docx", "report.docx", "wire-7.docx"]
    assert _names(documents) == ["notes-two.en.txt", "page.en.html", "report.en.docx"]  # no document: the JSONL's
    source, english = docx.Document(str(folder / "report.docx")), docx.Document(str(documents / "report.en.docx"))
    assert len(english.paragraphs) == len(source.paragraphs) and len(english.tables) == len(source.tables)
    assert 'dir="ltr"' in (documents / "page.en.html").read_text(encoding="utf-8")
    assert len((documents / "notes-two.en.txt").read_text(encoding="utf-8").splitlines()) == len(ARTICLE_LINES)
    assert docx.Document(str(briefs / "report.docx")).tables  # the article as Arabic | English
    err = capsys.readouterr().err
    assert f"briefs: 4 written -> {briefs}" in err and f"documents: 3 written -> {documents}" in err
    assert "documents: 100%" in err  # the documents' own progress bar


def test_files_already_there_are_kept_unless_overwrite(folder, tmp_path, models, capsys):
    briefs, documents = tmp_path / "briefs", tmp_path / "documents"
    documents.mkdir()
    (documents / "report.en.docx").write_bytes(b"the user's own edits")
    args = ["--briefs", str(briefs), "--documents", str(documents), "--brief-format", "md", "--quiet", *models]
    assert main(["batch", str(folder), str(tmp_path / "one.jsonl"), *args]) == 0
    assert (documents / "report.en.docx").read_bytes() == b"the user's own edits"
    assert _names(briefs) == ["notes-two.md", "page.md", "report.md", "wire-7.md"]
    err = capsys.readouterr().err
    assert "report.en.docx: already exists, kept (--overwrite replaces it)" in err
    assert "documents: 2 written, 1 not written (see above)" in err

    (briefs / "page.md").write_text("edited", encoding="utf-8")
    assert main(["batch", str(folder), str(tmp_path / "two.jsonl"), *args]) == 0
    assert (briefs / "page.md").read_text(encoding="utf-8") == "edited"
    assert "briefs: 0 written, 4 not written" in capsys.readouterr().err

    assert main(["batch", str(folder), str(tmp_path / "two.jsonl"), "--overwrite", *args]) == 0
    assert (documents / "report.en.docx").read_bytes().startswith(b"PK")  # a Word file now
    assert (briefs / "page.md").read_text(encoding="utf-8") != "edited"
    err = capsys.readouterr().err
    assert "briefs: 4 written ->" in err and "documents: 3 written ->" in err


def test_the_folders_are_checked_before_anything_runs(folder, tmp_path, models, capsys):
    out = tmp_path / "out.jsonl"
    (tmp_path / "a-file").write_text("x")
    cases = [["--documents", str(folder)], ["--briefs", str(tmp_path / "a-file")],
             ["--briefs", "s3://bucket/briefs"]]
    for extra in cases:
        assert main(["batch", str(folder), str(out), *extra, "--quiet", *models]) == 2, extra
        assert capsys.readouterr().err.startswith("error: --"), extra
        assert not out.exists() or out.stat().st_size == 0
    assert _names(folder) == ["more.jsonl", "notes two.txt", "page.html", "report.docx"]  # nothing written in INPUT


def test_a_ray_batch_says_the_folders_are_the_one_machine_batchs(folder, tmp_path, capsys):
    assert main(["batch", str(folder), str(tmp_path / "parts"), "--ray", "--briefs", str(tmp_path / "b")]) == 2
    assert "--briefs is for the one-machine batch" in capsys.readouterr().err
