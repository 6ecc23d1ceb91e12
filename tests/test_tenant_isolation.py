"""Nobody reaches another business's data: every back office and API URL, walked.

URLs are found through the resolver, so a new URL is covered without being listed
here. Object ids in URLs are named `<model>_pk` (e.g. `client_pk`, `api_token_pk`)
so that the walk knows which model they name; a URL it cannot fill fails the test.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tenancy.models import Business, Role
from tests.factories import make_tenant_rows
from tests.test_architecture import tenant_models

pytestmark = pytest.mark.django_db

BACKOFFICE_PREFIX = "manage/"
API_PREFIX = "api/v1/"
FORM_VALUES = {
    "name": "Changed", "first_name": "Changed", "last_name": "Changed",
    "email": "changed@example.com", "phone": "000", "notes": "changed", "role": "owner",
    "extension": "loyalty", "enabled": "on", "time_zone": "Europe/Paris", "currency": "EUR",
    "language": "fr", "contact_email": "changed@example.com", "slug": "changed",
    "marketing_opt_in": "on", "full_name": "Changed",
}
JSON_VALUES = {**FORM_VALUES, "enabled": True, "marketing_opt_in": True}
# URL kwargs that are not object ids, with a value that exists in every business.
SAMPLE_KWARGS = {"kind": "booking_confirmed"}


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


MODEL_BY_KWARG = {f"{snake_case(m.__name__)}_pk": m for m in tenant_models()}


def walk(patterns, prefix=""):
    """(route, pattern) for every endpoint, with the route as a regex-ish string."""
    for entry in patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def kwarg_names(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)


def fill(route: str, values: dict[str, str]) -> str:
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], url)
    return "/" + url.lstrip("^").rstrip("$").replace("\\", "")


def tenant_routes(prefix: str):
    routes = []
    for route, pattern in walk(get_resolver().url_patterns):
        route = route.lstrip("^")
        if not route.startswith(prefix) or "format" in kwarg_names(route):
            continue
        if pattern.callback.__name__ == "api_not_found" or route.endswith(("schema/", "docs/")):
            continue
        unknown = [k for k in kwarg_names(route)
                   if k != "slug" and k not in MODEL_BY_KWARG and k not in SAMPLE_KWARGS]
        assert not unknown, f"{route}: name object ids <model>_pk so the walk can fill them"
        routes.append(route)
    return routes


def snapshot(business: Business) -> dict:
    rows = {model._meta.label: list(model.objects.for_business(business).order_by("pk").values())
            for model in tenant_models()}
    rows["tenancy.Business"] = list(Business.objects.filter(pk=business.pk).values())
    return rows


@pytest.fixture
def two_tenants(member_of):
    mine = Business.objects.create(name="Mine", slug="mine", contact_email="m@mine.test")
    theirs = Business.objects.create(name="Theirs Marker", slug="theirs-marker",
                                     contact_email="t@theirs.test")
    my_rows = make_tenant_rows(mine)
    their_rows = make_tenant_rows(theirs)
    owner = member_of(mine, Role.OWNER).user
    return mine, theirs, my_rows, their_rows, owner


def their_filters(rows) -> dict[str, str]:
    """Query parameters naming their rows: ?client=<their client>&service=<their service>..."""
    return {"start": "2030-01-07", "day": "2030-01-07",
            **{snake_case(model.__name__): str(row.pk) for model, row in rows.items()}}


def ids_of(rows) -> dict[str, str]:
    return {**SAMPLE_KWARGS,
            **{kwarg: str(rows[model].pk) for kwarg, model in MODEL_BY_KWARG.items()}}


def test_the_walk_covers_the_back_office_and_the_api():
    backoffice = tenant_routes(BACKOFFICE_PREFIX)
    api = tenant_routes(API_PREFIX)
    assert any("clients/<int:client_pk>" in r for r in backoffice)
    assert any("settings/extensions" in r for r in backoffice)
    assert any("client_pk" in r for r in api)
    assert len(backoffice) >= 10
    assert len(api) >= 4


def test_an_owner_cannot_read_or_change_another_business_through_the_back_office(
        client, two_tenants):
    mine, theirs, my_rows, their_rows, owner = two_tenants
    client.force_login(owner)
    before = snapshot(theirs)
    cases = []
    for route in tenant_routes(BACKOFFICE_PREFIX):
        if "slug" not in kwarg_names(route):
            continue
        has_ids = any(k in MODEL_BY_KWARG for k in kwarg_names(route))
        # Their business in the URL, with their ids and with mine; my business with their ids.
        cases.append(fill(route, {"slug": theirs.slug, **ids_of(their_rows)}))
        if has_ids:
            cases.append(fill(route, {"slug": theirs.slug, **ids_of(my_rows)}))
            cases.append(fill(route, {"slug": mine.slug, **ids_of(their_rows)}))
    assert cases
    for url in cases:
        for method in ("get", "post"):
            response = getattr(client, method)(url, FORM_VALUES) if method == "post" \
                else client.get(url)
            assert response.status_code in {403, 404, 405}, (method, url, response.status_code)
            assert b"Theirs Marker" not in response.content, (method, url)
    assert snapshot(theirs) == before


def test_a_token_of_one_business_cannot_read_or_change_another_through_the_api(
        api_for, two_tenants):
    mine, theirs, _my_rows, their_rows, _owner = two_tenants
    api = api_for(mine, Role.OWNER)
    before = snapshot(theirs)
    their_markers = [theirs.name.encode(), theirs.slug.encode(),
                     their_rows[next(m for m in their_rows if m.__name__ == "Client")]
                     .email.encode()]
    for route in tenant_routes(API_PREFIX):
        names = kwarg_names(route)
        url = fill(route, ids_of(their_rows))
        if names:
            for method in ("get", "put", "patch", "delete", "post"):
                response = getattr(api, method)(url, JSON_VALUES, format="json")
                assert response.status_code in {403, 404, 405}, (method, url,
                                                                 response.status_code)
        else:
            response = api.get(url)
            assert response.status_code in {200, 400, 403, 405}, (url, response.status_code)
        # Lists and queries filtered by their ids: an empty answer, a refusal, or not found.
        filtered = api.get(url, their_filters(their_rows))
        assert filtered.status_code in {200, 400, 403, 404, 405}, (url, filtered.status_code)
        for listing in (api.get(url), filtered):
            for marker in their_markers:
                assert marker not in listing.content, (url, marker)
    assert snapshot(theirs) == before
