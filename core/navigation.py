"""Where a "next" parameter may send the user back to."""

from django.utils.http import url_has_allowed_host_and_scheme


def local_path(request, value: str) -> str | None:
    """`value` if it is a path of this site, else None: another host, a scheme, `//host`
    or `/\\host` (which browsers read as another host) never leave the site."""
    if value.startswith("/") and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return value
    return None
