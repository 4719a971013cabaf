"""Staged uploads leave no folders behind: after load, on removal, at session end, when stale."""

from __future__ import annotations

import gc
import os
import tempfile
import time
from pathlib import Path

import pytest

from dashboard.data import staging
from dashboard.data.store import Store
from tests.corpus import make_corpus as corpus


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tempfile's directory for this test only (so other processes' uploads are not touched)."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def _folders(root: Path) -> list[str]:
    return sorted(p.name for p in root.glob(f"{staging.UPLOAD_PREFIX}*"))


def test_a_loaded_file_leaves_no_folder(temp_root: Path, store: Store) -> None:
    staged = staging.stage(corpus.fcs(), "DATTSVT.csv", store)
    assert staged.problem is None and len(_folders(temp_root)) == 1
    result = staging.load(staged, store, name="t", mapping=None)
    assert result.rows == 3 and _folders(temp_root) == []


def test_a_failed_load_keeps_the_file_for_a_retry(temp_root: Path, store: Store) -> None:
    staged = staging.stage(corpus.fcs(corpus.row(Stoim="x")), "bad.csv", store)
    with pytest.raises(Exception, match="Stoim"):
        staging.load(staged, store, name="t", mapping=None)
    assert staged.path.exists()
    staging.discard(staged)
    assert _folders(temp_root) == []


def test_a_staged_file_is_removed_when_its_session_drops_it(temp_root: Path,
                                                            store: Store) -> None:
    staged = [staging.stage(corpus.fcs(), f"f{i}.csv", store) for i in range(3)]
    staged.append(staging.stage(b"\x89PNG\r\n\x1a\n" + bytes(64), "x.csv", store))  # a problem
    assert len(_folders(temp_root)) == 4
    del staged
    gc.collect()
    assert _folders(temp_root) == []


def test_stale_folders_are_swept_and_fresh_ones_kept(temp_root: Path, store: Store) -> None:
    old = temp_root / f"{staging.UPLOAD_PREFIX}old"
    (old / "sub").mkdir(parents=True)
    (old / "upload.csv").write_bytes(b"x")
    day_ago = time.time() - (staging.STALE_AFTER_HOURS + 1) * 3600
    os.utime(old, (day_ago, day_ago))
    other = temp_root / "someone-else-old"
    other.mkdir()
    os.utime(other, (day_ago, day_ago))
    fresh = staging.stage(corpus.fcs(), "DATTSVT.csv", store)  # staging sweeps
    assert _folders(temp_root) == [fresh.path.parent.name] and other.exists()
    assert staging.sweep_stale(older_than_hours=0, root=temp_root) == 1
    assert _folders(temp_root) == []
