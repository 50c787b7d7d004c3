"""The host's limits (SPEC §13): how many files a site may have, how large it and each file may be.

A host refuses a site past them (Cloudflare Pages: 20,000 files of at most 25 MiB each; GitHub Pages:
1 GB), so ``check`` and ``build`` warn, naming the file or the count, while the site still builds.
``check`` knows the files that are published as they are (images, downloads); ``build`` knows them
all.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..diagnostics import Diagnostic
from ..model.content import Limits
from .files import megabytes


def host_limit_warnings(sizes: Mapping[str, int], limits: Limits, where: str, everything: bool = True
                        ) -> list[Diagnostic]:
    """Warnings for the files of ``sizes`` (path below ``where`` → bytes) past the host's limits; the
    count and total too when ``sizes`` holds every file of the site (``everything``)."""
    found = [Diagnostic(f"{where}/{path}" if where else path, 1, 1, "warning", "limits.file_bytes",
                        f"{megabytes(size)} is more than the host's limit of {megabytes(limits.file_bytes)} "
                        "per file", "make it smaller (split it, or leave it out of content/), or raise "
                        "limits.file_bytes if your host allows it")
             for path, size in sorted(sizes.items()) if size > limits.file_bytes]
    if not everything:
        return found
    if len(sizes) > limits.site_files:
        found.append(Diagnostic(where or ".", 1, 1, "warning", "limits.site_files",
                                f"the site has {len(sizes):,} files, more than the host's limit of "
                                f"{limits.site_files:,}", "publish fewer files (move old cycles to an archive "
                                "site), or raise limits.site_files if your host allows it"))
    total = sum(sizes.values())
    if total > limits.site_bytes:
        found.append(Diagnostic(where or ".", 1, 1, "warning", "limits.site_bytes",
                                f"the site is {megabytes(total)}, more than the host's limit of "
                                f"{megabytes(limits.site_bytes)}", "publish less (large images and downloads "
                                "first), or raise limits.site_bytes if your host allows it"))
    return found
