"""No answer of a server says where its files are: a model is named by its hub id or its folder's name.

An outside caller of ``summarizer serve`` could read the server's paths (its home, its model folders, its
conversion cache) in GET /api/v1/models, in every result's ``models.*.id``, in the load error of a broken
model and in the text of an OSError. Here the models lie in temporary folders and load through the real
loaders; every answer a caller gets (REST, the page's API and its downloads, the page's configuration) is
searched for those folders, the home folder, the conversion cache and ``/tmp/``. The command line keeps
a folder as its user gave it (relative stays relative, ``~`` unexpanded), never a path it resolved.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import httpx
import pytest

from summarizer import web as webapp
from summarizer.engines.export import EXPORT_INFO, cache_root, convert_model
from summarizer.engines.loader import clear_cache
from summarizer.errors import API, CLI, PAGE, ModelLoadError
from summarizer.redact import public_model_id, without_paths
from summarizer.result import Result
from summarizer.service import Service
from tests.test_app import FAST
from tests.test_rest import ARTICLE, api_server

pytestmark = pytest.mark.slow  # live servers and command-line runs, each searched for the server's paths

HUB_ID = "Helsinki-NLP/opus-mt-ar-en"
# What an OSError raised deep in a library may say: a path of the serving machine.
SECRET = "/srv/secret-home/.cache/summarizer/ct2/opus-int8/model.bin"


# -- the one rule ---------------------------------------------------------------------------------
def test_a_model_is_named_by_hub_id_or_folder_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "models" / "opus-mt-ar-en").mkdir(parents=True)
    assert public_model_id(HUB_ID) == HUB_ID and public_model_id("t5-small") == "t5-small"
    assert public_model_id("/home/user/models/opus-mt-ar-en/") == "opus-mt-ar-en"
    assert public_model_id("~/models/opus-mt-ar-en") == "opus-mt-ar-en"
    assert public_model_id("./opus-mt-ar-en") == "opus-mt-ar-en"
    assert public_model_id("models/opus-mt-ar-en") == "opus-mt-ar-en"  # owner/name in form, but a folder here
    assert public_model_id("C:\\Users\\me\\opus-mt-ar-en") == "opus-mt-ar-en"
    export = "/root/.cache/arabic-news-summarizer/ct2/Helsinki-NLP--opus-mt-ar-en-int8"
    assert public_model_id(export, converted_from=HUB_ID) == HUB_ID  # an export: the hub model's id
    assert public_model_id(export, converted_from="/srv/models/opus-mt-ar-en") == "Helsinki-NLP--opus-mt-ar-en-int8"
    assert public_model_id(".") == tmp_path.name and public_model_id(None) is None


def test_an_error_text_keeps_each_paths_last_component_only():
    assert without_paths(f"[Errno 2] No such file or directory: '{SECRET}'") == \
        "[Errno 2] No such file or directory: 'model.bin'"
    assert without_paths("the folder /srv/models/opus-mt-ar-en does not exist.") == \
        "the folder opus-mt-ar-en does not exist."
    assert without_paths("see ~/models/x and C:\\models\\y") == "see x and y"
    for kept in ("https://huggingface.co/Helsinki-NLP/opus-mt-ar-en", "1/2 and/or 3 / 4", "csebuetnlp/mT5"):
        assert without_paths(kept) == kept


def test_a_load_error_names_the_folder_for_other_people_and_the_path_for_its_user():
    error = ModelLoadError("translation", "/srv/models/opus-mt-ar-en",
                           "the folder /srv/models/opus-mt-ar-en does not exist", "check-folder")
    for surface in (PAGE, API):
        assert "'opus-mt-ar-en'" in error.message(surface) and "/srv/" not in error.message(surface)
    assert "/srv/models/opus-mt-ar-en" in error.message(CLI) and "/srv/models/opus-mt-ar-en" in str(error)


def server_paths(*folders: Path) -> set[str]:
    """What no answer may hold: the models' folders (as given and resolved), the home folder, the conversion
    cache and the temporary folders."""
    found = {"/tmp/", tempfile.gettempdir().rstrip(os.sep) + os.sep, str(cache_root())}
    home = str(Path.home()).rstrip(os.sep)
    if home:
        found.add(home + os.sep)
    for folder in folders:
        found |= {str(folder), str(folder.resolve())}
    return found


def assert_no_paths(answer: str, paths: set[str]) -> None:
    leaked = sorted(p for p in paths if p in answer)
    assert not leaked, f"{leaked} in: {answer[:3000]}"


# -- a server whose models lie in a folder of its own ---------------------------------------------
@pytest.fixture(scope="module")
def models(tmp_path_factory, tiny_mt5, tiny_marian) -> Path:
    """A server's model folder: mT5 and Opus-MT as Hugging Face folders (the loader converts them into the
    cache), and a CTranslate2 export of the hub's Opus-MT as the cache holds one (its export information
    names the hub id it was converted from)."""
    root = tmp_path_factory.mktemp("server-home") / "models"
    shutil.copytree(tiny_mt5, root / "mT5_multilingual_XLSum")
    shutil.copytree(tiny_marian, root / "opus-mt-ar-en")
    export = convert_model(str(root / "opus-mt-ar-en"), root / "ct2" / "Helsinki-NLP--opus-mt-ar-en-int8")
    info = json.loads((export / EXPORT_INFO).read_text(encoding="utf-8"))
    (export / EXPORT_INFO).write_text(json.dumps({**info, "source_model": HUB_ID}), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def state(models, tmp_path_factory) -> webapp.AppState:
    return webapp.load_app(str(models / "mT5_multilingual_XLSum"),
                           str(models / "ct2" / "Helsinki-NLP--opus-mt-ar-en-int8"),
                           export_dir=tmp_path_factory.mktemp("exports"), **FAST)


@pytest.fixture(scope="module")
def url(state):
    with api_server(state) as url:
        yield url


def test_rest_answers_name_each_model_by_hub_id_or_folder_name(url, models):
    paths = server_paths(models)
    with httpx.Client(base_url=url, timeout=120) as http:
        answers = {"models": http.get("api/v1/models"),
                   "summarize": http.post("api/v1/summarize", json={"text": ARTICLE}),
                   "translate": http.post("api/v1/translate", json={"text": ARTICLE})}
    for name, answer in answers.items():
        assert answer.status_code == 200, (name, answer.text)
        assert_no_paths(answer.text, paths)
    info = answers["models"].json()
    assert info["models"]["summary"]["id"] == "mT5_multilingual_XLSum"  # a folder: its name only
    assert info["models"]["translation"]["id"] == HUB_ID  # an export: the hub id it was converted from
    assert info["models"]["translation"]["choice"] == "fast"
    record = answers["summarize"].json()
    assert record["models"] == info["models"]
    assert Result.from_dict(record).models == info["models"]  # a record still reads back
    assert info["default_translation"] in {t["name"] for t in info["translations"]}


def test_the_page_its_api_and_its_downloads_name_no_server_path(url, models):
    from gradio_client import Client

    paths = server_paths(models)
    out = Client(url, verbose=False).predict(ARTICLE, "abstractive", "lead", api_name="/summarize")
    *_, status, json_file, md_file, result = out
    assert result["models"]["summary"]["id"] == "mT5_multilingual_XLSum"
    for text in (json.dumps(result, ensure_ascii=False), status, Path(json_file).read_text(encoding="utf-8"),
                 Path(md_file).read_text(encoding="utf-8")):
        assert_no_paths(text, paths)
    page = httpx.get(f"{url}config", timeout=60)  # what the page is built from: choices, notices, models
    assert page.status_code == 200 and "mT5_multilingual_XLSum" in page.text
    assert_no_paths(page.text, paths)


def test_the_default_translation_keeps_working_under_its_public_name(state, url):
    name = state.service.default_translation
    assert "/" not in name
    with httpx.Client(base_url=url, timeout=120) as http:
        answer = http.post("api/v1/translate", json={"text": ARTICLE, "translation": name})
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("engine", ["ctranslate2", "transformers"])
def test_each_engine_describes_a_folder_by_its_name_on_a_server(models, engine):
    service = Service.load(str(models / "mT5_multilingual_XLSum"), str(models / "opus-mt-ar-en"), engine=engine,
                           **FAST)
    assert {role: m["id"] for role, m in service.pipeline.models.items()} == {
        "summary": "mT5_multilingual_XLSum", "translation": "opus-mt-ar-en"}
    record = service.run(ARTICLE).to_dict()
    assert_no_paths(json.dumps(record, ensure_ascii=False), server_paths(models))
    assert record["models"] == service.pipeline.models


# -- a server whose models cannot be loaded -------------------------------------------------------
@pytest.fixture(scope="module")
def broken(tmp_path_factory, tiny_mt5) -> Path:
    """A truncated mT5 (damaged weights); the translation folder is missing altogether."""
    root = tmp_path_factory.mktemp("broken-home") / "models"
    folder = shutil.copytree(tiny_mt5, root / "truncated-mt5")
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100_000])
    return root


def test_a_server_with_broken_models_says_which_and_why_without_its_paths(broken, tmp_path):
    state = webapp.load_app(str(broken / "truncated-mt5"), str(broken / "missing-opus-mt"),
                            export_dir=tmp_path / "exports", **FAST)
    paths = server_paths(broken)
    # the user who started the server gave those folders: the Python and command-line words keep them
    assert str(broken / "truncated-mt5") in str(state.service.load_errors["summary"])
    notice = webapp.notice_markdown(state)
    assert "truncated-mt5" in notice and "damaged" in notice and "missing-opus-mt" in notice
    assert_no_paths(notice, paths)
    page = webapp.summarize(state, ARTICLE, "abstractive", "lead")
    assert page.result["summary_method"] == "extractive-lexrank"
    assert_no_paths(json.dumps(page.result, ensure_ascii=False) + page.status, paths)
    with api_server(state) as url, httpx.Client(base_url=url, timeout=120) as http:
        answers = {"models": http.get("api/v1/models"),
                   "summarize": http.post("api/v1/summarize", json={"text": ARTICLE}),
                   "translate": http.post("api/v1/translate", json={"text": ARTICLE}),
                   "config": http.get("config")}
    for answer in answers.values():
        assert_no_paths(answer.text, paths)
    assert answers["summarize"].status_code == 200 and answers["translate"].status_code == 503
    errors = answers["models"].json()["load_errors"]
    assert "'truncated-mt5'" in errors["summary"] and "damaged" in errors["summary"]
    assert "'missing-opus-mt'" in errors["translation"] and "does not exist" in errors["translation"]


# -- an error whose text holds a path -------------------------------------------------------------
def test_an_oserror_is_told_without_the_path_it_names(state, monkeypatch):
    def fails(*args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory", SECRET)

    monkeypatch.setattr(state.service.pipeline, "_summarize_and_translate", fails)  # inside an article's work
    (result,) = state.service.pipeline.batch([ARTICLE], progress=False)
    assert "FileNotFoundError" in result.error and "model.bin" in result.error and "/srv/" not in result.error
    monkeypatch.setattr(state.service, "run", fails)  # outside it: the page's generic message
    out = webapp.summarize(state, ARTICLE, "lead", "lead")
    assert "FileNotFoundError" in out.status
    assert "/srv/" not in out.status and "/srv/" not in json.dumps(out.result)


# -- the command line: the folder as its user gave it ---------------------------------------------
@pytest.mark.parametrize("engine", ["ctranslate2", "transformers"])
@pytest.mark.parametrize("given", ["~/models/opus-mt-ar-en", "models/opus-mt-ar-en"])
def test_run_json_names_the_folder_as_given_never_a_path_it_resolved(
        tmp_path, tiny_marian_eos, monkeypatch, capsys, engine, given):
    from summarizer.cli import main

    home = tmp_path / "home"
    shutil.copytree(tiny_marian_eos, home / "models" / "opus-mt-ar-en")
    (home / "article.txt").write_text(ARTICLE, encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home)
    clear_cache()
    assert main(["run", "article.txt", "--summary-method", "lead", "--translation-model", given, "--engine", engine,
                 "--beams", "1", "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["models"]["translation"]["id"] == given
    assert_no_paths(out, server_paths(home))
