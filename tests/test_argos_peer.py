"""eval.speed's peer: an Argos Translate package built from one of our CTranslate2 exports, which the installed
argostranslate accepts, installs and translates with, offline.

argostranslate reads its folders and settings from the environment once, when first imported, so each use
runs in a fresh process (as ``python -m eval.speed`` would be).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from eval.speed import ARGOS_PACKAGE, build_argos_package
from summarizer.engines.export import convert_model

pytestmark = pytest.mark.slow  # starts a process that imports argostranslate (stanza, spaCy)
pytest.importorskip("argostranslate")
ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, sys
from pathlib import Path
from eval.speed import load_argos
package, root, length = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
translation = load_argos(package, root, threads=1, length=length)
text = "قال الوزير إن المحادثات ستستأنف الأسبوع المقبل. وأضاف أن الوفدين اتفقا على جدول الأعمال."
english = translation.translate(text)
print(json.dumps({"english": english, "code": translation.pkg.code, "from": translation.pkg.from_code,
                  "to": translation.pkg.to_code, "sbd": str(translation.pkg.packaged_sbd_path),
                  "sentences": translation.translator.sentences,
                  "output_tokens": translation.translator.output_tokens,
                  "installed": sorted(p.name for p in (root / "packages").iterdir())}))
"""


@pytest.fixture(scope="module")
def package(tiny_marian, tmp_path_factory) -> Path:
    export = convert_model(str(tiny_marian), tmp_path_factory.mktemp("ct2") / "marian-int8", quantization="int8")
    return build_argos_package(export, tmp_path_factory.mktemp("argos-build"), name="tiny")


def test_the_package_has_the_argos_layout(package):
    assert package.suffix == ".argosmodel" and zipfile.is_zipfile(package)
    names = set(zipfile.ZipFile(package).namelist())
    folder = f"{ARGOS_PACKAGE}/"
    assert {folder + "metadata.json", folder + "sentencepiece.model", folder + "model/model.bin",
            folder + "model/config.json"} <= names
    assert any(name.startswith(folder + "model/") and "vocabulary" in name for name in names)
    assert any(name.startswith(folder + "spacy/") for name in names)  # the offline sentence splitter
    metadata = json.loads(zipfile.ZipFile(package).read(folder + "metadata.json"))
    assert (metadata["from_code"], metadata["to_code"], metadata["type"]) == ("ar", "en", "translate")
    assert not package.parent.joinpath(ARGOS_PACKAGE).exists()  # only the archive is left


def test_argostranslate_installs_and_translates_with_it_offline(package, tmp_path):
    done = subprocess.run([sys.executable, "-c", CHILD, str(package), str(tmp_path / "argos"), "5"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["installed"] == [ARGOS_PACKAGE]  # installed under the temporary ARGOS_PACKAGES_DIR
    assert (answer["from"], answer["to"], answer["code"]) == ("ar", "en", f"{ARGOS_PACKAGE}-tiny")
    assert answer["sbd"].endswith("spacy")  # the package's own splitter: nothing downloaded
    assert isinstance(answer["english"], str) and answer["english"].strip()
    assert answer["sentences"] == 2  # spaCy's sentencizer split the two sentences
    assert answer["output_tokens"] == [5, 5]  # forced lengths hold through Argos's own translate_batch call
    assert "Downloading" not in done.stderr and "HTTPSConnection" not in done.stderr


def test_the_benchmark_puts_argos_beside_ours_and_the_default_beside_fast(tmp_path):
    """`python -m eval.speed` (tiny models): the peer's rows, measured in the same run, and (5) against (6)."""
    out = tmp_path / "report"
    done = subprocess.run(
        [sys.executable, "-m", "eval.speed", "--tiny", "--articles", "2", "--limit-sentences", "6", "--no-memory",
         "--no-throughput", "--variants", "ct2-int8-vocab", "fast-int8-vocab", "--what-if-summary-beams",
         "--out", str(out), "--cache", str(tmp_path / "cache")],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-4000:]
    payload = json.loads((out / "speed.json").read_text(encoding="utf-8"))
    assert payload["settings"]["translation_choice"] == "best"  # the default's model
    assert list(payload["variants"]) == ["ct2-int8-vocab", "fast-int8-vocab"]
    assert payload["variants"]["ct2-int8-vocab"]["ratios"]["vs_fast"]["article_seconds_ratio"] > 0
    argos = payload["argos"]
    assert list(argos["rows"]) == ["argos", "ours", "ours-whole"] and argos["forced_length_ok"]
    for row in argos["rows"].values():
        assert row["words_per_second"] > 0 and row["output_tokens_per_second"] > 0 and len(row["seconds"]) == 2
    markdown = (out / "speed.md").read_text(encoding="utf-8")
    assert "## Peer: Argos Translate" in markdown and "time / (6)" in markdown and "load average" in markdown
