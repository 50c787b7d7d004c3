"""Authoring commands: ``serve`` (with ``livereload``), ``new``, ``checkin`` (through the YAML
text-editing engine ``yamledit``) and ``diff``."""
