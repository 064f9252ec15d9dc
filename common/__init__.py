"""Helpers every app may use: environment readers, log redaction, bulk writes, exports,
page texts, command-line output, the beat schedules.

Nothing here imports an app of the portal, so any app (and the settings) can import
from here without reaching upward; only ``oso_format`` and ``portal_text`` sit below it.
"""
