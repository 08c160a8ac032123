"""Reading the YAML or TOML configuration files of ``tocsin watch`` and the alert rules.
Every problem is a :class:`~tocsin.errors.ConfigError` naming the file and the key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError

__all__ = ["read_config_file", "get_bool", "get_number", "get_str_list"]


def read_config_file(path: Path) -> dict[str, Any]:
    """The mapping in a ``.yaml``/``.yml`` or ``.toml`` file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        if path.suffix.lower() == ".toml":
            data: Any = tomllib.loads(raw.decode("utf-8"))
        elif path.suffix.lower() in (".yaml", ".yml"):
            data = yaml.safe_load(raw.decode("utf-8"))
        else:
            raise ConfigError(f"{path}: use a .yaml, .yml or .toml file")
    except (yaml.YAMLError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        detail = " ".join(str(exc).split())[:200]
        raise ConfigError(f"{path}: not valid {path.suffix[1:].upper()}: {detail}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    return data


def get_bool(data: dict[str, Any], key: str, default: bool, where: str) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key} must be true or false, got {value!r}")
    return value


def get_number(data: dict[str, Any], key: str, default: float, where: str,
               minimum: float = 0) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise ConfigError(f"{where}: {key} must be a number >= {minimum}, got {value!r}")
    return float(value)


def get_str_list(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: {key} must be a list of non-empty strings")
    return tuple(value)
