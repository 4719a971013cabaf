"""Streamlit widgets and render helpers shared by the pages."""
