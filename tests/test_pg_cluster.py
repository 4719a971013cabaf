"""The throwaway PostgreSQL server the engine's tests run against."""

from __future__ import annotations

import psycopg


def test_each_test_sees_its_own_empty_schema(pg_url):
    with psycopg.connect(pg_url) as con:
        assert con.execute("SHOW search_path").fetchone()[0].startswith("t_")
        con.execute("CREATE TABLE probe (x integer)")
        con.execute("INSERT INTO probe VALUES (1)")
        assert con.execute("SELECT count(*) FROM probe").fetchone()[0] == 1


def test_the_server_listens_on_loopback_only(pg_url):
    with psycopg.connect(pg_url) as con:
        assert con.execute("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"
        assert con.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'probe'"
                           ).fetchone()[0] == 0
