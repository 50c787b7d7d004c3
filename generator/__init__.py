"""OKR Pages: a static site of scored OKRs and charted KPIs from Markdown files."""

__version__ = "0.1.0"
