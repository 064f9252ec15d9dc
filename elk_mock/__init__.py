"""A stand-in for the ELK/OSO chain: deterministic data, an HTTP endpoint and a test helper.

Run it with ``python -m elk_mock --host 127.0.0.1 --port 8765``; the protocol is in
``elk_mock/README.md``. This package imports nothing from the portal (no Django, no apps).
"""
