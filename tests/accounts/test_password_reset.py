"""Password reset mail goes out through a real SMTP server."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_reset_link_arrives_by_smtp_and_sets_a_new_password(client, smtp_server):
    user = UserFactory(email="anna@example.com")

    client.post(reverse("accounts:password_reset"), {"email": "anna@example.com"})

    [message] = smtp_server.to("anna@example.com")
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", body).group(1)
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0],
                {"new_password1": "a-brand-new-passphrase", "new_password2":
                 "a-brand-new-passphrase"})
    user.refresh_from_db()
    assert user.check_password("a-brand-new-passphrase")


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, smtp_server):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert smtp_server.messages == []
