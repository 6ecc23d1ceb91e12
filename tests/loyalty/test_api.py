"""The loyalty API: a client's balance and history, the program's settings, manual
adjustments and their undo; who may do what, and only within the token's business."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils.dateparse import parse_datetime

from core.dates import format_day
from loyalty import selectors
from loyalty.models import EntryKind, PointsEntry, Program
from loyalty.services import adjustments, crediting
from loyalty.services import program as program_services
from notifications.kinds import MessageKind
from notifications.models import OutboundMessage
from tenancy import services as tenant_services
from tenancy.models import Extension, Role
from tests.loyalty.conftest import ended

pytestmark = pytest.mark.django_db

PROGRAM_URL = "/api/v1/loyalty/program/"
ADJUSTMENTS_URL = "/api/v1/loyalty/adjustments/"


def balance_url(client) -> str:
    return f"/api/v1/loyalty/clients/{client.pk}/"


def entries_url(client) -> str:
    return f"/api/v1/loyalty/clients/{client.pk}/entries/"


def undo_url(entry) -> str:
    return f"{ADJUSTMENTS_URL}{entry.pk}/undo/"


def balance(business, client) -> int:
    return selectors.balance_of(business=business, client=client)


def adjust(business, client, points, by, description="Gift"):
    return adjustments.adjust_points(business=business, client=client, points=points,
                                     description=description, by=by)


def adjust_and_undo(api, client, entry):
    """What `api` answers when it adds points to `client` and undoes `entry`."""
    adjusted = api.post(ADJUSTMENTS_URL, {"client": client.pk, "points": 5,
                                          "description": "Goodwill"}, format="json")
    return adjusted, api.post(undo_url(entry))


def ledger(business):
    """Every entry of the business, oldest first, as (kind, points, balance after)."""
    return list(PointsEntry.objects.for_business(business).order_by("pk")
                .values_list("kind", "points", "balance_after"))


# --- balance and history --------------------------------------------------------------

def test_the_balance_says_the_points_what_is_pending_and_what_expires_when(
        api_for, business, fan, colour, manager):
    # Given points that expire after 12 months: 10 given, 4 taken back, so 6 are left to
    # expire; and an appointment worth 2 points that ended an hour ago, inside the delay
    program_services.update_program(business=business, expiry_months=12)
    gift = adjust(business, fan, 10, manager)
    adjust(business, fan, -4, manager, description="Booked twice")
    appointment = ended(business, fan, colour, hours_ago=1)

    # When a staff token reads her balance
    answer = api_for(business, Role.STAFF).get(balance_url(fan))

    # Then it says 6 points, 2 pending at the end + 3 hours, and 6 expiring with the gift
    assert answer.status_code == 200
    body = answer.json()
    assert (body["client"], body["enabled"], body["balance"], body["pending_points"]) == (
        fan.pk, True, 6, 2)
    [pending] = body["pending"]
    assert (pending["appointment"], pending["points"]) == (appointment.pk, 2)
    assert parse_datetime(pending["credit_at"]) == appointment.ends_at + timedelta(hours=3)
    [expiry] = body["expiries"]
    assert gift.expires_at is not None
    assert (parse_datetime(expiry["expires_at"]), expiry["points"]) == (gift.expires_at, 6)


def test_the_history_lists_signed_points_and_descriptions_newest_first(
        api_for, business, fan, manager):
    # Given three adjustments
    adjust(business, fan, 10, manager, description="Welcome")
    adjust(business, fan, -3, manager, description="Booked twice")
    adjust(business, fan, 5, manager, description="Birthday")

    # When her history is read
    answer = api_for(business, Role.STAFF).get(entries_url(fan))

    # Then they come newest first, with their sign, running balance and author
    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert [(row["points"], row["balance_after"], row["description"]) for row in rows] == [
        (5, 12, "Birthday"), (-3, 7, "Booked twice"), (10, 10, "Welcome")]
    assert {(row["kind"], row["client"], row["created_by"]) for row in rows} == {
        (EntryKind.ADJUST, fan.pk, manager.email)}


def test_the_history_words_a_credit_in_the_readers_language_not_the_businesss(
        api_for, business, fan, colour):
    # Given a French salon whose visit was credited (its description stored in French)
    business.language = "fr"
    business.save(update_fields=["language"])
    appointment = ended(business, fan, colour, hours_ago=4)
    assert crediting.credit_due_appointments() == 1
    [stored] = PointsEntry.objects.for_business(business).values_list("description", flat=True)
    day = format_day(appointment.starts_at, "en", business.time_zone)
    api = api_for(business, Role.STAFF)

    # When an integration reads her history in English, then in Ukrainian
    english = api.get(entries_url(fan), HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    ukrainian = api.get(entries_url(fan), HTTP_ACCEPT_LANGUAGE="uk").json()["results"]

    # Then each reads the service and the local day in its own language
    assert stored.startswith("2 points pour Colour & cut")
    assert [row["description"] for row in english] == [f"2 points for Colour & cut on {day}"]
    [worded] = [row["description"] for row in ukrainian]
    assert worded.startswith("2 бали за «Colour & cut»")
    assert format_day(appointment.starts_at, "uk", business.time_zone) in worded


def test_the_history_pages_by_cursor(api_for, business, fan, manager):
    # Given three adjustments
    for points, description in [(1, "First"), (2, "Second"), (3, "Third")]:
        adjust(business, fan, points, manager, description=description)
    api = api_for(business, Role.STAFF)

    # When the history is read two entries a page, following the next link
    first = api.get(entries_url(fan), {"page_size": 2}).json()
    second = api.get(first["next"]).json()

    # Then the first page has the two newest, the second the oldest and no next page
    assert [row["description"] for row in first["results"]] == ["Third", "Second"]
    assert first["previous"] is None
    assert [row["description"] for row in second["results"]] == ["First"]
    assert second["next"] is None
    assert second["previous"] is not None


def test_the_adjustments_list_shows_only_manual_adjustments_newest_first(
        api_for, business, fan, colour, manager):
    # Given an earned credit and two adjustments
    ended(business, fan, colour, hours_ago=4)
    assert crediting.credit_due_appointments() == 1
    adjust(business, fan, 10, manager, description="Welcome")
    adjust(business, fan, -1, manager, description="Oops")

    # When the adjustments are listed
    answer = api_for(business, Role.STAFF).get(ADJUSTMENTS_URL)

    # Then only the two adjustments are there, newest first
    assert answer.status_code == 200
    assert [(row["kind"], row["points"], row["description"])
            for row in answer.json()["results"]] == [
        (EntryKind.ADJUST, -1, "Oops"), (EntryKind.ADJUST, 10, "Welcome")]


# --- program settings -------------------------------------------------------------------

def test_the_program_settings_are_read(api_for, business):
    # Given a program with a 6 hour delay and 1 point per 10.00 spent on services
    program_services.update_program(business=business, crediting_delay_hours=6, spend_points=1,
                                    spend_amount=Decimal("10.00"), spend_scope="services")

    # When a staff token reads them
    answer = api_for(business, Role.STAFF).get(PROGRAM_URL)

    # Then they are what was set, and the program is on
    assert answer.status_code == 200
    body = answer.json()
    assert (body["enabled"], body["crediting_delay_hours"], body["spend_points"],
            body["spend_amount"], body["spend_scope"], body["expiry_months"]) == (
        True, 6, 1, "10.00", "services", None)


def test_a_valid_change_of_the_program_is_saved(api_for, business):
    # When a manager sets a 12 hour delay, expiry after 12 months and 5 points a booking
    answer = api_for(business, Role.MANAGER).patch(
        PROGRAM_URL, {"crediting_delay_hours": 12, "expiry_months": 12,
                      "points_per_booking": 5}, format="json")

    # Then the answer and the saved program say so
    assert answer.status_code == 200
    assert (answer.json()["crediting_delay_hours"], answer.json()["expiry_months"],
            answer.json()["points_per_booking"]) == (12, 12, 5)
    program = Program.objects.for_business(business).get()
    assert (program.crediting_delay_hours, program.expiry_months,
            program.points_per_booking) == (12, 12, 5)


def test_a_crediting_delay_of_80_hours_is_refused_and_changes_nothing(api_for, business):
    # Given a program with a 6 hour delay
    program_services.update_program(business=business, crediting_delay_hours=6)

    # When a manager asks for 80 hours, with another valid change
    answer = api_for(business, Role.MANAGER).patch(
        PROGRAM_URL, {"crediting_delay_hours": 80, "points_per_booking": 5}, format="json")

    # Then it is a 400 naming the field, and the program is as it was
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["crediting_delay_hours"]
    assert "72" in error["message"]
    program = Program.objects.for_business(business).get()
    assert (program.crediting_delay_hours, program.points_per_booking) == (6, 0)


def test_a_spend_rule_without_an_amount_is_refused_and_changes_nothing(api_for, business):
    # Given a program with a 6 hour delay and no spend rule
    program_services.update_program(business=business, crediting_delay_hours=6)

    # When a manager sets 2 points per spend but no amount, with another valid change
    answer = api_for(business, Role.MANAGER).patch(
        PROGRAM_URL, {"spend_points": 2, "crediting_delay_hours": 12}, format="json")

    # Then it is a 400 on the amount, and the program is as it was
    assert answer.status_code == 400
    assert answer.json()["error"] == {
        "code": "invalid", "message": "Say for what amount the points are given.",
        "fields": {"spend_amount": ["Say for what amount the points are given."]}}
    program = Program.objects.for_business(business).get()
    assert (program.spend_points, program.spend_amount, program.crediting_delay_hours) == (
        0, None, 6)


# --- adjustments ------------------------------------------------------------------------

def test_an_adjustment_is_posted_and_returned(api_for, business, fan):
    # Given a manager's token and a client with no points
    api = api_for(business, Role.MANAGER)

    # When it adds 25 points
    answer = api.post(ADJUSTMENTS_URL, {"client": fan.pk, "points": 25,
                                        "description": "Goodwill", "note": "Late start"},
                      format="json")

    # Then the entry is created with who did it, and returned
    assert answer.status_code == 201
    entry = PointsEntry.objects.for_business(business).get()
    assert (entry.kind, entry.points, entry.balance_after, entry.description, entry.note,
            entry.created_by) == (EntryKind.ADJUST, 25, 25, "Goodwill", "Late start",
                                  api.token.membership.user)
    body = answer.json()
    assert (body["id"], body["client"], body["kind"], body["points"], body["balance_after"],
            body["description"], body["created_by"]) == (
        entry.pk, fan.pk, "adjust", 25, 25, "Goodwill", api.token.membership.user.email)
    assert balance(business, fan) == 25


def test_a_retried_adjustment_with_the_same_key_adds_the_points_once(api_for, business, fan):
    api = api_for(business, Role.MANAGER)
    body = {"client": fan.pk, "points": 25, "description": "Goodwill"}

    answers = [api.post(ADJUSTMENTS_URL, body, format="json", HTTP_IDEMPOTENCY_KEY="adj-1")
               for _ in range(2)]

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[1].headers["Idempotent-Replayed"] == "true"
    assert answers[1].json() == answers[0].json()
    assert balance(business, fan) == 25
    assert PointsEntry.objects.for_business(business).count() == 1


def test_a_deduction_below_zero_is_refused_with_the_balance_and_changes_nothing(
        api_for, business, fan, manager):
    # Given a client with 3 points
    adjust(business, fan, 3, manager)
    before = ledger(business)

    # When a manager takes 5
    answer = api_for(business, Role.MANAGER).post(
        ADJUSTMENTS_URL, {"client": fan.pk, "points": -5, "description": "Correction"},
        format="json")

    # Then it is a 400 saying she has only 3 points, and nothing is posted
    assert answer.status_code == 400
    assert answer.json()["error"] == {
        "code": "invalid", "message": "The client has only 3 points.",
        "fields": {"points": ["The client has only 3 points."]}}
    assert ledger(business) == before
    assert balance(business, fan) == 3


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"points": 0}, "points", "Enter a number of points other than 0."),
    ({"points": 2.5}, "points", "A valid integer is required."),
    ({"points": "ten"}, "points", "A valid integer is required."),
    ({"description": None}, "description", "This field is required."),
    ({"description": "   "}, "description", "This field may not be blank."),
], ids=["zero", "fraction", "text", "no-description", "blank-description"])
def test_an_invalid_adjustment_is_a_400_on_its_field_and_posts_nothing(
        api_for, business, fan, change, field, message):
    # Given a well-formed adjustment spoilt by one field
    body = {"client": fan.pk, "points": 5, "description": "Goodwill", **change}
    body = {name: value for name, value in body.items() if value is not None}

    # When a manager posts it
    answer = api_for(business, Role.MANAGER).post(ADJUSTMENTS_URL, body, format="json")

    # Then it is a 400 on that field, and nothing is posted
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert (error["code"], error["message"], error["fields"]) == (
        "invalid", message, {field: [message]})
    assert not PointsEntry.objects.for_business(business).exists()


def test_an_adjustment_is_undone_with_a_reversing_entry(api_for, business, fan, manager):
    # Given a client given 4 points by hand
    entry = adjust(business, fan, 4, manager)
    api = api_for(business, Role.MANAGER)

    # When a manager undoes it
    answer = api.post(undo_url(entry))

    # Then a reversal of the 4 points by that manager is posted and returned
    assert answer.status_code == 201
    reversal = PointsEntry.objects.for_business(business).get(kind=EntryKind.REVERSE)
    assert (reversal.points, reversal.balance_after, reversal.reverses, reversal.created_by,
            reversal.description) == (-4, 0, entry, api.token.membership.user, "Reversal: Gift")
    body = answer.json()
    assert (body["id"], body["kind"], body["points"], body["reverses"]) == (
        reversal.pk, "reverse", -4, entry.pk)
    assert balance(business, fan) == 0


def test_undoing_an_adjustment_twice_is_refused_with_a_400(api_for, business, fan, manager):
    # Given an adjustment already undone through the API
    entry = adjust(business, fan, 4, manager)
    api = api_for(business, Role.MANAGER)
    assert api.post(undo_url(entry)).status_code == 201
    before = ledger(business)
    told = OutboundMessage.objects.filter(kind=MessageKind.BALANCE_UPDATED).count()
    assert told == 2, "the adjustment and its undo were both told"

    # When it is undone again
    again = api.post(undo_url(entry))

    # Then it is refused, nothing is posted and the client is not told again
    assert again.status_code == 400
    assert again.json()["error"]["message"] == "This adjustment has already been undone."
    assert ledger(business) == before
    assert OutboundMessage.objects.filter(kind=MessageKind.BALANCE_UPDATED).count() == told


def test_an_undo_that_would_go_below_zero_is_refused_and_changes_nothing(
        api_for, business, fan, manager):
    # Given 10 points given by hand, of which 8 were since taken
    entry = adjust(business, fan, 10, manager)
    adjust(business, fan, -8, manager, description="Spent")
    before = ledger(business)

    # When the 10 are undone
    answer = api_for(business, Role.MANAGER).post(undo_url(entry))

    # Then it is a 400 saying what is left, and nothing is posted
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == (
        "This cannot be undone: the client has only 2 points left.")
    assert ledger(business) == before


def test_only_a_manual_adjustment_can_be_undone(api_for, business, fan, colour):
    # Given points earned by an appointment
    ended(business, fan, colour, hours_ago=4)
    assert crediting.credit_due_appointments() == 1
    earned = PointsEntry.objects.for_business(business).get()

    # When a manager tries to undo it as an adjustment
    answer = api_for(business, Role.MANAGER).post(undo_url(earned))

    # Then it is not found among the adjustments, and the points stay
    assert answer.status_code == 404
    assert balance(business, fan) == 2


# --- roles ------------------------------------------------------------------------------

def test_a_staff_token_cannot_adjust_undo_or_change_the_program(api_for, business, fan,
                                                                  manager):
    # Given an adjustment and a staff-role token
    entry = adjust(business, fan, 4, manager)
    before = ledger(business)
    api = api_for(business, Role.STAFF)

    # When it tries to adjust, undo and change the program
    adjusted, undone = adjust_and_undo(api, fan, entry)
    changed = api.patch(PROGRAM_URL, {"crediting_delay_hours": 12}, format="json")

    # Then each is a 403 in the error format, and nothing changes
    assert [adjusted.status_code, undone.status_code, changed.status_code] == [403, 403, 403]
    assert adjusted.json()["error"] == {"code": "permission_denied",
                                        "message": "Your role does not allow this.",
                                        "fields": {}}
    assert ledger(business) == before
    assert selectors.program_of(business).crediting_delay_hours == 3


def test_a_staff_token_reads_balances_histories_adjustments_and_the_program(
        api_for, business, fan, manager):
    # Given an adjustment and a staff-role token
    adjust(business, fan, 4, manager)
    api = api_for(business, Role.STAFF)

    # When it reads
    answers = {url: api.get(url) for url in
               [balance_url(fan), entries_url(fan), ADJUSTMENTS_URL, PROGRAM_URL]}

    # Then every read is answered
    assert {url: answer.status_code for url, answer in answers.items()} == dict.fromkeys(
        answers, 200)
    assert answers[balance_url(fan)].json()["balance"] == 4
    assert [row["points"] for row in answers[entries_url(fan)].json()["results"]] == [4]
    assert [row["points"] for row in answers[ADJUSTMENTS_URL].json()["results"]] == [4]


def test_an_owner_token_adjusts_and_changes_the_program(api_for, business, fan):
    api = api_for(business, Role.OWNER)

    adjusted = api.post(ADJUSTMENTS_URL, {"client": fan.pk, "points": 5,
                                          "description": "Goodwill"}, format="json")
    changed = api.patch(PROGRAM_URL, {"crediting_delay_hours": 12}, format="json")

    assert (adjusted.status_code, changed.status_code) == (201, 200)
    assert balance(business, fan) == 5
    assert selectors.program_of(business).crediting_delay_hours == 12


# --- tenancy ----------------------------------------------------------------------------

def test_another_business_token_does_not_find_this_business_client(api_for, business,
                                                                   other_business, fan,
                                                                   manager):
    # Given a client of this business with points
    adjust(business, fan, 4, manager)

    # When a manager token of another business reads her balance and history
    api = api_for(other_business, Role.MANAGER)
    answers = [api.get(balance_url(fan)), api.get(entries_url(fan))]

    # Then both answer 404 like a client that does not exist
    assert [answer.status_code for answer in answers] == [404, 404]
    assert {answer.json()["error"]["code"] for answer in answers} == {"not_found"}


def test_another_business_token_cannot_adjust_nor_undo_this_business_points(
        api_for, business, other_business, fan, manager):
    # Given a client of this business given 4 points
    entry = adjust(business, fan, 4, manager)
    before = ledger(business)

    # When a manager token of another business adjusts her points and undoes the entry
    api = api_for(other_business, Role.MANAGER)
    adjusted, undone = adjust_and_undo(api, fan, entry)
    listed = api.get(ADJUSTMENTS_URL)

    # Then both are 404, nothing is posted in either business, and its list is empty
    assert (adjusted.status_code, undone.status_code) == (404, 404)
    assert ledger(business) == before
    assert ledger(other_business) == []
    assert listed.json()["results"] == []
    assert balance(business, fan) == 4


# --- while Loyalty is off -----------------------------------------------------------------

def test_while_loyalty_is_off_the_balance_is_still_read_with_enabled_false_and_no_pending(
        api_for, business, fan, colour, manager):
    # Given a client with 7 points and an appointment that would be pending, then Loyalty
    # switched off
    adjust(business, fan, 7, manager)
    ended(business, fan, colour, hours_ago=1)
    business, _also = tenant_services.set_extension(business=business,
                                                    extension=Extension.LOYALTY, enabled=False)
    assert not business.loyalty_enabled

    # When her balance is read
    answer = api_for(business, Role.STAFF).get(balance_url(fan))

    # Then it answers (not 404) with the kept balance, enabled false and nothing pending
    assert answer.status_code == 200
    body = answer.json()
    assert (body["enabled"], body["balance"], body["pending_points"], body["pending"]) == (
        False, 7, 0, [])


def test_while_loyalty_is_off_points_are_neither_added_nor_undone(api_for, business, fan,
                                                                   manager):
    # Given an adjustment, then Loyalty switched off
    entry = adjust(business, fan, 4, manager)
    before = ledger(business)
    business, _also = tenant_services.set_extension(business=business,
                                                    extension=Extension.LOYALTY, enabled=False)

    # When a manager adds points and undoes the adjustment
    adjusted, undone = adjust_and_undo(api_for(business, Role.MANAGER), fan, entry)

    # Then both are refused with the reason, and nothing changes
    assert (adjusted.status_code, undone.status_code) == (400, 400)
    assert adjusted.json()["error"]["message"] == (
        "Loyalty is off: turn it on in Settings to change points.")
    assert ledger(business) == before
