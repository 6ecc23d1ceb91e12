"""Where apps above booking plug into its pages without booking importing them.

- The back office home: one app (reports) may answer it with its dashboard, which reads
  sales that booking knows nothing of. With none registered, the home shows booking's
  own counters.
- The appointment card on the calendar shows short facts about the client ("120
  points") that apps above booking own; each provider answers for one client.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

HomeView = Callable[[HttpRequest], HttpResponse]
ClientBadgeProvider = Callable[..., str | None]

_home_view: HomeView | None = None
_badge_providers: list[ClientBadgeProvider] = []


def register_home_view(view: HomeView) -> None:
    """One home: a second provider is a configuration error, not a silent override."""
    global _home_view
    if _home_view is not None and _home_view is not view:
        raise ImproperlyConfigured("The back office home is already provided.")
    _home_view = view


def home_view() -> HomeView | None:
    return _home_view


def register_client_badge(provider: ClientBadgeProvider) -> None:
    """`provider(business=..., client=...)` returns a short text, or None for nothing."""
    if provider not in _badge_providers:
        _badge_providers.append(provider)


def unregister_client_badge(provider: ClientBadgeProvider) -> None:
    if provider in _badge_providers:
        _badge_providers.remove(provider)


def client_badges(*, business, client) -> list[str]:
    texts = (provider(business=business, client=client) for provider in _badge_providers)
    return [str(text) for text in texts if text]
