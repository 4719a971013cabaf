"""Benchmarks: Oborot's ingest and page queries against pyarrow, DuckDB and pandas (make bench)."""
