"""Reading: content files → documents (text, front matter, line marks) → the validated model.

``files`` finds the files, ``documents`` splits them, ``yamlnodes`` parses located YAML,
``fieldtypes``/``schema``/``fields`` validate values, ``config`` reads okr-pages.yaml,
``datasources`` checks the data-source declarations and ``secrets`` keeps their credentials out of
the files and the messages, ``hostlimits`` warns where a site passes its host's limits, ``series``
reads KPI series, ``markdown`` compiles bodies, ``items``
reads one file, ``references`` checks across files, and ``load`` runs them all.
"""
