"""Reading: content files → documents (text, front matter, line marks) → the validated model.

``files`` finds the files, ``documents`` splits them, ``yamlnodes`` parses located YAML,
``fieldtypes``/``schema``/``fields`` validate values, ``config`` reads okr-pages.yaml,
``series`` reads KPI series, ``items`` reads one file, ``references`` checks across files, and
``load`` runs them all.
"""
