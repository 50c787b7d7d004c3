"""OKR Pages: a static site of scored OKRs and charted KPIs from Markdown files.

The stages, in the order data flows: ``reading`` (content files → the validated ``model``),
``scoring`` (SPEC §3, pure), ``site`` (page jobs rendered through the theme), ``output`` (files
written atomically), tied together by ``pipeline`` (``check``, ``build``, ``serve``), which keeps a
``buildrecord`` for incremental builds and renders in forked processes (``parallel``). Around it:
``cli`` (the command line), ``diagnostics`` (problems as values), ``authoring`` (commands that
write content), ``commands`` (commands that show a site) and ``refresh`` (KPI values from data
sources).
"""

__version__ = "0.1.0"  # the one version string: pyproject.toml, okr-pages --version, init's workflows
# The GitHub repository of the OKR Pages action (action.yml at its root), which the workflows that
# okr-pages init writes use, pinned to the release that wrote them: OWNER/REPOSITORY@v<version>.
ACTION_REPOSITORY = "okr-pages/okr-pages"
