"""Sections other apps add to course and module pages (assessments: the exam and the knowledge
check), so that courses never imports the apps built on it.

A provider is `provider(*, request, page) -> dict | None`; the dict names a `template` and
carries that template's context. Providers register at app start-up (AppConfig.ready).
"""

from collections.abc import Callable

page_sections: list[Callable[..., dict | None]] = []


def sections_for(*, request, page) -> list[dict]:
    return [
        section
        for provider in page_sections
        if (section := provider(request=request, page=page)) is not None
    ]
