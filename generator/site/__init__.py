"""The site: page jobs (``jobs``) rendered through the theme's templates (``templates``, ``render``),
with charts (``charts``, ``vega``), search (``search``), ``api/*.json`` (``api``), Markdown
(``markup``), formatting of figures (``formatting``), and the fingerprints that let a build redo
only what changed (``fingerprints``)."""
