"""``summarizer serve`` from an installed package, and the repository as a Hugging Face Space.

The fresh virtual environments here are made without a network (there is none in the test machines):
each is a new ``venv`` whose third-party packages come from this test environment's site-packages,
through a ``.pth`` file naming a folder of links to every entry there but this project's own install
(``fresh_venv``). So the checks are: the wheel installs into a venv of its own and serves from there
(not from the checkout), ``requirements.txt`` is satisfied by the versions the suite runs with (pip,
``--no-index``), and ``python app.py`` starts the page in that venv with a Space's environment. What
they do not do is download torch and gradio from their indexes, as the Space's build does.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest
import tomllib

from tests.conftest import ROOT, SEEDS
from tests.test_app import free_port

pytestmark = pytest.mark.slow  # live servers from a built wheel and from fresh virtual environments

README = ROOT / "README.md"


def fresh_venv(where: Path) -> Path:
    """A new venv whose dependencies are this environment's (linked, see the module's docstring)."""
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    (site,) = (venv / "lib").glob("python*/site-packages")
    deps = where / "deps"
    deps.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        own = "arabic_news_summarizer" in entry.name or entry.name.startswith("__editable__")
        if not own and entry.suffix != ".pth" and entry.name != "summarizer":
            (deps / entry.name).symlink_to(entry)
    (site / "deps.pth").write_text(f"{deps}\n", encoding="utf-8")
    return venv


def pip(venv: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                           "--no-index", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, timeout=300, cwd=venv.parent,
                          env=clean_env())  # not the checkout's path: its egg-info would read as installed


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GRADIO_SERVER_NAME", "GRADIO_SERVER_PORT")}
    return {**env, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", **extra}


def wait_until_up(process: subprocess.Popen, url: str, seconds: float = 150) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited ({process.returncode}): {process.stdout.read()}")
        try:
            health = httpx.get(url + "api/v1/health", timeout=5)
            if health.status_code == 200:
                return health
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise AssertionError("the server did not answer in time")


def stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)  # as a service manager stops it
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


# -- summarizer serve ------------------------------------------------------------------------------
def test_serve_has_the_options_of_app_py():
    import argparse

    import app
    from summarizer.cli import build_parser
    from summarizer.web import server

    def options(parser) -> set[str]:
        return {s for action in parser._actions for s in action.option_strings} - {"-h", "--help"}

    page = argparse.ArgumentParser()
    server.add_server_arguments(page)  # what app.py parses (app.main is the server's)
    assert app.main is server.main
    serve = build_parser()._subparsers._group_actions[0].choices["serve"]
    assert options(serve) == options(page)
    assert {"--api-key", "--no-api", "--concurrency", "--max-queue", "--share", "--summary-method"} <= options(page)


def test_host_and_port_follow_gradios_environment_as_on_a_space():
    import argparse

    from summarizer.web.flags import add_server_arguments

    parser = argparse.ArgumentParser()
    add_server_arguments(parser, {"GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": "7861"})
    args = parser.parse_args([])
    assert (args.host, args.port) == ("0.0.0.0", 7861)
    assert parser.parse_args(["--host", "127.0.0.1"]).host == "127.0.0.1"
    plain = argparse.ArgumentParser()
    add_server_arguments(plain, {})
    assert (plain.parse_args([]).host, plain.parse_args([]).port) == ("127.0.0.1", 7860)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out)], check=True, capture_output=True, timeout=300)
    (found,) = out.glob("*.whl")
    return found


def test_summarizer_serve_from_the_installed_wheel(wheel, tmp_path, tiny_marian):
    """The page and the APIs from a wheel in a venv of its own, run elsewhere than the checkout: the
    example articles come from the package data; a translation-only server starts offline."""
    from summarizer.web.examples import example_label

    venv = fresh_venv(tmp_path)
    done = pip(venv, "--no-deps", str(wheel))
    assert done.returncode == 0, done.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = subprocess.run([str(venv / "bin" / "python"), "-c", "import summarizer; print(summarizer.__file__)"],
                           cwd=elsewhere, env=clean_env(), capture_output=True, text=True, timeout=120)
    assert Path(probe.stdout.strip()).is_relative_to(venv), probe.stdout + probe.stderr

    port = free_port()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [str(venv / "bin" / "summarizer"), "serve", "--summary-method", "none", "--translation-model",
         str(tiny_marian), "--port", str(port)],
        cwd=elsewhere, env=clean_env(TMPDIR=str(scratch)), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        health = wait_until_up(process, url).json()
        assert health["translation_model"] and not health["summary_model"]
        config = json.dumps(httpx.get(url + "config", timeout=30).json(), ensure_ascii=False)
        first = example_label(SEEDS[0].read_text(encoding="utf-8"))
        assert first in config  # the page's examples, read from the installed package
        assert "Arabic news summariser" in httpx.get(url, timeout=30).text
        r = httpx.post(url + "api/v1/translate", json={"text": "قال الوزير إن المحادثات ستستأنف."}, timeout=120)
        assert r.status_code == 200 and r.json()["translation"][0]["en"]
        assert httpx.get(url + "docs", timeout=30).status_code == 200
        (uploaded,) = httpx.post(url + "gradio_api/upload", files={"files": ("a.txt", "قال".encode())},
                                 timeout=30).json()
        assert Path(uploaded).parent.parent.name.startswith("summarizer-uploads-")  # its own folder
    finally:
        code = stop(process)
    output = process.stdout.read()
    assert code == 128 + signal.SIGTERM, output  # stopped, after removing what it wrote:
    assert not list(scratch.glob("summarizer-app-*"))  # the page's export folder
    assert not list(scratch.glob("summarizer-uploads-*"))  # its uploads
    assert f"Running on http://127.0.0.1:{port}/ (API reference: http://127.0.0.1:{port}/docs)" in output


# -- the Hugging Face Space -----------------------------------------------------------------------
def front_matter() -> dict:
    import yaml

    text = README.read_text(encoding="utf-8")
    assert text.startswith("---\n"), "a Space's README starts with its YAML front matter"
    return yaml.safe_load(text[4:text.index("\n---\n", 4)])


def test_the_readme_front_matter_makes_a_gradio_space():
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet

    meta = front_matter()
    assert meta["sdk"] == "gradio" and meta["app_file"] == "app.py" and (ROOT / meta["app_file"]).is_file()
    assert meta["title"] and len(meta["short_description"]) <= 60  # the Hub's limit
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (gradio,) = [Requirement(d) for d in project["dependencies"] if Requirement(d).name == "gradio"]
    assert meta["sdk_version"] in gradio.specifier  # the Space's preinstalled Gradio is one we support
    assert meta["python_version"] in SpecifierSet(project["requires-python"])


def test_requirements_txt_is_the_package_dependencies_with_cpu_torch():
    from packaging.requirements import Requirement

    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()]
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines
    listed = {str(Requirement(line)) for line in lines if line and not line.startswith(("#", "-"))}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert listed == {str(Requirement(d)) for d in project["dependencies"]}


def test_a_fresh_venv_from_requirements_txt_starts_the_page_as_a_space_does(tmp_path):
    venv = fresh_venv(tmp_path)
    done = pip(venv, "-r", str(ROOT / "requirements.txt"))  # --no-index: satisfied by what is linked, or fails
    assert done.returncode == 0, done.stdout + done.stderr
    port = free_port()
    env = clean_env(GRADIO_SERVER_NAME="127.0.0.1", GRADIO_SERVER_PORT=str(port),  # what a Space sets (0.0.0.0)
                    HF_HOME=str(tmp_path / "hf"), SUMMARIZER_CACHE=str(tmp_path / "cache"))  # no model at all
    process = subprocess.Popen([str(venv / "bin" / "python"), "app.py"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        health = wait_until_up(process, url).json()
        assert not health["summary_model"] and not health["translation_model"]  # offline: the page says so
        page = httpx.get(url + "config", timeout=30).text
        assert "Running with reduced features" in page
    finally:
        code = stop(process)
    assert code == 128 + signal.SIGTERM, process.stdout.read()
