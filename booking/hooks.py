"""Where apps above booking plug into its pages without booking importing them.

- The back office home: one app (reports) may answer it with its dashboard, which reads
  sales that booking knows nothing of. With none registered, the home shows booking's
  own counters.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

HomeView = Callable[[HttpRequest], HttpResponse]

_home_view: HomeView | None = None


def register_home_view(view: HomeView) -> None:
    """One home: a second provider is a configuration error, not a silent override."""
    global _home_view
    if _home_view is not None and _home_view is not view:
        raise ImproperlyConfigured("The back office home is already provided.")
    _home_view = view


def home_view() -> HomeView | None:
    return _home_view
