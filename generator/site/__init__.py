"""The site: page jobs (``jobs``) rendered through one render session (``session``: the theme's
templates, ``themes``, ``templates``, ``render``) in the site's language (``translations``,
``formatting``), with charts (``charts``, ``vega``), search (``search``), ``api/*.json``
(``api``), the Atom feed (``feed``), link previews (``previews``), edit and check-in links
(``editing``), Markdown bodies on a page (``markup``), and the fingerprints of what each page is
handed, which let a build redo only what changed (``fingerprints``)."""
