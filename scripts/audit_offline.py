"""Offline dependency audit: the pins of requirements.lock against a copy of the OSV
vulnerability database for PyPI, with no network.

    python scripts/audit_offline.py --osv PATH [--lock requirements.lock]

PATH is OSV's PyPI export (``all.zip`` of the PyPI ecosystem, or a folder of its JSON files),
fetched on a connected machine and copied here. Each advisory's ``affected`` entries (explicit
``versions`` and ``ECOSYSTEM`` ranges of ``introduced``/``fixed``/``last_affected`` events)
are matched against the pinned versions. Prints one line per finding; exit status 1 when
there is any, 2 when the database is missing or empty."""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def read_pins(lock: Path) -> dict[str, str]:
    """Package -> pinned version, from a pip-compile/uv lock file."""
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        m = PIN.match(line.strip())
        if m:
            pins[canonicalize_name(m.group(1))] = m.group(2)
    return pins


def read_advisories(source: Path) -> Iterator[dict[str, Any]]:
    if source.is_dir():
        for p in sorted(source.glob("*.json")):
            yield json.loads(p.read_text(encoding="utf-8"))
        return
    with zipfile.ZipFile(source) as z:
        for name in z.namelist():
            if name.endswith(".json"):
                yield json.loads(z.read(name))


def _in_range(version: Version, events: list[dict[str, str]]) -> bool:
    """OSV ECOSYSTEM range semantics: events sorted by version, introduced opens a range,
    fixed (exclusive) and last_affected (inclusive) close it."""
    affected = False
    for ev in sorted(events, key=lambda e: _version(next(iter(e.values())))):
        kind, value = next(iter(ev.items()))
        at = _version(value)
        if kind == "introduced" and version >= at:
            affected = True
        elif kind == "fixed" and version >= at or kind == "last_affected" and version > at:
            affected = False
    return affected


def _version(value: str) -> Version:
    return Version("0") if value == "0" else Version(value)


def affects(advisory: dict[str, Any], name: str, version: str) -> bool:
    try:
        v = Version(version)
    except InvalidVersion:
        return False
    for entry in advisory.get("affected", []):
        pkg = entry.get("package", {})
        if pkg.get("ecosystem") != "PyPI" or canonicalize_name(pkg.get("name", "")) != name:
            continue
        if version in entry.get("versions", []):
            return True
        for r in entry.get("ranges", []):
            if r.get("type") == "ECOSYSTEM" and _in_range(v, r.get("events", [])):
                return True
    return False


def audit(pins: dict[str, str], advisories: Iterator[dict[str, Any]]
          ) -> tuple[int, list[str]]:
    """(advisories read, findings as 'package==version: id (aliases) summary')."""
    n, findings = 0, []
    for adv in advisories:
        n += 1
        if adv.get("withdrawn"):
            continue
        names = {canonicalize_name(e.get("package", {}).get("name", ""))
                 for e in adv.get("affected", [])}
        for name in names & pins.keys():
            if affects(adv, name, pins[name]):
                aliases = ", ".join(adv.get("aliases", []))
                findings.append(f"{name}=={pins[name]}: {adv.get('id')} ({aliases}) "
                                f"{adv.get('summary', '')}".rstrip())
    return n, sorted(findings)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--osv", type=Path, required=True)
    ap.add_argument("--lock", type=Path, default=Path(__file__).parents[1] / "requirements.lock")
    args = ap.parse_args()
    if not args.osv.exists():
        print(f"error: {args.osv}: no OSV database here (see SECURITY.md: how to fetch one)",
              file=sys.stderr)
        return 2
    pins = read_pins(args.lock)
    n, findings = audit(pins, read_advisories(args.osv))
    if n == 0:
        print(f"error: {args.osv} holds no advisories", file=sys.stderr)
        return 2
    for f in findings:
        print(f)
    print(f"{len(pins)} pinned packages, {n} advisories read, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
