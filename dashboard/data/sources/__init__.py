"""Publisher formats and APIs -> canonical trade batches (see dashboard.data.schema)."""
