"""The one way the project writes a user's file (a brief, a translated document, a digest): checked before
any work, put in place whole or not at all, never over a file that was not to be replaced."""

from __future__ import annotations

import os
import stat

import pytest

from summarizer.errors import OutputExists, OutputIsInput, OutputNotWritable
from summarizer.output_file import check_output, write_atomically


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_each_output_that_cannot_be_right_is_refused_with_its_code(tmp_path):
    source = tmp_path / "in.docx"
    source.write_bytes(b"x")
    link = tmp_path / "link.docx"
    link.symlink_to(source)
    with pytest.raises(OutputIsInput):
        check_output(source, source=source, overwrite=True)
    with pytest.raises(OutputIsInput):
        check_output(link, source=source, overwrite=True)  # the input under another name
    with pytest.raises(OutputExists):
        check_output(source)
    with pytest.raises(OutputNotWritable):
        check_output(tmp_path, overwrite=True)  # a folder
    with pytest.raises(OutputNotWritable):
        check_output(tmp_path / "missing" / "out.docx")
    assert check_output(source, overwrite=True) == source
    assert check_output(tmp_path / "new.docx") == tmp_path / "new.docx"


def test_a_read_only_folder_is_refused(tmp_path, monkeypatch):
    # As the folder's permissions say (root, which this suite may run as, writes anywhere: ask os.access).
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(OutputNotWritable):
        check_output(tmp_path / "out.md")


def test_a_write_that_fails_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "brief.md"
    target.write_text("old", encoding="utf-8")

    def half_then_fail(stream):
        stream.write(b"half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        write_atomically(target, half_then_fail, overwrite=True)
    assert target.read_text(encoding="utf-8") == "old" and not _leftovers(tmp_path)


def test_a_full_disk_is_said_not_raised_as_a_traceback(tmp_path, monkeypatch):
    def full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputNotWritable):
        write_atomically(tmp_path / "out.md", lambda stream: stream.write(b"x"))
    assert not list(tmp_path.iterdir())


def test_a_file_that_appeared_since_the_check_is_never_replaced_unasked(tmp_path):
    target = tmp_path / "out.md"
    check_output(target)

    def meanwhile(stream):
        target.write_text("someone else's", encoding="utf-8")
        stream.write(b"ours")

    with pytest.raises(OutputExists):
        write_atomically(target, meanwhile)
    assert target.read_text(encoding="utf-8") == "someone else's" and not _leftovers(tmp_path)
    write_atomically(target, lambda stream: stream.write(b"ours"), overwrite=True)
    assert target.read_bytes() == b"ours" and not _leftovers(tmp_path)


def test_the_file_gets_the_permissions_of_any_new_file(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_atomically(tmp_path / "out.md", lambda stream: stream.write(b"x"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # readable by the people it is for, not mkstemp's 0600
