"""A store argument that is neither a DuckDB file nor a PostgreSQL URL: one clear message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard.__main__ import main
from dashboard.core.errors import OborotError
from dashboard.data.store import Store, StoreTargetError
from tests.conftest import make_loaded

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _target(tmp_path: Path, kind: str) -> str:
    """A wrong store argument of one kind."""
    if kind == "text file":
        (tmp_path / "notes.txt").write_text("year,value\n2018,1\n")
        return str(tmp_path / "notes.txt")
    if kind == "PNG image":
        (tmp_path / "chart.png").write_bytes(PNG)
        return str(tmp_path / "chart.png")
    if kind == "empty file":
        (tmp_path / "empty.duckdb").touch()
        return str(tmp_path / "empty.duckdb")
    if kind == "directory":
        return str(tmp_path)
    if kind == "truncated copy":
        whole = make_loaded(tmp_path / "whole.duckdb")
        cut = tmp_path / "cut.duckdb"
        with whole.open("rb") as source, cut.open("wb") as target:
            target.write(source.read(whole.stat().st_size // 2))
        return str(cut)
    return kind


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("text file", "notes.txt: not a DuckDB store, it is a text file"),
        ("PNG image", "chart.png: not a DuckDB store, it is a PNG image"),
        ("empty file", "empty.duckdb: not a DuckDB store, it is an empty file"),
        ("directory", "is a directory; give a DuckDB file path"),
        ("truncated copy", "cut.duckdb: the DuckDB store is cut short"),
        (":memory:", ":memory:: an in-memory DuckDB database is lost"),
        ("md:my_db", "md:my_db: MotherDuck databases are not supported"),
        ("mysql://user:pw@host/db", "mysql://user:***@host/db: not a store URL Oborot knows"),
    ],
)
def test_a_wrong_store_argument_says_what_it_is(tmp_path, capsys, kind, message):
    target = _target(tmp_path, kind)
    with pytest.raises(OborotError) as info:
        Store(target).datasets()
    assert message in str(info.value)
    assert "in use by another process" not in str(info.value)
    def files() -> list[str]:  # the CLI's log file aside
        return sorted(p.name for p in tmp_path.iterdir() if p.name != "oborot.log")

    before = files()
    for command in (["datasets"], ["ingest", str(tmp_path / "missing.csv")]):
        assert main(["--store", target, *command]) == 2
        assert message in capsys.readouterr().err
    assert files() == before  # no store created, nothing touched


def test_the_store_names_the_engine_and_hides_a_password(tmp_path):
    assert Store(tmp_path / "a.duckdb").engine.name == "duckdb"
    url = "postgresql://loader:s3cret@db.example:5432/oborot"
    assert Store(url).location == "postgresql://loader:***@db.example:5432/oborot"
    assert Store(url).engine.name == "postgresql"
    with pytest.raises(StoreTargetError, match="the store is empty"):
        Store("  ")


def test_read_commands_never_create_a_store(tmp_path, capsys):
    missing = tmp_path / "typo.duckdb"
    for command in (["datasets"], ["delete", "1"],
                    ["mirror", "--reporter", "RU-TOM", "--partner", "KZ", "--years", "2018"]):
        assert main(["--store", str(missing), *command]) == 2, command
        assert "typo.duckdb: no store here" in capsys.readouterr().err
    assert not missing.exists()
    shutil.copy(make_loaded(tmp_path / "real.duckdb"), missing)
    assert main(["--store", str(missing), "datasets"]) == 0


def test_store_target_error_is_an_oborot_error():
    assert issubclass(StoreTargetError, OborotError)


def test_a_store_shortened_by_its_own_checkpoint_is_not_called_a_truncated_copy(
    demo_path: Path, tmp_path: Path
) -> None:
    """Deleting the last dataset frees the blocks at the end; the checkpoint when the
    writer closes cuts them off the file while the header still counts them."""
    path = tmp_path / "store.duckdb"
    shutil.copy(demo_path, path)
    size = path.stat().st_size
    with Store(path) as store:
        store.delete(int(store.datasets()["id"].iloc[0]))
    assert path.stat().st_size < size  # what this test is about
    with Store(path, create=False) as store:
        assert store.datasets().empty
