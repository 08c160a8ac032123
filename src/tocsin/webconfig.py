"""Configuration of the server (``tocsin serve``): a frozen value built from a TOML file and
the environment, passed explicitly to :func:`tocsin.api.create_app`.

Tokens are never defaulted: without one, every write route answers 403. They come from the
environment variable ``TOCSIN_TOKENS`` (``name=token,name=token``) or from a ``tokens_file``
(one ``name token`` pair a line); the name is who an analyst's reviews are recorded as. A
token's value is never shown in a repr, a log line or an error message.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["MIN_TOKEN_CHARS", "ServerConfig", "load_server_config", "parse_tokens"]

MIN_TOKEN_CHARS = 16
_KEYS = {"db", "host", "port", "protect_reads", "max_body_bytes", "tokens_file", "page_size",
         "cache_entries"}


@dataclass(frozen=True)
class ServerConfig:
    db: str = "tocsin.db"
    host: str = "127.0.0.1"
    port: int = 8000
    protect_reads: bool = False          # True: reads need a token too (header or login cookie)
    max_body_bytes: int = 2_000_000      # larger request bodies are refused with 413
    page_size: int = 50
    cache_entries: int = 1000            # answers kept per process while the store is unchanged
    tokens: tuple[tuple[str, str], ...] = field(default=(), repr=False)   # (name, token)

    def __post_init__(self) -> None:
        if self.max_body_bytes < 1_000:
            raise ConfigError(f"max_body_bytes must be at least 1000, got {self.max_body_bytes}")
        if not 1 <= self.page_size <= 500:
            raise ConfigError(f"page_size must be from 1 to 500, got {self.page_size}")
        if not 0 <= self.cache_entries <= 1_000_000:
            raise ConfigError(f"cache_entries must be from 0 (no cache) to 1000000, "
                              f"got {self.cache_entries}")
        if not 0 < self.port < 65536:
            raise ConfigError(f"port must be from 1 to 65535, got {self.port}")
        for name, token in self.tokens:
            if not name or any(c.isspace() for c in name):
                raise ConfigError("a token's name must be one word (who the token is)")
            if len(token) < MIN_TOKEN_CHARS:
                raise ConfigError(f"the token of {name!r} is shorter than {MIN_TOKEN_CHARS} "
                                  "characters; generate one with `python -c 'import secrets; "
                                  "print(secrets.token_urlsafe(32))'`")

    @property
    def writes_enabled(self) -> bool:
        return bool(self.tokens)


def parse_tokens(text: str, where: str) -> tuple[tuple[str, str], ...]:
    """``name=token`` pairs separated by commas or new lines (or ``name token`` lines)."""
    pairs = []
    for part in text.replace(",", "\n").splitlines():
        part = part.strip()
        if not part or part.startswith("#"):
            continue
        name, sep, token = part.partition("=") if "=" in part else part.partition(" ")
        if not sep or not name.strip() or not token.strip():
            raise ConfigError(f"{where}: expected 'name=token' pairs (the token is not shown)")
        pairs.append((name.strip(), token.strip()))
    return tuple(pairs)


def load_server_config(path: Path | None = None, env: Mapping[str, str] | None = None,
                       **overrides: Any) -> ServerConfig:
    """The configuration of a ``[server]`` table in ``path`` (optional), tokens from
    ``env['TOCSIN_TOKENS']`` or the file's ``tokens_file``, then ``overrides`` that are not
    None (command-line options)."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    tokens_file: str | None = None
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        server = data.get("server", {})
        if not isinstance(server, dict):
            raise ConfigError(f"{path}: [server] must be a table")
        unknown = set(server) - _KEYS
        if unknown:
            raise ConfigError(f"{path}: unknown keys in [server]: {', '.join(sorted(unknown))}"
                              f" (known: {', '.join(sorted(_KEYS))})")
        tokens_file = server.pop("tokens_file", None)
        values.update(server)
    tokens: tuple[tuple[str, str], ...] = ()
    if env.get("TOCSIN_TOKENS"):
        tokens = parse_tokens(env["TOCSIN_TOKENS"], "TOCSIN_TOKENS")
    elif tokens_file:
        try:
            text = Path(tokens_file).expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read tokens_file {tokens_file}: "
                              f"{exc.strerror or exc}") from exc
        tokens = parse_tokens(text, str(tokens_file))
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return ServerConfig(**values, tokens=tokens)
    except TypeError as exc:
        raise ConfigError(f"bad server configuration: {exc}") from exc
