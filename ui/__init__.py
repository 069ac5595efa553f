"""Streamlit-side helpers shared by the entry file and the pages (state, texts, cached data access)."""
