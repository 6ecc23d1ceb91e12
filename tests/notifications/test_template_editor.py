"""Settings -> Messages: every kind listed, each editable with its variables, a preview
with sample data, a clear refusal of an unknown variable, and "Reset to default"."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from notifications.kinds import MessageKind
from notifications.models import MessageTemplate
from notifications.services import save_template
from tenancy.models import Role
from tests.factories import MessageTemplateFactory

pytestmark = pytest.mark.django_db

CREDITED = MessageKind.POINTS_CREDITED


def _editor_url(business, kind=CREDITED, action=""):
    return f"/manage/{business.slug}/settings/messages/{kind}/{action}"


def _template(business, kind=CREDITED):
    return MessageTemplate.objects.for_business(business).filter(kind=kind).first()


def test_the_settings_page_lists_every_kind_and_which_have_their_own_wording(
        business, browser_for, manager):
    MessageTemplateFactory(business=business, kind=MessageKind.REWARD_UNLOCKED,
                           subject="Bravo", body="{{ reward_code }}")

    page = browser_for(manager).get(f"/manage/{business.slug}/settings/messages/")

    text = page.content.decode()
    assert page.status_code == 200
    for kind in MessageKind:
        assert str(kind.label) in text
        assert _editor_url(business, kind) in text
    assert text.count("Your wording") == 1


def test_the_editor_shows_the_default_wording_its_variables_and_a_preview(
        business, browser_for, manager):
    page = browser_for(manager).get(_editor_url(business))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Thank you for your visit: your points are credited" in text
    for name in ("points", "balance", "service", "description", "client_name", "booking_link",
                 "unsubscribe_link"):
        assert f"<code>{{{{ {name} }}}}</code>" in text
    # The sample client and figures, not the placeholders.
    assert "Hello Anna," in text
    assert "Points earned: 10" in text


def test_saving_stores_the_business_wording_and_comes_back_to_the_editor(
        business, browser_for, manager):
    response = browser_for(manager).post(_editor_url(business), {
        "subject": "Merci {{ client_name }} !", "body": "Solde : {{ balance }}"})

    assert response.status_code == 302
    assert response["Location"] == _editor_url(business)
    saved = _template(business)
    assert (saved.subject, saved.body) == ("Merci {{ client_name }} !", "Solde : {{ balance }}")
    assert saved.updated_by == manager


def test_an_unknown_variable_is_refused_with_a_message_naming_it(business, browser_for,
                                                                  manager):
    response = browser_for(manager).post(_editor_url(business), {
        "subject": "Hi", "body": "Your code: {{ reward_code }}"})

    text = response.content.decode()
    assert response.status_code == 200
    assert "Unknown variable &quot;{{ reward_code }}&quot; on line 1." in text
    assert "Available: balance, booking_link, business_name" in text
    assert 'class="field-error"' in text
    assert _template(business) is None


def test_broken_syntax_is_refused_with_a_message_naming_it(business, browser_for, manager):
    response = browser_for(manager).post(_editor_url(business), {
        "subject": "Hi {% if points %}", "body": "ok"})

    assert "&quot;{% if points %}&quot; on line 1 is not allowed" in response.content.decode()
    assert _template(business) is None


def test_the_preview_renders_what_is_typed_without_saving_it(business, browser_for, manager):
    response = browser_for(manager).post(
        _editor_url(business, action="preview/"),
        {"subject": "Bravo {{ client_name }}", "body": "Vous avez {{ balance }} points."},
        HTTP_HX_REQUEST="true")

    text = response.content.decode()
    assert response.status_code == 200
    assert "Bravo Anna" in text
    assert "Vous avez 120 points." in text
    assert "<html" not in text
    assert _template(business) is None


def test_the_preview_explains_a_broken_template(business, browser_for, manager):
    response = browser_for(manager).post(
        _editor_url(business, action="preview/"),
        {"subject": "Hi", "body": "{{ points }"}, HTTP_HX_REQUEST="true")

    assert "Unclosed placeholder &quot;{{ points }&quot; on line 1" in response.content.decode()


def test_reset_to_default_restores_the_default_wording(business, browser_for, manager):
    save_template(business=business, kind=CREDITED, subject="Mine", body="Mine", by=manager)
    browser = browser_for(manager)

    response = browser.post(_editor_url(business, action="reset/"))

    assert response.status_code == 302
    assert _template(business) is None
    page = browser.get(_editor_url(business)).content.decode()
    assert "Thank you for your visit: your points are credited" in page


def test_after_saving_the_editor_goes_back_to_the_page_that_included_it(
        business, browser_for, manager):
    loyalty_page = f"/manage/{business.slug}/settings/extensions/"

    response = browser_for(manager).post(_editor_url(business), {
        "subject": "Hi", "body": "Hi", "next": loyalty_page})

    assert response["Location"] == loyalty_page


def test_a_next_address_elsewhere_is_ignored(business, browser_for, manager):
    response = browser_for(manager).post(_editor_url(business), {
        "subject": "Hi", "body": "Hi", "next": "https://evil.example/"})

    assert response["Location"] == _editor_url(business)


def test_an_unknown_kind_is_not_found(business, browser_for, manager):
    response = browser_for(manager).get(_editor_url(business, "birthday"))

    assert response.status_code == 404


def test_staff_cannot_edit_templates(business, browser_for, staff):
    browser = browser_for(staff)

    responses = [browser.get(_editor_url(business)),
                 browser.post(_editor_url(business), {"subject": "x", "body": "x"}),
                 browser.post(_editor_url(business, action="reset/"))]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert _template(business) is None


def test_any_settings_page_can_include_the_editor_of_a_kind(business, member_of):
    request = RequestFactory().get(f"/manage/{business.slug}/settings/loyalty/")
    request.business = business
    request.user = member_of(business, Role.MANAGER).user
    page = Template('{% load notification_editor %}'
                    '{% message_template_editor "balance_updated" %}')

    html = page.render(Context({"request": request, "csrf_token": "token"}))

    assert f'action="{_editor_url(business, MessageKind.BALANCE_UPDATED)}"' in html
    assert f'value="/manage/{business.slug}/settings/loyalty/"' in html
    assert "Your points balance at Atelier Test has changed" in html
    assert "Change: +10" in html
