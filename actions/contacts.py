"""Contact details HR configures for the roles the assistant names (config/contacts.yml)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import yaml

DEFAULT_CONTACTS_FILE = Path(__file__).resolve().parent.parent / "config" / "contacts.yml"
CONTACT_FIELDS = ("name", "phone", "email", "url", "where")


def contacts_file() -> Path:
    return Path(os.environ.get("SMP_CONTACTS_FILE", DEFAULT_CONTACTS_FILE))


@cache
def load_contacts(path: Path) -> dict[str, dict[str, str]]:
    """Each role's non-empty contact fields; roles with nothing filled in are left out."""
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    contacts = {}
    for role, fields in (raw.get("contacts") or {}).items():
        filled = {
            key: str(fields[key]).strip() for key in CONTACT_FIELDS if (fields or {}).get(key)
        }
        if filled:
            contacts[role] = filled
    return contacts


def configured_contacts() -> dict[str, dict[str, str]]:
    return load_contacts(contacts_file())


def contact_line(role_name: str, fields: dict[str, str]) -> str:
    """'Digital Communications Manager: Sam Lee, 020 7000 0000, sam@example.org'."""
    details = ", ".join(fields[key] for key in ("name", "phone", "email", "url") if key in fields)
    line = f"{role_name}: {details}" if details else role_name
    return f"{line}. {fields['where']}" if "where" in fields else line
