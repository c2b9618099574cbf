"""Documents translated over HTTP, on a live server: REST's ``POST /api/v1/translate_file``, LibreTranslate's
``POST /translate_file`` with its ``GET /download_file/...``, and ``GET /frontend/settings``; then a hostile
user's attempts: names that climb out of folders, download URLs that do, tokens of another server or expired,
uploads over the limits, a .docx bomb, the wrong content type, concurrent uploads, temporary files left behind.

httpx is the client (``libretranslatepy`` has no file method). Tiny local models: only structure, statuses and
equivalences with the Python API are checked, never the English's quality.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import secrets
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from summarizer.inputs.documents import DOCX_TYPE
from summarizer.translated import writer_suffixes
from summarizer.web import translated_files
from summarizer.web.schemas import TranslateFileAnswer
from summarizer.web.translated_files import Downloads, TranslatedFile, upload_names
from tests.sample_documents import ARTICLE_LINES, make_pdf
from tests.test_rest import ARTICLE, api_server, state  # noqa: F401  (the module's state fixture)
from tests.translated_documents import make_arabic_docx

pytestmark = pytest.mark.slow  # live servers

LIBRETRANSLATE_SETTINGS = {"charLimit", "frontendTimeout", "apiKeys", "keyRequired", "suggestions", "filesTranslation",
                           "supportedFilesFormat", "language"}  # LibreTranslate's app.py, frontend_settings()


@pytest.fixture(scope="module")
def url(state):  # noqa: F811
    with api_server(state, concurrency=2) as url:
        yield url


@pytest.fixture
def http(url):
    with httpx.Client(base_url=url, timeout=120) as client:
        yield client


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> bytes:
    return make_arabic_docx(tmp_path_factory.mktemp("docs") / "report.docx").read_bytes()


@pytest.fixture
def scratch(tmp_path, monkeypatch) -> Path:
    """The system's temporary folder, for this test: where the server makes its private folders."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _post(http, name: str, data: bytes, path: str = "api/v1/translate_file", **kwargs) -> httpx.Response:
    files = {"file": (name, data, "application/octet-stream")}
    return http.post(path, files=files, **kwargs)


def _local(state, tmp_path, name: str, data: bytes):  # noqa: F811
    """What ``Service.translate_document`` writes for the same file here: the reference."""
    source = tmp_path / name
    source.write_bytes(data)
    out = tmp_path / upload_names(name)[1]
    return state.service.translate_document(source, out), out.read_bytes()


# -- REST ------------------------------------------------------------------------------------------------------
def test_a_word_file_comes_back_as_a_word_file_with_its_record_in_headers(http, state, report, tmp_path):  # noqa: F811
    import docx

    r = _post(http, "report.docx", report)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == DOCX_TYPE
    assert r.headers["content-disposition"] == 'attachment; filename="report.en.docx"'
    done, data = _local(state, tmp_path, "report.docx", report)
    assert int(r.headers["x-translated-sentences"]) == done.sentences > 0
    assert int(r.headers["x-translated-segments"]) == done.segments
    assert int(r.headers["x-arabic-left"]) == done.arabic_left
    assert r.headers["x-document-notes"] == ""
    english = docx.Document(io.BytesIO(r.content))
    assert [p.text for p in english.paragraphs] == [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_the_json_answer_is_the_record_with_the_document_and_no_server_path(http, state, report, tmp_path):  # noqa: F811
    r = _post(http, "report.docx", report, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    done, _ = _local(state, tmp_path, "report.docx", report)
    expected = {**done.to_dict(), "path": "report.en.docx", "source": "report.docx"}
    assert {k: body[k] for k in expected} == expected
    assert body["filename"] == "report.en.docx" and body["media_type"] == DOCX_TYPE
    assert zipfile.ZipFile(io.BytesIO(base64.b64decode(body["document"]))).testzip() is None
    assert "/" not in body["path"] + body["source"] and tempfile.gettempdir() not in r.text
    TranslateFileAnswer.model_validate(body)  # the answer's schema in /openapi.json
    route = http.get("openapi.json").json()["paths"]["/api/v1/translate_file"]["post"]
    form = route["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file"] and {"file", "num_beams", "checks", "translation"} <= set(form["properties"])
    assert DOCX_TYPE in route["responses"]["200"]["content"]


def test_pages_text_markdown_and_pdfs_come_back_in_their_kinds(http, tmp_path):
    page = f'<html lang="ar" dir="rtl"><body><p>{ARTICLE}</p></body></html>'.encode()
    cases = {"page.html": (page, "text/html; charset=utf-8", "page.en.html"),
             "notes.txt": (ARTICLE.encode(), "text/plain; charset=utf-8", "notes.en.txt"),
             "notes.md": (f"# {ARTICLE}".encode(), "text/markdown; charset=utf-8", "notes.en.md"),
             "scan.pdf": (make_pdf(tmp_path / "a.pdf", ARTICLE_LINES).read_bytes(), DOCX_TYPE, "scan.en.docx")}
    for name, (data, kind, written) in cases.items():
        r = _post(http, name, data)
        assert r.status_code == 200, (name, r.text)
        assert r.headers["content-type"] == kind and f'filename="{written}"' in r.headers["content-disposition"]
    assert b'dir="ltr"' in _post(http, "page.html", page).content
    assert _post(http, "scan.pdf", cases["scan.pdf"][0]).headers["x-document-notes"] == "pdf-as-text"


def test_an_arabic_name_is_kept_for_the_download(http):
    r = _post(http, "تقرير الوزارة.txt", ARTICLE.encode())
    assert r.status_code == 200
    assert r.headers["content-disposition"] == (
        "attachment; filename=\"translated.txt\"; filename*=UTF-8''%D8%AA%D9%82%D8%B1%D9%8A%D8%B1-"
        "%D8%A7%D9%84%D9%88%D8%B2%D8%A7%D8%B1%D8%A9.en.txt")


def test_form_fields_are_the_translation_options(http):
    ok = http.post("api/v1/translate_file", files={"file": ("a.txt", ARTICLE.encode())},
                   data={"num_beams": "1", "checks": "off"})
    assert ok.status_code == 200, ok.text
    for fields, code in (({"num_beams": "99"}, "too-many-beams"), ({"num_beams": "two"}, "bad-field"),
                         ({"checks": "maybe"}, "bad-field"), ({"summary_method": "lead"}, "bad-field"),
                         ({"translation": "no-such-model"}, "unknown-translation")):
        r = http.post("api/v1/translate_file", files={"file": ("a.txt", ARTICLE.encode())}, data=fields)
        assert (r.status_code, r.json()["code"]) == (422, code), fields


def _encrypted() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512


REFUSED = {  # name, bytes -> status, code
    "old .doc": ("old.doc", _encrypted(), 422, "document-old-format"),
    "OpenDocument": ("notes.odt", b"PK\x03\x04", 422, "document-format"),
    "no suffix": ("notes", b"text", 422, "document-format"),
    "encrypted": ("secret.docx", _encrypted(), 422, "document-encrypted"),
    "damaged": ("broken.docx", b"PK\x03\x04 not a zip at all", 422, "document-damaged"),
    "a picture named .docx": ("photo.docx", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, 422, "document-damaged"),
    "not UTF-8": ("latin.txt", "قال".encode("cp1256"), 422, "document-unreadable"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_documents_that_cannot_be_translated_are_refused_with_their_codes(http, case):
    name, data, status, code = REFUSED[case]
    r = _post(http, name, data)
    assert (r.status_code, r.json()["code"]) == (status, code), r.text
    assert set(r.json()) == {"error", "code"}


def test_a_scanned_pdf_is_refused(http, tmp_path):
    r = _post(http, "scan.pdf", make_pdf(tmp_path / "scan.pdf", []).read_bytes())
    assert (r.status_code, r.json()["code"]) == (422, "document-unreadable")


def test_without_a_translation_model_it_is_503(http, state, monkeypatch):  # noqa: F811
    monkeypatch.setattr(state.service.pipeline, "translator", None)
    r = _post(http, "a.txt", ARTICLE.encode())
    assert (r.status_code, r.json()["code"]) == (503, "no-translation")


def test_a_document_over_the_budget_is_refused_before_its_translation(http, state, monkeypatch, report):  # noqa: F811
    monkeypatch.setattr(state.service, "budget", dataclasses.replace(state.service.budget, max_cost=500))
    calls = []
    monkeypatch.setattr(state.service.pipeline.translator, "translate_scored",
                        lambda *a, **k: calls.append(a) or [])
    r = _post(http, "report.docx", report)
    assert (r.status_code, r.json()["code"]) == (413, "over-budget") and calls == []


# -- LibreTranslate ------------------------------------------------------------------------------------------
def test_libretranslate_translate_file_gives_a_url_to_the_document(http, url, report):
    r = http.post("translate_file", files={"file": ("report.docx", report)}, data={"source": "ar", "target": "en"})
    assert r.status_code == 200, r.text
    (link,) = r.json().values()
    assert list(r.json()) == ["translatedFileUrl"] and link.startswith(f"{url}download_file/")
    assert link.endswith("/report.en.docx")
    got = httpx.get(link, timeout=60)
    assert got.status_code == 200 and got.headers["content-type"] == DOCX_TYPE
    assert got.headers["content-disposition"] == 'attachment; filename="report.en.docx"'
    assert got.content == _post(http, "report.docx", report).content  # the REST answer's document
    again = http.post("translate_file", files={"file": ("report.docx", report)}, data={"source": "auto", "target": "en"})
    assert again.json()["translatedFileUrl"] != link  # a token of its own each time


def test_libretranslate_file_errors_have_its_shape(http):
    cases = [({"source": "ar"}, ("a.txt", ARTICLE.encode()), "Invalid request: missing target parameter"),
             ({"target": "en"}, ("a.txt", ARTICLE.encode()), "Invalid request: missing source parameter"),
             ({"source": "ar", "target": "fr"}, ("a.txt", ARTICLE.encode()), None),
             ({"source": "ar", "target": "en"}, ("notes.odt", b"PK"), None)]
    for data, file, words in cases:
        r = http.post("translate_file", files={"file": file}, data=data)
        assert r.status_code == 400 and list(r.json()) == ["error"], (data, r.text)
        assert words is None or r.json()["error"] == words
    r = http.post("translate_file", data={"source": "ar", "target": "en", "q": "x"})
    assert (r.status_code, r.json()) == (400, {"error": "Invalid request: missing file parameter"})


def test_frontend_settings_are_libretranslates_keys(http):
    settings = http.get("frontend/settings").json()
    assert set(settings) == LIBRETRANSLATE_SETTINGS
    assert settings["filesTranslation"] is True and settings["supportedFilesFormat"] == list(writer_suffixes())
    assert {".docx", ".html", ".txt", ".md", ".pdf"} <= set(settings["supportedFilesFormat"])
    assert settings["language"] == {"source": {"code": "ar", "name": "Arabic"}, "target": {"code": "en", "name": "English"}}
    assert settings["charLimit"] == 100_000 and settings["keyRequired"] is False


def test_keys_hold_for_files_too(state):  # noqa: F811
    with api_server(state, keys=("k-files",)) as url, httpx.Client(base_url=url, timeout=120) as http:
        assert _post(http, "a.txt", ARTICLE.encode()).status_code == 401
        assert _post(http, "a.txt", ARTICLE.encode(), headers={"X-API-Key": "k-files"}).status_code == 200
        form = {"source": "ar", "target": "en"}
        assert http.post("translate_file", files={"file": ("a.txt", ARTICLE.encode())}, data=form).status_code == 400
        wrong = http.post("translate_file", files={"file": ("a.txt", ARTICLE.encode())}, data={**form, "api_key": "x"})
        assert wrong.status_code == 403
        assert http.get("frontend/settings").json()["keyRequired"] is True


# -- a hostile user ------------------------------------------------------------------------------------------
def test_a_name_that_climbs_out_of_folders_is_only_a_name(http, tmp_path, scratch):
    target = tmp_path / "planted"
    target.mkdir()
    for name in (f"../../../../..{target}/evil.txt", "..\\..\\..\\evil.txt", f"{target}/evil.txt", "../evil.txt"):
        r = _post(http, name, ARTICLE.encode())
        assert r.status_code == 200 and r.headers["content-disposition"] == 'attachment; filename="evil.en.txt"'
    assert list(target.iterdir()) == [] and list(scratch.iterdir()) == []
    assert upload_names("../../etc/passwd.docx") == ("passwd.docx", "passwd.en.docx")
    assert upload_names("..\\..\\x.DOCX") == ("x.docx", "x.en.docx")
    assert upload_names("/.../.html") == ("document.html", "document.en.html")


def test_a_download_url_that_climbs_out_gets_nothing(http, url):
    secret = secrets.token_urlsafe(24)
    for path in ("download_file/..%2F..%2F..%2Fetc%2Fpasswd/x", "download_file/%2Fetc%2Fpasswd/passwd",
                 f"download_file/{secret}/x.docx", "download_file/../../etc/passwd", "download_file/x"):
        r = httpx.get(url + path, timeout=30)
        assert r.status_code == 404, path
        assert b"root:" not in r.content
    r = http.post("translate_file", files={"file": ("a.txt", ARTICLE.encode())}, data={"source": "ar", "target": "en"})
    token = r.json()["translatedFileUrl"].split("/download_file/")[1].split("/")[0]
    climbing = httpx.get(f"{url}download_file/{token}/..%2F..%2F..%2Fetc%2Fpasswd", timeout=30)
    assert climbing.status_code == 404 and b"root:" not in climbing.content
    got = httpx.get(f"{url}download_file/{token}/passwd", timeout=30)
    assert got.status_code == 200 and b"root:" not in got.content  # the name is cosmetic: the token's file
    assert got.headers["content-disposition"] == 'attachment; filename="a.en.txt"'
    missing = httpx.get(f"{url}download_file/{secret}/a.en.txt", timeout=30)
    assert (missing.status_code, list(missing.json())) == (404, ["error"])


def test_a_token_of_another_store_or_expired_finds_nothing(tmp_path):
    now = [0.0]
    mine, other = Downloads(clock=lambda: now[0]), Downloads()
    file = TranslatedFile(b"english", "a.en.txt", "text/plain; charset=utf-8", {})
    token = mine.put(file)
    assert mine.get(token).data == b"english" and other.get(token) is None
    now[0] = translated_files.MAX_AGE_S + 1
    assert mine.get(token) is None and len(mine) == 0
    folder = mine._folder
    assert folder is not None and list(folder.iterdir()) == []  # its file went with it
    mine.close()
    assert not folder.exists()


def test_the_store_keeps_at_most_its_files_and_bytes():
    store = Downloads(max_files=2, max_bytes=10)
    tokens = [store.put(TranslatedFile(b"abc", f"{n}.txt", "text/plain", {})) for n in range(3)]
    assert store.get(tokens[0]) is None and [store.get(t).filename for t in tokens[1:]] == ["1.txt", "2.txt"]
    big = store.put(TranslatedFile(b"x" * 8, "big.txt", "text/plain", {}))
    assert store.get(big) is not None and store.get(tokens[1]) is None  # 3 files: the oldest went
    assert store.get(tokens[2]) is None  # then 3 + 8 bytes, over 10: the next oldest too
    assert len(list(store._folder.iterdir())) == len(store) == 1
    store.close()


def test_an_upload_over_the_limits_is_refused(http, monkeypatch):
    r = _post(http, "big.txt", b"x" * (translated_files.UPLOAD_BYTES + 1))
    assert (r.status_code, r.json()["code"]) == (413, "body-too-large")
    monkeypatch.setattr(translated_files, "MAX_DOCUMENT_BYTES", 1_000)
    r = _post(http, "long.txt", ARTICLE.encode() * 10)
    assert (r.status_code, r.json()["code"]) == (413, "document-too-big")


def test_a_docx_bomb_is_refused(http, report):
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(report)) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info, source.read(info))
        with out.open("word/media/zeros.bin", "w", force_zip64=True) as zeros:
            chunk = b"\0" * 2**20
            for _ in range(201):  # 201 MB unpacked, about 200 KB packed
                zeros.write(chunk)
    assert len(bomb.getvalue()) < 2**20
    r = _post(http, "bomb.docx", bomb.getvalue())
    assert (r.status_code, r.json()["code"]) == (413, "document-too-big")


def test_a_body_that_is_not_a_multipart_form_is_refused(http):
    r = http.post("api/v1/translate_file", json={"file": ARTICLE})
    assert (r.status_code, r.json()["code"]) == (415, "not-multipart")
    r = http.post("api/v1/translate_file", data={"file": ARTICLE})  # a urlencoded form
    assert (r.status_code, r.json()["code"]) == (415, "not-multipart")
    r = http.post("api/v1/translate_file", content=ARTICLE.encode(), headers={"Content-Type": "text/plain"})
    assert (r.status_code, r.json()["code"]) == (400, "bad-json")  # refused at the edge: not JSON
    r = http.post("api/v1/translate_file", data={"num_beams": "1"}, files={"other": ("a.txt", b"x")})
    assert (r.status_code, r.json()["code"]) == (422, "no-file")
    r = http.post("api/v1/translate_file", content=b"--x\r\nbroken", headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert r.status_code in (400, 422) and set(r.json()) == {"error", "code"}
    r = http.post("translate_file", json={"source": "ar", "target": "en"})
    assert (r.status_code, r.json()) == (400, {"error": "Invalid request: missing file parameter"})


def test_concurrent_uploads_keep_their_own_files(http, state, tmp_path, scratch):  # noqa: F811
    texts = {f"doc{n}.txt": line.encode() for n, line in enumerate(ARTICLE_LINES)}
    expected = {name: _local(state, tmp_path, name, data)[1] for name, data in texts.items()}
    with ThreadPoolExecutor(len(texts)) as pool:
        answers = dict(zip(texts, pool.map(lambda item: _post(http, *item), texts.items()), strict=True))
    for name, r in answers.items():
        assert r.status_code == 200 and r.content == expected[name], name
    assert list(scratch.iterdir()) == []


def test_no_temporary_file_is_left_after_an_answer_or_a_refusal(http, state, scratch, monkeypatch, report):  # noqa: F811
    assert _post(http, "report.docx", report).status_code == 200
    assert _post(http, "broken.docx", b"PK\x03\x04 not a zip").status_code == 422
    monkeypatch.setattr(state.service, "budget", dataclasses.replace(state.service.budget, max_cost=500))
    assert _post(http, "report.docx", report).status_code == 413  # refused once the document was read
    monkeypatch.undo()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def failing(*args, **kwargs):
        raise RuntimeError("the model broke")

    monkeypatch.setattr(state.service.pipeline.translator, "translate_scored", failing)
    r = _post(http, "report.docx", report)
    assert (r.status_code, r.json()["code"]) == (500, "internal")
    lt = http.post("translate_file", files={"file": ("report.docx", report)}, data={"source": "ar", "target": "en"})
    assert lt.status_code == 500 and list(lt.json()) == ["error"]
    assert list(scratch.iterdir()) == []
