"""eval.everyday_names: the name check's false alarms on a set of everyday news pairs."""

from eval import everyday_names


def test_a_finding_counts_as_caught_only_where_the_english_adds_a_name():
    pairs = [
        {"topic": "mid", "ar": "قال الكرملين إن المحادثات مستمرة.", "en": "Talks go on, the Kremlin said.",
         "adds_name": False},
        {"topic": "mid", "ar": "كشفت ميتا عن نموذج جديد.", "en": "Meta, the owner of Facebook, unveiled a new model.",
         "adds_name": True},
        {"topic": "the", "ar": "سجل المهاجم هدفين.", "en": "The Maybelline striker scored twice.", "adds_name": False},
    ]
    out = everyday_names.run(pairs)
    assert (out["pairs"], out["adds_name"], out["caught"]) == (3, 1, 1)
    assert [a["en"] for a in out["false_alarms"]] == ["The Maybelline striker scored twice."]
    assert out["false_alarms"][0]["findings"][0].startswith("name-unsupported: ")
    assert out["false_alarms_by_topic"] == {"the": 1}


def test_the_shipped_set_is_read_and_reported(capsys):
    pairs = everyday_names.read_pairs()
    assert len(pairs) == 652 and sum(p["adds_name"] for p in pairs) == 8
    assert all(set(p) == {"topic", "ar", "en", "adds_name"} for p in pairs)
    assert everyday_names.main(["--quiet"]) == 0
    assert capsys.readouterr().out.startswith("652 pairs: ")
