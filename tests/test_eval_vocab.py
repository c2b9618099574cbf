"""eval.vocab_coverage: the share of real output text the vocabulary restriction can express."""

from __future__ import annotations

import json

from eval import vocab_coverage


def test_coverage_report_names_what_is_below_100_percent(tmp_path, tiny_mt5, tiny_marian):
    root = tmp_path / "data"
    (root / "ant-headlines").mkdir(parents=True)
    (root / "flores101-systems" / "devtest").mkdir(parents=True)
    headlines = ["قال الوزير إن المحادثات ستستأنف", "زيارة إلى Москва في 2024", "مهرجان Air Race في تونس"]
    (root / "ant-headlines" / "dev.jsonl").write_text(
        "".join(json.dumps({"id": str(i), "title": t, "text": t}, ensure_ascii=False) + "\n"
                for i, t in enumerate(headlines)), encoding="utf-8")
    (root / "flores101-systems" / "devtest" / "opusmt.en").write_text(
        "The talks will resume in Geneva.\nErdoğan met Putin (in Москва).\n", encoding="utf-8")
    out = tmp_path / "report"
    assert vocab_coverage.main(["--data-root", str(root), "--out", str(out), "--cache", str(tmp_path / "none"),
                                "--summary-model", str(tiny_mt5), "--translation-model", str(tiny_marian)]) == 0
    payload = json.loads((out / "vocab-coverage.json").read_text(encoding="utf-8"))
    arabic, english = payload["roles"]["summary"], payload["roles"]["translation"]
    assert arabic["words"] == 15 and arabic["word_coverage"] == 14 / 15
    assert {c["char"] for c in arabic["not_allowed"]} == set("Москва")
    assert arabic["not_allowed"][0]["examples"] == ["Москва"]
    assert arabic["long_latin_words"] == ["Race"]
    assert english["word_coverage"] == 10 / 11  # "Москва)." is the one word it cannot write; Erdoğan is Latin
    assert 0 < arabic["canonical"]["kept"] <= arabic["canonical"]["vocabulary"] == 400
    markdown = (out / "vocab-coverage.md").read_text(encoding="utf-8")
    assert "CYRILLIC" in markdown and "below 100%" in markdown
