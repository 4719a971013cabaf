"""Trade data in: publisher formats (sources/), the canonical schema, ingest and the store."""
