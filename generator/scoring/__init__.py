"""Scoring: SPEC §3 and the figures read off it, as pure functions of the model and ``as_of``.

``scores`` scores every objective, key result, KPI, team and cycle (``score_site``); ``people``
groups what each person holds; ``review`` works out a cycle's review (SPEC §10); ``changes`` what
changed in the last days (SPEC §9); ``quality`` the OKR-quality warnings that teach the method
(SPEC §4); ``records`` what the records say about themselves for fingerprints. No I/O, no
clock, no rendering.
"""
