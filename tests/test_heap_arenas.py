"""The two CTranslate2 models that run side by side on the CPU share one glibc heap (``mallopt(M_ARENA_MAX, 1)``):
a heap per thread held two sets of work buffers, about 150 MB more at the default pipeline's peak
(docs/speed.md). A model given its own thread count, or loaded alone, leaves the process's heaps as they are."""

from __future__ import annotations

import pytest

from summarizer.engines import ctranslate2_engine
from summarizer.engines.ctranslate2_engine import M_ARENA_MAX, CTranslate2Engine
from summarizer.engines.export import convert_model


class FakeLibc:
    def __init__(self):
        self.calls = []

    def mallopt(self, parameter, value):
        self.calls.append((parameter, value))
        return 1


@pytest.fixture(scope="module")
def export(tiny_marian, tmp_path_factory):
    return convert_model(str(tiny_marian), tmp_path_factory.mktemp("ct2") / "marian-int8", quantization="int8")


@pytest.fixture
def libc(monkeypatch):
    fake = FakeLibc()
    monkeypatch.setattr(ctranslate2_engine.ctypes, "CDLL", lambda name: fake)
    return fake


def test_models_side_by_side_share_one_heap(export, libc):
    engine = CTranslate2Engine.load(export)  # the CPU, half the cores: beside the other model
    assert engine.shares_cores and libc.calls == [(M_ARENA_MAX, 1)]


@pytest.mark.parametrize("how", [{"threads": 1}, {"share_cores": False}])
def test_a_model_with_its_own_threads_leaves_the_heaps_alone(export, libc, how):
    engine = CTranslate2Engine.load(export, **how)
    assert not engine.shares_cores and libc.calls == []


def test_a_c_library_without_mallopt_is_no_error(export, monkeypatch):
    monkeypatch.setattr(ctranslate2_engine.ctypes, "CDLL", lambda name: object())  # musl, macOS
    assert CTranslate2Engine.load(export).shares_cores
