"""Content-Security-Policy on every page, and no template that would need it relaxed."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""href\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def templates():
    return sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize("template", templates(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_has_inline_script(template):
    text = template.read_text()

    assert not INLINE_SCRIPT.search(text)
    assert not EVENT_HANDLER.search(text)
    assert not JAVASCRIPT_URL.search(text)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/api/v1/docs/", "/health/"])
def test_pages_forbid_inline_script_and_framing(client, url):
    response = client.get(url)

    policy = dict(part.strip().split(" ", 1)
                  for part in response["Content-Security-Policy"].split(";") if part.strip())
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_the_api_docs_load_their_start_up_script_from_a_file(client):
    page = client.get(reverse("api:docs")).content.decode()

    assert not INLINE_SCRIPT.search(page)
    assert client.get(reverse("api:docs") + "?script=").status_code == 200
