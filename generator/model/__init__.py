"""The scored model: the validated content (``content``), SPEC §3 scoring (``scoring``) and the
OKR-quality warnings (``checks``). Pure: no I/O, no clock, no rendering."""
