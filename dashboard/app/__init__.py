"""The Streamlit app: the cached façade (queries), widgets (ui/) and pages (pages/)."""
