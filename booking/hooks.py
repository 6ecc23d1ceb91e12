"""Registries through which apps above booking add to its pages.

The appointment card on the calendar shows short facts about the client ("120
points") that apps above booking own; each provider answers for one client.
"""

from collections.abc import Callable

ClientBadgeProvider = Callable[..., str | None]

_badge_providers: list[ClientBadgeProvider] = []


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
