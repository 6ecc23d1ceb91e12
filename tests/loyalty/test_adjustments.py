"""The back office "Add points" flow: opened from the client page or the points report
with the client chosen, the new balance said on saving, back to where it was opened,
the client's history, undo, and who may do it."""

import html
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from loyalty import selectors
from loyalty.models import EntryKind, PointsEntry
from loyalty.services import adjustments
from notifications.kinds import MessageKind
from notifications.models import OutboundMessage
from tests.factories import ClientFactory
from tests.reports.conftest import report_url

pytestmark = pytest.mark.django_db

MINUS = "\N{MINUS SIGN}"


@pytest.fixture
def camille(business):
    return ClientFactory(business=business, first_name="Camille", last_name="Martin")


def client_page_url(business, client) -> str:
    return reverse("booking:client-detail", args=[business.slug, client.pk])


def adjust_url(business) -> str:
    return reverse("loyalty:adjust", args=[business.slug])


def undo_url(business, entry) -> str:
    return reverse("loyalty:undo-adjustment", args=[business.slug, entry.pk])


def link_to_add_points(page: str, label: str = "Add points") -> str:
    """The href of the first "Add points" button of a page, as a browser follows it."""
    found = re.search(r'href="([^"]*/loyalty/points/add/\?client=[^"]*)"[^>]*>' + label, page)
    assert found, f"no {label!r} link to a client on the page"
    return html.unescape(found.group(1))


def hidden_next(page: str) -> str | None:
    found = re.search(r'<input type="hidden" name="next" value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else None


def save_from(browser, form_url: str, page: str, **values):
    """Submit the adjust form as the browser would: to its own URL, with its hidden next."""
    next_value = hidden_next(page)
    fields = {**values, **({"next": next_value} if next_value is not None else {})}
    return browser.post(form_url, fields)


def history_row(page: str, description: str) -> str:
    rows = [row for row in page.split("<tr>") if f"<td>{description}" in row]
    assert len(rows) == 1, f"expected one history row for {description!r}, found {len(rows)}"
    return rows[0]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_add_points_opened_from_the_client_page_has_the_client_chosen_and_goes_back_there(
        client, business, manager, camille):
    # Given the manager on Camille's page
    client.force_login(manager)
    detail = client.get(client_page_url(business, camille)).content.decode()

    # When they follow its "Add points" button
    form_url = link_to_add_points(detail)
    form = client.get(form_url)

    # Then the form is for Camille, with no client search, and remembers the client page
    page = form.content.decode()
    assert form.status_code == 200
    assert form.context["client"] == camille
    assert "Camille Martin has 0 points." in page
    assert 'name="q"' not in page
    assert "Find a client" not in page
    assert hidden_next(page) == client_page_url(business, camille)

    # When they save, they are back on the client page
    saved = save_from(client, form_url, page, points="10", description="Welcome")
    assert saved.status_code == 302
    assert saved.url == client_page_url(business, camille)
    assert selectors.balance_of(business=business, client=camille) == 10


def test_add_more_points_from_the_points_report_goes_back_to_the_report_as_filtered(
        client, business, manager, camille):
    # Given an entry of Camille's, and the points report filtered to her
    adjustments.adjust_points(business=business, client=camille, points=5, description="Welcome",
                              by=manager)
    client.force_login(manager)
    report = f"{report_url(business, 'points')}?client={camille.pk}"
    listed = client.get(report).content.decode()

    # When the manager adds points from her row
    form_url = link_to_add_points(listed, label="Add more points")
    page = client.get(form_url).content.decode()
    saved = save_from(client, form_url, page, points="3", description="Referral")

    # Then they are back on the report, still filtered to her
    assert saved.status_code == 302
    assert saved.url == report
    assert selectors.balance_of(business=business, client=camille) == 8


@pytest.mark.parametrize(("points", "message", "cells"), [
    ("15", "Camille Martin now has 20 points.", ['<td class="num">+15</td>',
                                                 '<td class="num">20</td>']),
    ("-4", "Camille Martin now has 1 point.", [f'<td class="num">{MINUS}4</td>',
                                               '<td class="num">1</td>']),
])
def test_saving_an_adjustment_says_the_new_balance_and_the_history_shows_it_signed(
        client, business, manager, camille, points, message, cells):
    # Given Camille has 5 points
    adjustments.adjust_points(business=business, client=camille, points=5, description="Welcome",
                              by=manager)
    client.force_login(manager)

    # When the manager adds or takes points, saying why
    done = client.post(f"{adjust_url(business)}?client={camille.pk}",
                       {"points": points, "description": "Birthday gift"}, follow=True)

    # Then the message says her new balance, and her history shows the entry with a sign
    assert messages_of(done) == [message]
    assert done.redirect_chain == [(client_page_url(business, camille), 302)]
    row = history_row(done.content.decode(), "Birthday gift")
    for cell in cells:
        assert cell in row


def test_an_adjustment_is_undone_from_the_client_page_with_a_reversing_entry(
        client, business, manager, camille):
    # Given Camille got 4 points by hand
    entry = adjustments.adjust_points(business=business, client=camille, points=4,
                                      description="Gift", by=manager)
    client.force_login(manager)
    detail = client.get(client_page_url(business, camille)).content.decode()
    assert f'action="{undo_url(business, entry)}"' in detail

    # When the manager undoes it from her page
    done = client.post(undo_url(business, entry), follow=True)

    # Then it says so, and a reversal of the 4 points is posted by the manager
    assert done.redirect_chain == [(client_page_url(business, camille), 302)]
    assert messages_of(done) == ["Adjustment undone."]
    reversal = PointsEntry.objects.get(kind=EntryKind.REVERSE)
    assert (reversal.points, reversal.reverses, reversal.created_by, reversal.balance_after) == (
        -4, entry, manager, 0)
    assert reversal.description == "Reversal: Gift"
    assert f'<td class="num">{MINUS}4</td>' in history_row(done.content.decode(),
                                                          "Reversal: Gift")


def test_undoing_an_adjustment_twice_is_refused_and_posts_nothing(client, business, manager,
                                                                  camille):
    # Given an adjustment already undone (Camille accepted marketing messages)
    camille.marketing_opt_in = True
    camille.marketing_opt_in_at = timezone.now()
    camille.save()
    entry = adjustments.adjust_points(business=business, client=camille, points=4,
                                      description="Gift", by=manager)
    client.force_login(manager)
    client.post(undo_url(business, entry), follow=True)
    entries = PointsEntry.objects.count()
    told = OutboundMessage.objects.filter(kind=MessageKind.BALANCE_UPDATED).count()

    # When the manager undoes it again
    again = client.post(undo_url(business, entry), follow=True)

    # Then it is refused with a message, nothing is posted and the client is not told again
    assert PointsEntry.objects.count() == entries
    assert selectors.balance_of(business=business, client=camille) == 0
    assert messages_of(again) == ["This adjustment has already been undone."]
    assert OutboundMessage.objects.filter(kind=MessageKind.BALANCE_UPDATED).count() == told


def test_staff_see_the_history_without_add_points_or_undo(client, business, manager, staff,
                                                          camille):
    entry = adjustments.adjust_points(business=business, client=camille, points=4,
                                      description="Gift", by=manager)
    client.force_login(staff)
    page = client.get(client_page_url(business, camille)).content.decode()
    assert "Gift" in page
    assert "/loyalty/points/add/" not in page
    assert undo_url(business, entry) not in page


def test_staff_cannot_undo_an_adjustment(client, business, manager, staff, camille):
    # Given an adjustment by a manager
    entry = adjustments.adjust_points(business=business, client=camille, points=4,
                                      description="Gift", by=manager)
    client.force_login(staff)

    # When a staff member posts its undo
    response = client.post(undo_url(business, entry))

    # Then it is refused and nothing changes
    assert response.status_code == 403
    assert not PointsEntry.objects.filter(kind=EntryKind.REVERSE).exists()
    assert selectors.balance_of(business=business, client=camille) == 4


def test_staff_cannot_post_points(client, business, staff, camille):
    client.force_login(staff)

    response = client.post(f"{adjust_url(business)}?client={camille.pk}",
                           {"points": "50", "description": "For me"})

    assert response.status_code == 403
    assert not PointsEntry.objects.exists()
    assert selectors.balance_of(business=business, client=camille) == 0


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example",
                                       "/\\evil.example", "evil.example/x"])
def test_a_next_that_is_not_a_local_path_is_not_kept_by_the_form(client, business, manager,
                                                                 camille, elsewhere):
    # Given "Add points" opened with a next pointing off the site
    client.force_login(manager)
    form_url = f"{adjust_url(business)}?{urlencode({'client': camille.pk, 'next': elsewhere})}"
    page = client.get(form_url).content.decode()

    # When the manager saves the form as the page has it
    saved = save_from(client, form_url, page, points="5", description="Welcome")

    # Then the form did not keep it, and saving goes to the client page
    assert hidden_next(page) is None
    assert saved.status_code == 302
    assert saved.url == client_page_url(business, camille)
    assert selectors.balance_of(business=business, client=camille) == 5


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example",
                                       "/\\evil.example"])
def test_a_posted_next_that_is_not_a_local_path_is_ignored_after_saving(
        client, business, manager, camille, elsewhere):
    client.force_login(manager)

    saved = client.post(f"{adjust_url(business)}?client={camille.pk}",
                        {"points": "5", "description": "Welcome", "next": elsewhere})

    assert selectors.balance_of(business=business, client=camille) == 5
    assert saved.status_code == 302
    assert saved.url == client_page_url(business, camille)


# --- the popup ------------------------------------------------------------------------------

def popup_url(business, **query) -> str:
    url = reverse("loyalty:adjust-popup", args=[business.slug])
    return f"{url}?{urlencode(query)}" if query else url


def test_add_points_opens_as_a_popup_from_the_menu_with_the_client_search(client, business,
                                                                          manager):
    client.force_login(manager)
    home = client.get(reverse("booking:backoffice-home", args=[business.slug])).content.decode()
    popup = client.get(popup_url(business), HTTP_HX_REQUEST="true",
                       HTTP_HX_TARGET="add-points-body").content.decode()

    assert f'hx-get="{popup_url(business)}"' in home
    assert '<dialog class="popup" id="add-points-popup"' in home
    assert "<html" not in popup
    assert 'id="popup-client-search"' in popup


def test_the_popup_search_lists_clients_that_open_inside_the_popup(client, business, manager,
                                                                   camille):
    client.force_login(manager)
    found = client.get(popup_url(business, q="Martin"), HTTP_HX_REQUEST="true",
                       HTTP_HX_TARGET="popup-client-choices").content.decode()
    chosen = client.get(popup_url(business, client=camille.pk), HTTP_HX_REQUEST="true",
                        HTTP_HX_TARGET="add-points-body").content.decode()

    assert html.escape(popup_url(business, client=camille.pk)) in found
    assert 'hx-target="#add-points-body"' in found
    assert "Camille Martin has 0 points." in chosen
    assert f'hx-post="{html.escape(popup_url(business, client=camille.pk))}"' in chosen


def test_saving_in_the_popup_sends_the_browser_back_where_it_was_opened(client, business,
                                                                        manager, camille):
    client.force_login(manager)
    report = report_url(business, "points")

    saved = client.post(popup_url(business, client=camille.pk),
                        {"points": "6", "description": "Welcome", "next": report},
                        HTTP_HX_REQUEST="true")

    assert (saved.status_code, saved["HX-Redirect"]) == (200, report)
    assert selectors.balance_of(business=business, client=camille) == 6


def test_a_refusal_in_the_popup_stays_in_the_popup_and_changes_nothing(client, business,
                                                                       manager, camille):
    client.force_login(manager)

    refused = client.post(popup_url(business, client=camille.pk),
                          {"points": "-3", "description": "Oops"}, HTTP_HX_REQUEST="true")

    assert "HX-Redirect" not in refused
    assert "The client has only 0 points." in refused.content.decode()
    assert not PointsEntry.objects.filter(client=camille).exists()


def test_the_client_page_and_the_report_open_add_points_in_the_popup(client, business,
                                                                     manager, camille):
    adjustments.adjust_points(business=business, client=camille, points=2, description="Hi",
                              by=manager)
    client.force_login(manager)
    pages = [client.get(client_page_url(business, camille)).content.decode(),
             client.get(report_url(business, "points")).content.decode()]
    for page in pages:
        assert 'data-popup="add-points-popup"' in page
        assert f"{reverse('loyalty:adjust-popup', args=[business.slug])}?client={camille.pk}" in (
            page)


def test_staff_cannot_open_the_add_points_popup(client, business, staff):
    client.force_login(staff)
    home = client.get(reverse("booking:backoffice-home", args=[business.slug])).content.decode()
    assert client.get(popup_url(business), HTTP_HX_REQUEST="true").status_code == 403
    assert "add-points-popup" not in home


# --- "Add points" without a client, opened from a page it returns to -----------------------

def choice_link(page: str, attribute: str, client) -> str:
    """The `href` or `hx-get` of the search result that chooses `client`."""
    found = re.search(attribute + r'="([^"]*\?client=' + str(client.pk) + r'[^"]*)"', page)
    assert found, f"no {attribute} choosing the client on the page"
    return html.unescape(found.group(1))


def test_choosing_the_client_on_the_add_points_page_keeps_where_to_go_back(
        client, business, manager, camille):
    # Given "Add points" opened from the points report, without a client (no JavaScript)
    client.force_login(manager)
    report = f"{report_url(business, 'points')}?kind=adjust"
    opened = client.get(f"{adjust_url(business)}?{urlencode({'next': report})}")
    assert hidden_next(opened.content.decode()) == report

    # When the manager searches, as the search form sends it, and chooses Camille
    found = client.get(f"{adjust_url(business)}?{urlencode({'q': 'Martin', 'next': report})}")
    form_url = choice_link(found.content.decode(), "href", camille)
    form = client.get(form_url).content.decode()
    saved = save_from(client, form_url, form, points="3", description="Referral")

    # Then saving brings them back to the report
    assert hidden_next(form) == report
    assert (saved.status_code, saved.url) == (302, report)
    assert selectors.balance_of(business=business, client=camille) == 3


def test_choosing_the_client_in_the_popup_keeps_where_to_go_back(client, business, manager,
                                                                 camille):
    # Given the popup opened from the report's "Add points" button
    client.force_login(manager)
    report = report_url(business, "points")
    opened = client.get(popup_url(business, next=report), HTTP_HX_REQUEST="true",
                        HTTP_HX_TARGET="add-points-body").content.decode()

    # When the manager types a name (htmx sends the search form) and chooses Camille
    assert 'hx-include="closest form"' in opened
    assert hidden_next(opened) == report
    found = client.get(popup_url(business, q="Martin", next=report), HTTP_HX_REQUEST="true",
                       HTTP_HX_TARGET="popup-client-choices").content.decode()
    chosen = client.get(choice_link(found, "hx-get", camille), HTTP_HX_REQUEST="true",
                        HTTP_HX_TARGET="add-points-body").content.decode()

    # Then the form remembers the report, and "Choose another client" does too
    assert hidden_next(chosen) == report
    again = re.search(r'hx-get="([^"]*)"[^>]*>Choose another client', chosen)
    assert again
    assert parse_qs(urlsplit(html.unescape(again.group(1))).query)["next"] == [report]
