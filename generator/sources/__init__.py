"""KPI data sources (SPEC §8): ``okr-pages refresh`` runs each KPI's query and writes its CSV.

Only ``refresh`` connects to anything; ``check`` and ``build`` read the spec and settings modules
here, which import neither DuckDB nor SQLAlchemy.
"""
