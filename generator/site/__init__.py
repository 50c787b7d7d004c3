"""The site: page jobs (``jobs``) rendered through the theme's templates (``themes``, ``templates``,
``render``) in the site's language (``translations``, ``formatting``), with charts (``charts``,
``vega``), search (``search``), ``api/*.json`` (``api``), the Atom feed (``feed``), link previews
(``previews``), edit and check-in links (``editing``), Markdown bodies on a page (``markup``), and
the fingerprints that let a build redo only what changed (``fingerprints``)."""
