"""Middleware of every request: refuse NUL characters, keep time zones to their request.

No field of Salonbook accepts NUL, and PostgreSQL cannot store or even compare it in
text (the driver raises, so a search or a sign-in with one would fail with a 500), so
one check here covers every page, form and API operation: the path, query parameters,
form and multipart fields (Django drops non-printable characters from upload file
names itself), cookies, and the strings of an API's JSON body. Pages get a 400 page;
the API gets its JSON error body.
"""

import json

from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

NUL = "\x00"


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _json_body(request):
    if request.content_type != "application/json" or not request.body:
        return None
    try:
        return json.loads(request.body)
    except ValueError:
        return None  # the API's parser answers malformed JSON with its own 400


def _fields_with_nul(request) -> list[str] | None:
    """The names of the fields holding a NUL ("" for the path or a cookie), or None."""
    fields = []
    for query in (request.GET, request.POST):
        fields += [name for name, values in query.lists()
                   if _has_nul(name) or any(_has_nul(value) for value in values)]
    body = _json_body(request)
    if isinstance(body, dict):
        fields += [name for name, value in body.items() if _has_nul(name) or _has_nul(value)]
    elif _has_nul(body):
        fields.append("")
    if _has_nul(request.path_info) or _has_nul(dict(request.COOKIES)):
        fields.append("")
    return fields or None


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = _fields_with_nul(request)
        if fields is None:
            return self.get_response(request)
        # Before sign-in is known (a session cookie may be the culprit): the browser's language.
        with translation.override(translation.get_language_from_request(request)):
            return self._refusal(request, fields)

    def _refusal(self, request, fields: list[str]):
        message = _("The request contains a null character, which no field accepts. "
                    "Remove it and try again.")
        if request.path_info.startswith("/api/"):
            named = {name: [message] for name in fields if name}
            return JsonResponse({"error": {"code": "invalid", "message": message,
                                           "fields": named}}, status=400)
        return HttpResponseBadRequest(render_to_string("400.html", {"message": message},
                                                       request=request))


class TimeZoneResetMiddleware:
    """Every request starts and ends in UTC, the server's zone.

    The back office and booking site wrappers (booking/access.py) and the API's token
    authentication activate their business's zone for one request; a thread serves many
    requests of many businesses, so the zone must never outlive the request that set it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
