"""No portal page keeps a BSN in its URL: a GET form's value holding one is taken out.

A clerk may type a BSN into any filter (the overview's *Naam of stamnummer*, the audit
log's search): the page answers with a redirect without that value and says where to
search on a BSN instead (oso_portal/admin_search.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from oso_format.identifiers import find_identifiers
from tests.factories import StudentFactory

NL = {"HTTP_ACCEPT_LANGUAGE": "nl"}
WHY = "Zoeken op een BSN kan hier niet"


@pytest.mark.parametrize(
    ("url_name", "params", "kept"),
    [
        ("oso_requests:overview", {"q": "{bsn}", "status": "ready"}, "?status=ready"),
        ("audit:log", {"query": "x {bsn}", "action": ""}, "?action="),
        ("students:search", {"surname": "{bsn}"}, ""),
    ],
    ids=["overview-filter", "audit-search", "search-after-redirect"],
)
def test_a_bsn_typed_into_a_get_form_is_taken_out_of_the_url_and_the_page_says_why(
    portal_client, url_name, params, kept
):
    student = StudentFactory()
    url = reverse(url_name)
    query = {key: value.format(bsn=student.bsn) for key, value in params.items()}

    response = portal_client.get(url, query, follow=True, **NL)

    assert response.redirect_chain == [(url + kept, 302)]
    assert find_identifiers(response.redirect_chain[-1][0]) == []
    assert WHY in response.content.decode()


def test_student_numbers_and_numbers_that_are_no_bsn_stay_in_the_url(portal_client):
    # A 10-digit student number, and 9 digits that fail the eleven test.
    response = portal_client.get(
        reverse("oso_requests:overview"), {"q": "1000000001 123456788"}, **NL
    )

    assert response.status_code == 200
    assert WHY not in response.content.decode()
