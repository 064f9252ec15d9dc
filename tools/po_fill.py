"""Fill Dutch translations into one .po catalog and compile it.

Usage: python tools/po_fill.py PATH/TO/django.po < translations.json
where the JSON maps English msgids to Dutch msgstrs. Entries not named stay as
they are. Prints the msgids that still have no translation, so nothing shows in
English by accident. Used instead of hand-editing .po files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    path = Path(sys.argv[1])
    translations: dict[str, str] = json.load(sys.stdin) if not sys.stdin.isatty() else {}
    catalog = polib.pofile(str(path), wrapwidth=0)
    catalog.metadata.setdefault("Content-Type", "text/plain; charset=UTF-8")
    catalog.metadata["Language"] = "nl"
    catalog.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    known = {entry.msgid for entry in catalog}
    for entry in catalog:
        if entry.msgid in translations:
            if entry.msgid_plural:
                value = translations[entry.msgid]
                pair = value if isinstance(value, list) else [value, value]
                entry.msgstr_plural = {0: pair[0], 1: pair[1]}
            else:
                entry.msgstr = translations[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    unknown = sorted(set(translations) - known)
    catalog.save(str(path))
    catalog.save_as_mofile(str(path.with_suffix(".mo")))
    missing = [
        e.msgid
        for e in catalog
        if not e.obsolete and (not e.msgstr and not any(e.msgstr_plural.values()))
    ]
    for msgid in unknown:
        print(f"not in catalog (run makemessages first?): {msgid}")
    for msgid in missing:
        print(f"untranslated: {msgid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
