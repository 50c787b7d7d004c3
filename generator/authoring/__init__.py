"""Authoring: commands that write content files for people.

``new`` writes a valid starting file for an objective or a KPI, ``checkin`` adds a dated value to a
key result or a KPI, ``rollover`` seeds the next cycle (SPEC §10), ``importing`` turns a sheet of OKRs
into objective files and updates them on the next import (SPEC §17), reading it through ``sheets``
(CSV and XLSX files, column maps); all of them edit through ``yamledit``, the engine of minimal text
edits to YAML front matter.
"""
