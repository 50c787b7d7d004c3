"""Commands that show or compare a site without authoring it.

``serve`` builds, serves on 127.0.0.1 and rebuilds on save, with ``livereload`` its HTTP side;
``report`` writes a cycle's review as one self-contained HTML file or a PDF; ``diff`` compares
two ``api/`` outputs as a Markdown table.
"""
