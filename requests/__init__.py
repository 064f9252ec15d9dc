"""The OSO requests app (TransferRequest and friends).

This package shadows the PyPI ``requests`` library on purpose of the layout the
users asked for; the project never uses that library (it uses httpx), and
tests/test_no_pypi_requests.py fails if it gets imported.
"""
