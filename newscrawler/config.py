"""Typed readers of the crawl's settings, with one source for every default.

Every setting newscrawler reads is defined, with a comment, in :mod:`newscrawler.settings` (the
Scrapy project's settings module). Components read settings only through these readers, never
with a default of their own::

    threshold = setting_int(crawler.settings, "MALLOC_MMAP_THRESHOLD")

A reader returns the value the given settings hold; where they hold none (a bare ``Settings()``
in a unit test, or a user's own Scrapy project that enables one of our middlewares), it falls
back to the value in :mod:`newscrawler.settings`, and for Scrapy's own settings that we do not
set there (``URLLENGTH_LIMIT``, ``DUPEFILTER_DEBUG``...) to ``scrapy.settings.default_settings``.
A name defined in neither raises :class:`UnknownSetting`, even when the settings hold a value:
it is a typo, or a setting missing from settings.py.

No Scrapy import here beyond its defaults module, loaded on first need (it starts no reactor);
the type of the settings is only for the type checker.
"""

from __future__ import annotations

import copy
import importlib
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from newscrawler import settings as project

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


class UnknownSetting(LookupError):
    """A setting read by a name that neither newscrawler/settings.py nor Scrapy defines."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown setting {name!r}: define it, with a comment saying what it does, in "
                         "newscrawler/settings.py")
        self.name = name


@cache
def _scrapy_defaults() -> ModuleType:
    return importlib.import_module("scrapy.settings.default_settings")


def setting_default(name: str) -> Any:
    """The default of ``name``: newscrawler/settings.py's, else Scrapy's own (a copy: changing it changes
    nothing else). Raises :class:`UnknownSetting` when neither defines it."""
    if not name.isupper():  # settings are upper case, as Scrapy's setmodule() takes them
        raise UnknownSetting(name)
    for source in (project, _scrapy_defaults()):
        if hasattr(source, name):
            return copy.deepcopy(getattr(source, name))
    raise UnknownSetting(name)


def setting(settings: BaseSettings, name: str) -> Any:
    """The value of ``name`` as it is set (any type), else its default."""
    fallback = setting_default(name)
    value = settings.get(name)
    return fallback if value is None else value


def setting_str(settings: BaseSettings, name: str) -> str | None:
    """``name`` as a string; None where it has no value (an optional setting)."""
    value = setting(settings, name)
    return None if value is None else str(value)


def setting_int(settings: BaseSettings, name: str) -> int:
    return settings.getint(name, setting_default(name))


def setting_float(settings: BaseSettings, name: str) -> float:
    return settings.getfloat(name, setting_default(name))


def setting_bool(settings: BaseSettings, name: str) -> bool:
    """``name`` as a bool: 1/0, True/False and their strings, as Scrapy reads them."""
    return settings.getbool(name, setting_default(name))


def setting_list(settings: BaseSettings, name: str) -> list[Any]:
    """``name`` as a new list (a string is split at commas, as Scrapy does)."""
    return settings.getlist(name, setting_default(name))


def setting_dict(settings: BaseSettings, name: str) -> dict[Any, Any]:
    """``name`` as a new dict (a string is read as JSON, as Scrapy does)."""
    return settings.getdict(name, setting_default(name))
