"""safe-markup: a browser-grade HTML sanitizer.

Two ways in:

* ``Policy`` objects (presets, TOML files, keywords) with ``clean``,
  ``clean_report``, ``try_clean``, ``excerpt``, ``to_text`` and the
  parallel ``clean_many``;
* nh3's API (``clean``, ``Cleaner``, ``clean_text``, ``is_html`` and the
  ``ALLOWED_*`` constants), so ``import safe_markup as nh3`` runs code
  written for nh3. The differences are listed in python/README.md.

Cleaning releases the GIL; policies are immutable and thread-safe.
"""

from ._native import (
    Change,
    CleanError,
    Cleaned,
    LimitExceeded,
    Policy,
    PolicyError,
    is_html,
)
from ._nh3 import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    CLEAN_CONTENT_TAGS,
    Cleaner,
    clean,
    clean_text,
    escape,
)

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "CLEAN_CONTENT_TAGS",
    "Change",
    "CleanError",
    "Cleaned",
    "Cleaner",
    "LimitExceeded",
    "Policy",
    "PolicyError",
    "clean",
    "clean_text",
    "escape",
    "is_html",
]
