"""What the scored records say about themselves for fingerprints (``site.fingerprints``).

A record's field that refers to another entity's record (a team's score in a cycle names the cycle,
a person's page lists the objectives they own) is marked ``REFERENCE``: it is fingerprinted by that
record's ``listing``, the fields a list row shows, not by everything that record holds.
"""

from __future__ import annotations

REFERENCE = {"fingerprint": "row"}
