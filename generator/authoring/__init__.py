"""Authoring: commands that write content files for people.

``init`` writes a company's own OKR repository from the files in ``starter/`` (SPEC §12), ``new``
writes a valid starting file for an objective or a KPI, ``checkin`` adds a dated value to a key
result or a KPI (``issueform`` reads one from a submitted Check in issue form), ``rollover`` seeds
the next cycle (SPEC §10), ``importing`` turns a sheet of OKRs into objective files and updates them
on the next import (SPEC §17), reading it through ``sheets`` (CSV and XLSX files, column maps); all
of them edit through ``yamledit``, the engine of minimal text edits to YAML front matter.
"""
