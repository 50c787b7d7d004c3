"""The model: what the content says once it is validated, before any scoring.

``content`` holds the dataclasses of the content (config, cycles, teams, objectives and their key
results, KPIs and their series, guide pages); ``datasources`` what the config and a KPI say about
where a KPI's values come from; ``names`` how a written name becomes a person, and where names are
written. No I/O, no clock, no scoring.
"""
