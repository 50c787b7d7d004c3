"""Secrets stay out of the repository and out of every message.

Source URLs may refer to environment variables as ``${NAME}``. A password written literally in
okr-pages.yaml is refused, and any text shown to the user (a driver's error often echoes the
connection string) passes through ``redact`` first.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Mapping

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_MALFORMED = re.compile(r"\$\{(?![A-Za-z_][A-Za-z0-9_]*\})")
_USERINFO = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://([^/?#@]*)@")
# Query-string and DSN keys that hold secrets (a Google Sheet's 'key' is the sheet's id, not one).
_SECRET_KEY = re.compile(r"(password|passwd|pwd|secret|token|signature|sig|api_?key|access_?key|private_?key|"
                         r"credential)s?$", re.IGNORECASE)
# In any text: 'scheme://user:password@', and 'password=value' as in URLs and libpq DSNs.
_URL_PASSWORD = re.compile(r"(://[^/\s:@]*:)[^@\s/]+@")
_KEY_VALUE = re.compile(r"(?P<key>[A-Za-z_]*(?:password|passwd|pwd|secret|token|signature|api_?key|access_?key)"
                        r"[A-Za-z_]*)(?P<sep>\s*[=:]\s*)(?P<value>'[^']*'|\"[^\"]*\"|[^\s&;,'\"]+)",
                        re.IGNORECASE)
MASK = "***"


class MissingVariable(Exception):
    """A ``${NAME}`` whose environment variable is unset or empty."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def references(text: str) -> list[str]:
    """The environment variables a value refers to, in order."""
    return _REFERENCE.findall(text)


def malformed_reference(text: str) -> bool:
    """Whether the value has a ``${`` that is not a well-formed ``${NAME}``."""
    return bool(_MALFORMED.search(text))


def expand(text: str, environ: Mapping[str, str]) -> str:
    """Replace each ``${NAME}`` with the variable's value; raise MissingVariable when one is unset or empty.

    Empty counts as unset: GitHub passes a secret that does not exist as an empty string.
    """

    def value(match: re.Match[str]) -> str:
        name = match[1]
        if not environ.get(name):
            raise MissingVariable(name)
        return environ[name]

    return _REFERENCE.sub(value, text)


def _only_reference(text: str) -> bool:
    return bool(_REFERENCE.fullmatch(urllib.parse.unquote(text)))


def literal_secret(url: str) -> str | None:
    """What secret a URL as written in okr-pages.yaml holds ('a password', "the query parameter 'token'"),
    or None. A ``${NAME}`` in place of the secret is fine: the value then comes from the environment."""
    if _only_reference(url):
        return None
    match = _USERINFO.match(url)
    if match and ":" in match[1]:
        password = match[1].split(":", 1)[1]
        if password and not _only_reference(password):
            return "a password"
    query = urllib.parse.urlsplit(url).query if "://" in url else ""
    for key, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        if _SECRET_KEY.search(key) and value and not _only_reference(value):
            return f"the query parameter '{key}'"
    return None


def secrets_of(url: str) -> list[str]:
    """The secret parts of an expanded URL (its password, secret query values), to be masked in messages."""
    found: list[str] = []
    match = _USERINFO.match(url)
    if match and ":" in match[1]:
        password = match[1].split(":", 1)[1]
        found += [password, urllib.parse.unquote(password)]
    if "://" in url:
        for key, value in urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=True):
            if _SECRET_KEY.search(key) and value:
                found += [value, urllib.parse.quote(value, safe="")]
    return [secret for secret in found if len(secret) >= 3]  # masking 'a' would garble every message


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """The text with known secrets, URL passwords and ``password=...`` values masked."""
    for secret in sorted(set(secrets), key=len, reverse=True):  # longest first: one may contain another
        text = text.replace(secret, MASK)
    text = _URL_PASSWORD.sub(rf"\1{MASK}@", text)
    return _KEY_VALUE.sub(lambda m: f"{m['key']}{m['sep']}{MASK}", text)
