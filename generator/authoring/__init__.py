"""Authoring: commands that write content files for people.

``new`` writes a valid starting file for an objective or a KPI, ``checkin`` adds a dated value to a
key result or a KPI, ``rollover`` seeds the next cycle (SPEC §10), all of them through ``yamledit``,
the engine of minimal text edits to YAML front matter.
"""
