"""Submit Django admin forms in tests the way a browser would: read the page, change, post."""

from __future__ import annotations

import html.parser


class FormFields(html.parser.HTMLParser):
    """The named inputs of the admin change form, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "checkbox", "file"):
            self.data[name] = attrs.get("value") or ""
        elif tag == "input" and name and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.data[name] = "on"
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def admin_form(client, url: str) -> dict[str, str]:
    """The named inputs of the admin page at ``url``, as a browser would submit them."""
    page = client.get(url)
    assert page.status_code == 200
    form = FormFields()
    form.feed(page.content.decode())
    return form.data


def admin_correct(client, student, **changes) -> None:
    """Change NAW fields of a student through the admin change form, as staff would."""
    url = f"/admin/students/student/{student.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = FormFields()
    form.feed(page.content.decode())
    form.data.update(changes)
    response = client.post(url, form.data)
    assert response.status_code == 302, response.content.decode()[:3000]
