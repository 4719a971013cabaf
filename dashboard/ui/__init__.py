"""The Streamlit app: the cached façade (queries, actions), widgets/ and pages/."""
