"""An upload over the total cap is refused unread, under runserver as under gunicorn.

gunicorn closes the connection when the application answers ``Connection: close``;
wsgiref (runserver, what ``make run`` starts) refuses that hop-by-hop header with a 500
and drains the body itself, so there the refusal must come without it.
"""

from __future__ import annotations

import io
from wsgiref.handlers import SimpleHandler
from wsgiref.simple_server import software_version

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.urls import reverse

IMPORT = reverse("students:dossier_import")


class _Wsgiref(SimpleHandler):
    """wsgiref's handler as runserver's server names itself (SERVER_SOFTWARE)."""

    server_software = software_version


def _run_under_wsgiref(*, path: str, body: bytes) -> str:
    """The status line wsgiref writes for one POST through the whole Django stack."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "multipart/form-data; boundary=x",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.url_scheme": "http",
    }
    out = io.BytesIO()
    handler = _Wsgiref(io.BytesIO(body), out, io.StringIO(), environ)
    handler.run(WSGIHandler())
    return out.getvalue().split(b"\r\n", 1)[0].decode()


# A real WSGI handler closes old database connections at each request: no test transaction.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", [IMPORT, "/signups/import/"], ids=["import-page", "other-page"])
def test_a_too_large_upload_under_runserver_is_refused_not_a_server_error(settings, url):
    settings.OSO_UPLOAD_MAX_TOTAL_BYTES = 1024

    status = _run_under_wsgiref(path=url, body=b"x" * 4096)

    assert status.split()[1] in {"302", "413"}, status


@pytest.mark.django_db
def test_gunicorn_is_asked_to_close_the_connection(client, settings):
    settings.OSO_UPLOAD_MAX_TOTAL_BYTES = 1024

    response = client.generic(
        "POST",
        IMPORT,
        b"x" * 4096,
        content_type="multipart/form-data; boundary=x",
        SERVER_SOFTWARE="gunicorn/23.0.0",
    )

    assert (response.status_code, response["Connection"]) == (302, "close")
