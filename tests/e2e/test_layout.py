"""Back-office layout in a real browser: in French and Ukrainian, whose labels run longest,
no page scrolls sideways, no menu label or row action is cut off, and the pieces that
looked broken (progress bars, the loyalty email editors) look as designed."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from loyalty.services import adjustments
from tenancy.models import Extension, Role
from tenancy.services import set_extension
from tests.factories import ClientFactory, StaffMembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE, TABLET, DESKTOP = (390, 844), (1024, 768), (1280, 800)

# The page's width beyond the window, and each element drawn outside its own box
# (a label cut by its container): what a reader sees as "cut off".
OVERFLOW = """() => {
  const doc = document.documentElement;
  const clipped = [...document.querySelectorAll('.sidenav a, td.actions a')]
    .filter(el => el.scrollWidth > el.clientWidth + 1)
    .map(el => el.textContent.trim());
  return {sideways: doc.scrollWidth - doc.clientWidth, clipped};
}"""


@pytest.fixture
def salon(business):
    business, _also = set_extension(business=business, extension=Extension.LOYALTY, enabled=True)
    return business


def signed_in(page, client, live_server, user):
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


@pytest.mark.parametrize("language", ["fr", "uk"])
def test_no_page_scrolls_sideways_and_no_label_is_cut(page, live_server, client, salon, language):
    # Given an owner reading the back office in `language`, and a points report with rows
    owner = UserFactory(language=language)
    StaffMembershipFactory(business=salon, user=owner, role=Role.OWNER)
    regular = ClientFactory(business=salon, email="a.very.long.address.for.a.client@example.com")
    adjustments.adjust_points(business=salon, client=regular, points=5,
                              description="Bienvenue", by=owner)
    signed_in(page, client, live_server, owner)
    pages = [reverse(name, args=[salon.slug, *args]) for name, args in [
        ("booking:backoffice-home", []), ("reports:points", []), ("reports:clients", []),
        ("booking:client-detail", [regular.pk]), ("loyalty:settings", []),
        ("checkout:invoice-list", []), ("notifications:message-list", []),
    ]]

    found = {}
    for width, height in (PHONE, TABLET, DESKTOP):
        page.set_viewport_size({"width": width, "height": height})
        for path in pages:
            # When the page is opened at this width
            page.goto(path)
            shown = page.evaluate(OVERFLOW)
            if shown["sideways"] > 0 or shown["clipped"]:
                found[f"{path} at {width} px"] = shown

    # Then nothing is wider than the window, and every menu label and row action is whole
    assert not found


def test_progress_bars_use_the_product_colour(page, live_server, client, salon):
    # Given an owner on the report of their exports, where each export shows its progress
    owner = UserFactory()
    StaffMembershipFactory(business=salon, user=owner, role=Role.OWNER)
    signed_in(page, client, live_server, owner)
    page.goto(reverse("reports:index", args=[salon.slug]))

    # When a progress bar at 40 % is drawn
    accent = page.evaluate("""() => {
      const bar = document.createElement('progress');
      bar.id = 'probe'; bar.max = 100; bar.value = 40; document.querySelector('main').append(bar);
      const probe = document.createElement('span');
      probe.style.color = getComputedStyle(document.documentElement).getPropertyValue('--accent');
      document.body.append(probe);
      return getComputedStyle(probe).color;
    }""")
    picture = list(page.locator("#probe").screenshot())
    # The browser decodes its own screenshot: a pixel inside the filled part.
    filled = page.evaluate("""async (png) => {
      const blob = new Blob([new Uint8Array(png)], {type: 'image/png'});
      const image = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(image.width, image.height);
      const context = canvas.getContext('2d'); context.drawImage(image, 0, 0);
      const [r, g, b] = context.getImageData(Math.floor(image.width * .2),
                                             Math.floor(image.height / 2), 1, 1).data;
      return `rgb(${r}, ${g}, ${b})`;
    }""", picture)

    # Then its filled part is the accent colour, not the browser's default blue
    assert filled == accent


def test_the_loyalty_email_editors_take_the_pages_width(page, live_server, client, salon):
    # Given an owner on Settings -> Loyalty on a desktop screen
    owner = UserFactory()
    StaffMembershipFactory(business=salon, user=owner, role=Role.OWNER)
    signed_in(page, client, live_server, owner)
    page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})

    # When the page is shown
    page.goto(reverse("loyalty:settings", args=[salon.slug]))
    widths = page.evaluate("""() => ({
      main: document.querySelector('main').clientWidth,
      editor: document.querySelector('.template-editor').getBoundingClientRect().width})""")

    # Then each email editor spans the main column instead of a narrow side column
    assert widths["editor"] >= 0.85 * widths["main"]


def test_on_a_phone_the_menu_opens_and_closes_from_its_button_by_keyboard(page, live_server,
                                                                           client, salon):
    # Given an owner on a phone, on the invoices page
    owner = UserFactory()
    StaffMembershipFactory(business=salon, user=owner, role=Role.OWNER)
    signed_in(page, client, live_server, owner)
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    page.goto(reverse("checkout:invoice-list", args=[salon.slug]))
    toggle = page.get_by_role("button", name="Menu")
    menu = page.get_by_role("navigation", name="Main")

    # Then the menu is folded behind its button
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()

    # When the button is pressed with the keyboard
    toggle.focus()
    page.keyboard.press("Enter")

    # Then the whole menu shows, in groups, the current page marked, nothing wider than the screen
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Invoices")).to_have_attribute("aria-current", "page")
    expect(menu.get_by_role("list", name="Loyalty & marketing")).to_be_visible()
    expect(menu.get_by_role("link", name="Settings")).to_be_in_viewport()
    assert page.evaluate(OVERFLOW)["sideways"] == 0

    # When Escape is pressed
    page.keyboard.press("Escape")

    # Then the menu folds again and the focus is back on its button
    expect(menu).to_be_hidden()
    expect(toggle).to_be_focused()


def test_on_a_wide_screen_the_menu_is_always_open(page, live_server, client, salon):
    owner = UserFactory()
    StaffMembershipFactory(business=salon, user=owner, role=Role.OWNER)
    signed_in(page, client, live_server, owner)
    page.set_viewport_size({"width": TABLET[0], "height": TABLET[1]})

    page.goto(reverse("reports:index", args=[salon.slug]))

    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Reports")).to_have_attribute("aria-current", "page")
