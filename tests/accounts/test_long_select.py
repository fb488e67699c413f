"""LongSelect renders what Django's Select renders (the profile's time zones, the catalogue's
filters), escaped."""

import re

from django import forms

from accounts.forms import LongSelect, time_zone_choices


def options(html: str) -> list[tuple[str, bool, str]]:
    found = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)
    return [(value, bool(selected), label) for value, selected, label in found]


def test_the_same_options_and_selection_as_django_select():
    choices = time_zone_choices()
    attrs = {"id": "id_time_zone", "data-device-time-zone": ""}
    mine = LongSelect(choices=choices).render("time_zone", "Europe/London", attrs)
    django = forms.Select(choices=choices).render("time_zone", "Europe/London", attrs)
    assert options(mine) == options(django) and len(options(mine)) == len(choices) > 400
    assert [o for o in options(mine) if o[1]] == [("Europe/London", True, "Europe/London")]

    def select_attributes(html: str) -> set[str]:  # in any order (flatatt sorts them)
        return set(re.findall(r'[\w-]+="[^"]*"', re.search(r"<select[^>]*>", html).group(0)))

    assert select_attributes(mine) == select_attributes(django)
    # The same bytes but the whitespace between options, which Django's template adds.
    assert re.sub(r">\s+<", "><", mine) == re.sub(r">\s+<", "><", django)
    assert select_attributes(mine) >= {'name="time_zone"', 'data-device-time-zone=""'}


def test_values_labels_and_groups_are_escaped():
    hostile = [("Group <b>", [('"><script>', "<script>alert(1)</script>")])]
    html = LongSelect(choices=hostile).render("zone", None)
    assert "<script>" not in html and "<b>" not in html
    assert '<optgroup label="Group &lt;b&gt;">' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
