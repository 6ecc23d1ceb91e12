"""Hostile input to every form of the back office and the booking site.

The forms are found on the pages themselves (every GET-able back office and booking
site URL, filled with the business's own ids), so a new form is fuzzed without
being listed here. Each field gets huge and negative numbers, unicode, HTML and
script, SQL fragments, very long strings, wrong types and another business's ids.
Whatever is sent: no 500, nothing rendered unescaped, and a refused form (the page
shown again with its errors) changes nothing.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.urls import get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.access import SITE_SIGN_INS
from tenancy.models import Extension, Role
from tenancy.services import set_extension
from tests.factories import ClientFactory, UserFactory, make_tenant_rows
from tests.test_tenant_isolation import (
    BACKOFFICE_PREFIX,
    MODEL_BY_KWARG,
    SAMPLE_KWARGS,
    fill,
    kwarg_names,
    snapshot,
    walk,
)

pytestmark = pytest.mark.django_db

SCRIPT_MARK = "<script>fuzz()</script>"
HOSTILE = [
    SCRIPT_MARK, '"><img src=x onerror=fuzz()>', "'; DROP TABLE booking_client; --",
    "1 OR 1=1", "-1", "0", "-99999999999999999999", "99999999999999999999999999",
    "1e308", "NaN", "-0.01", "12.345", "", " ", "\x00", "\u202e\u0000\ufeff", "Ω≈ç√∫µ≤≥÷",
    "👩‍🎤" * 20, "x" * 5000, "2030-02-30", "9999-12-31T23:59:59", "0001-01-01", "25:61",
    "true", "[]", "{}", "on", "null", "../../etc/passwd", "%(name)s {{ settings }}",
]
SKIPPED_ACTIONS = ("/logout/",)


class FormParser(HTMLParser):
    """The POST forms of a page: action and the fields with their current values."""

    def __init__(self):
        super().__init__()
        self.forms, self._current, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self._current)
        elif self._current is None:
            return
        elif tag in ("input", "textarea", "button") and attrs.get("name"):
            if attrs["name"] != "csrfmiddlewaretoken":
                self._current["fields"].setdefault(attrs["name"], attrs.get("value") or "")
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._current["fields"].setdefault(self._select, "")
        elif tag == "option" and self._select and attrs.get("value"):
            fields = self._current["fields"]
            fields[self._select] = fields[self._select] or attrs["value"]

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def forms_on(html: str, page_url: str) -> list[dict]:
    parser = FormParser()
    parser.feed(html)
    return [{"action": urljoin(page_url, form["action"] or page_url), "fields": form["fields"]}
            for form in parser.forms
            if form["fields"] and not form["action"].endswith(SKIPPED_ACTIONS)]


def hostile_values(fields: dict[str, str], foreign_ids: list[str]):
    """Each field keeps its value or gets something hostile; at least one is hostile."""
    hostile = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(foreign_ids),
                        st.text(max_size=60), st.integers(-(10**12), 10**12).map(str))
    names = sorted(fields)
    return st.tuples(
        st.sampled_from(names),
        st.fixed_dictionaries({name: st.one_of(st.just(fields[name]), hostile)
                               for name in names}),
        hostile,
    ).map(lambda chosen: {**chosen[1], chosen[0]: chosen[2]})


def site_routes():
    """Booking-site routes: /<slug>/... outside the back office, API and accounts."""
    routes = []
    for route, _pattern in walk(get_resolver().url_patterns):
        route = route.lstrip("^")
        names = kwarg_names(route)
        if route.startswith(("manage/", "api/", "accounts/", "admin/", "i18n/")) or \
                "slug" not in names or route.endswith(".ics"):
            continue
        if all(name == "slug" or name in MODEL_BY_KWARG or name in SAMPLE_KWARGS
               for name in names):
            routes.append(route)
    return routes


def backoffice_routes():
    routes = []
    for route, _pattern in walk(get_resolver().url_patterns):
        route = route.lstrip("^")
        if route.startswith(BACKOFFICE_PREFIX) and "slug" in kwarg_names(route):
            routes.append(route)
    return routes


@pytest.fixture
def tenants(business, other_business, member_of):
    for each in (business, other_business):
        set_extension(business=each, extension=Extension.LOYALTY, enabled=True)
    mine, theirs = make_tenant_rows(business), make_tenant_rows(other_business)
    ids = {**SAMPLE_KWARGS, **{kwarg: str(mine[model].pk)
                               for kwarg, model in MODEL_BY_KWARG.items()}}
    foreign_ids = sorted({str(row.pk) for row in theirs.values()})
    return business, other_business, ids, foreign_ids


REFUSAL_MARKS = ('class="field-error"', 'class="form-errors"', 'class="errorlist')


def fuzz_form(browser, form, other_business, foreign_ids, snapshot_of_mine) -> int:
    """Post hostile values to one form; return how many were refused (and so checked for
    "nothing changed")."""
    action = form["action"]
    refused = []

    @settings(max_examples=6, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(values=hostile_values(form["fields"], foreign_ids))
    def post(values):
        theirs_before = snapshot(other_business)
        mine_before = snapshot_of_mine()
        response = browser.post(action, values)
        body = response.content.decode(errors="replace")
        where = (action, values)
        assert response.status_code < 500, where
        assert SCRIPT_MARK not in body, where
        assert "<img src=x onerror" not in body, where
        if response.status_code in (200, 400) and any(mark in body for mark in REFUSAL_MARKS):
            refused.append(action)
            assert snapshot_of_mine() == mine_before, ("a refused form changed data", where)
        assert snapshot(other_business) == theirs_before, where

    post()
    return len(refused)


def fuzz_forms_of(browser, url: str, other_business, foreign_ids, snapshot_of_mine
                  ) -> tuple[int, int]:
    """(forms found on the page, hostile posts refused)."""
    page = browser.get(url)
    assert page.status_code < 500, url
    if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
        return 0, 0
    forms = forms_on(page.content.decode(), url)
    refused = sum(fuzz_form(browser, form, other_business, foreign_ids, snapshot_of_mine)
                  for form in forms)
    return len(forms), refused


def test_every_back_office_form_refuses_hostile_input_cleanly(client, tenants, member_of):
    business, other_business, ids, foreign_ids = tenants
    client.force_login(member_of(business, Role.OWNER).user)
    forms = refused = 0
    for route in backoffice_routes():
        url = fill(route, {"slug": business.slug, **ids})
        found, refusals = fuzz_forms_of(client, url, other_business, foreign_ids,
                                        lambda: snapshot(business))
        forms, refused = forms + found, refused + refusals
    assert forms >= 15
    assert refused >= 50


def test_every_booking_site_form_refuses_hostile_input_cleanly(client, tenants):
    business, other_business, ids, foreign_ids = tenants
    user = UserFactory()
    ClientFactory(business=business, user=user, email=user.email)
    client.force_login(user)
    session = client.session
    session[SITE_SIGN_INS] = [business.pk]
    session.save()
    forms = 0
    for route in site_routes():
        url = fill(route, {"slug": business.slug, **ids})
        found, _refusals = fuzz_forms_of(client, url, other_business, foreign_ids,
                                         lambda: snapshot(business))
        forms += found
    assert forms >= 2


def test_every_page_answers_a_null_character_in_its_query_with_a_clear_400(client, tenants,
                                                                           member_of):
    business, _other_business, ids, _foreign_ids = tenants
    client.force_login(member_of(business, Role.OWNER).user)
    for route in backoffice_routes() + site_routes():
        url = fill(route, {"slug": business.slug, **ids})

        response = client.get(url, {"q": "a\x00b", "email": "a\x00b"})

        assert response.status_code == 400, url
        assert 'class="form-errors"' in response.content.decode(), url
