"""Helpers for tests of CMS (Wagtail snippet) pages."""

from django.urls import reverse


def url(model, view: str, *args) -> str:
    """The URL of a snippet view ("list", "inspect", "edit", ...) of `model`."""
    return reverse(model.snippet_viewset.get_url_name(view), args=args)


def ok(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()
