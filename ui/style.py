"""The few CSS rules the theme cannot set: contrast of muted text, labels that wrap instead of being cut, and a
layout that works on a phone (390 px). Charts adapt themselves (``monitor.charts`` narrow layout)."""

from __future__ import annotations

import streamlit as st

# Streamlit's muted caption text (its grey at 60 % opacity, 2.8:1 on white) is below WCAG AA's 4.5:1 for body
# text; #595959 at full opacity is 7:1.
MUTED = "#595959"

CSS = f"""
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * ,
[data-testid="stMetricDelta"] > div, [data-testid="stWidgetLabel"] small {{ color: {MUTED} !important; }}
/* Streamlit also fades captions with opacity 0.6, which takes the grey above below 4.5:1 again */
[data-testid="stCaptionContainer"] {{ opacity: 1 !important; }}
/* key figures: a long label wraps instead of ending in "…" */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}}
/* the chosen region in a select box: two lines rather than cut */
[data-baseweb="select"] [data-testid="stSelectboxVirtualDropdown"] li,
[data-baseweb="select"] > div > div:first-child {{ white-space: normal !important; }}
@media (max-width: 640px) {{
  /* a phone: less padding around the page, headings that fit, tables that scroll sideways */
  [data-testid="stMainBlockContainer"], .block-container {{ padding-left: 0.6rem; padding-right: 0.6rem; }}
  h1 {{ font-size: 1.7rem !important; line-height: 1.2 !important; }}
  h2 {{ font-size: 1.35rem !important; }}
  h3 {{ font-size: 1.15rem !important; }}
  [data-testid="stDataFrame"], [data-testid="stTable"] {{ max-width: 100%; overflow-x: auto; }}
  [data-testid="stMetricValue"] {{ font-size: 1.7rem; }}
}}
</style>
"""


def apply() -> None:
    """Add the rules to the page (once per run, before any content)."""
    st.html(CSS)
