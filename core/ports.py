"""Ports: the few calls a lower layer makes to a higher one, each named in one place.

The layers (docs/architecture.md) only import downwards. Where a lower layer must ask a higher
one for something (a registry write asking for a re-score, a case edit asking for an
assessment, a worsened band asking for an alert), the lower layer declares a `Port` and calls
it; the higher layer provides the one function behind it from its `AppConfig.ready()`. The
lower layer never imports the higher one, and a port with no provider fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

R = TypeVar("R")


class Port(Generic[R]):
    """One named call upwards, with exactly one provider.

    Arguments are keyword-only, so a provider and its callers agree by name.
    """

    def __init__(self, name: str, *, provided_by: str, doc: str) -> None:
        self.name = name
        self.provided_by = provided_by
        self.__doc__ = doc
        self._provider: Callable[..., R] | None = None

    def provide(self, provider: Callable[..., R]) -> Callable[..., R]:
        """Register the function behind the port (from the providing app's ready())."""
        if self._provider is not None and self._provider is not provider:
            raise ImproperlyConfigured(
                f"port {self.name} already has a provider ({self._provider.__qualname__})"
            )
        self._provider = provider
        return provider

    @property
    def provider(self) -> Callable[..., R] | None:
        return self._provider

    def __call__(self, **kwargs: Any) -> R:
        if self._provider is None:
            raise ImproperlyConfigured(
                f"port {self.name} has no provider: {self.provided_by} provides it in its "
                "AppConfig.ready(); is that app in INSTALLED_APPS?"
            )
        return self._provider(**kwargs)

    def __repr__(self) -> str:
        return f"<Port {self.name} provided by {self.provided_by}>"
