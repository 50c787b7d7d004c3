"""``okr-pages refresh`` (SPEC §8): run each sourced KPI's query and write the values into its CSV.

``run`` runs the sources concurrently, ``kinds`` opens a session for each kind of source (DuckDB,
SQLAlchemy, a CSV at a URL; ``trackers`` for GitHub, Jira and Linear, over HTTP), ``rows`` turns what a source returns into dated points, ``csvupdate``
merges them into the CSV changing only the rows that moved, and ``table`` shows the outcome as
text, Markdown or JSON. Only ``refresh`` connects to anything; ``check`` and ``build`` read the
declarations (``model.datasources``, ``reading.datasources``), which import neither DuckDB nor
SQLAlchemy.
"""
