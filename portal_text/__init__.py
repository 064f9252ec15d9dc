"""Text as data: remarks, failure reasons and summaries kept as a code with parameters.

A stored remark is ``{"code": "merge.corrected_kept", "params": {...}}``; the page
renders it in the language active at that moment, so the same row reads Dutch on
the Dutch page and English on the English one, with dates as that language writes
them. The codes are defined next to the code that makes the text (``define``); the
apps import those modules when they start, so every code is known before a page
renders one.

This package imports no app: the format package, the apps and the audit log all use it.
"""

from portal_text.messages import (
    LEGACY,
    Message,
    Text,
    date_param,
    define,
    is_defined,
    legacy,
    message_from_json,
    messages_from_json,
    messages_to_json,
    render,
    render_all,
    text_to_message,
)

__all__ = [
    "LEGACY",
    "Message",
    "Text",
    "date_param",
    "define",
    "is_defined",
    "legacy",
    "message_from_json",
    "messages_from_json",
    "messages_to_json",
    "render",
    "render_all",
    "text_to_message",
]
