"""The app's pages, run by Streamlit as scripts (app/main.py lists them)."""
