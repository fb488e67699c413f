"""A fixed-window rate limit on the shared cache, keyed by the client's address as allauth
determines it (so it honours the same proxy settings as the login limits)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from allauth.account.adapter import get_adapter


def client_ip(request) -> str:
    """The client's address; requests whose address cannot be told (no REMOTE_ADDR, or a
    trusted client-IP header missing) share one bucket rather than failing."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return "unknown"


def allow(request, *, action: str, per_minute: int, cost: int = 1) -> bool:
    """Count `cost` uses of `action` by this client in the current minute; False once over."""
    window = int(time.time() // 60)
    key = f"rate:{action}:{client_ip(request)}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        used = cache.incr(key, cost)
    except ValueError:  # the entry expired between add and incr
        cache.set(key, cost, timeout=120)
        used = cost
    return used <= per_minute
