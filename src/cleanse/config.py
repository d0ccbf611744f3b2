"""Configuration files, found like black finds its own.

``--config FILE``, else the first ``cleanse.toml`` or ``pyproject.toml`` with a
``[tool.cleanse]`` table found walking up from INPUT; the walk stops at the folder holding
``.git`` (the project root) or at the file-system root. Keys are the long option names of
``cleanse run`` (``jobs = 2``, ``disable = ["ads.qq-group"]``, ``text-field = "content"``;
``-`` and ``_`` are the same). Options given on the command line win over the file; paths in
the file are relative to the file's folder. An unknown key is an error that suggests the key
that was probably meant.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import OptionError

CONFIG_NAMES = ("cleanse.toml", "pyproject.toml")


@dataclass(frozen=True)
class Config:
    """The settings read from one file (keys normalized to ``snake_case``)."""

    path: Path
    values: Mapping[str, Any]

    @property
    def base(self) -> Path:
        """The folder that relative paths in the file are relative to."""
        return self.path.parent


def _table(path: Path) -> dict[str, Any] | None:
    """The cleanse settings of one file; None for a pyproject.toml without [tool.cleanse]."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise OptionError(f"{path}: not valid TOML ({exc}); fix the file or pass --config") from None
    except RecursionError:
        raise OptionError(f"{path}: arrays or tables nested too deeply to read; flatten them") from None
    except OSError as exc:
        raise OptionError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("cleanse")
        if table is not None and not isinstance(table, dict):
            raise OptionError(f"{path}: [tool.cleanse] must be a table")
        return table
    return data


def find_config(start: Path) -> Path | None:
    """The config file that applies to ``start`` (a file or folder), or None."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            path = candidate / name
            if path.is_file() and (name == "cleanse.toml" or _table(path) is not None):
                return path
        if (candidate / ".git").exists():
            return None
    return None


def load_config(path: Path) -> Config:
    """Read one config file; OptionError when it cannot be used."""
    if not path.is_file():
        raise OptionError(f"--config {path}: no such file")
    table = _table(path) or {}
    return Config(path, {str(k).replace("-", "_"): v for k, v in table.items()})


def check_keys(config: Config, known: Iterable[str]) -> None:
    """Every key must be a known option; suggests the closest one for a typo."""
    known = sorted(set(known))
    problems = []
    for key in config.values:
        if key not in known:
            near = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {near[0].replace('_', '-')!r}?" if near else ""
            problems.append(f"unknown key {key.replace('_', '-')!r}{hint}")
    if problems:
        choices = ", ".join(k.replace("_", "-") for k in known)
        raise OptionError(f"{config.path}: " + "; ".join(problems) + f" (known keys: {choices})")
