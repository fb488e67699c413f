"""The boards' demo data: one board staffed by the demo board account, licensees in each state it
shows, made once however often load_demo runs; and the board as administrators see it."""

import datetime
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

import pytest

from accounts.models import Licence
from accounts.roles import Role
from boards import demo
from boards.compliance import Status
from boards.models import Board, CeEvidence, EvidenceStatus, LicenceConsent, RuleVersion
from boards.selectors import judge_consents, live_consents
from credentials.models import Credential
from tests.factories import staff_user


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Board, RuleVersion, Licence, LicenceConsent, CeEvidence, Credential)
    }


@pytest.fixture
def loaded(db, settings, tmp_path):
    """load_demo with the real curricula (whose topics and courses the demo names), twice."""
    settings.DEBUG = True
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    first = load_demo()
    made = counts()
    second = load_demo()
    return first, second, made


def test_load_demo_twice_makes_each_state_once(loaded):
    first, second, made = loaded
    assert counts() == made
    assert made["Board"] == 1
    assert made["LicenceConsent"] == 5
    line = next(line for line in first.splitlines() if line.startswith("Boards:"))
    assert "/board/ce/" in line and "/licences/" in line
    assert line in second

    board = Board.objects.get(name=demo.BOARD)
    assert [m.user.email for m in board.memberships.all()] == ["board@example.org"]
    area = board.subject_areas.get()
    assert sorted(area.topics.values_list("slug", flat=True)) == sorted(demo.AREA_TOPICS)

    rows = {
        row.learner.email: row
        for row in judge_consents(board, live_consents(board), today=timezone.localdate())
    }
    states = {email: (row.current.status, row.previous.status) for email, row in rows.items()}
    assert states == {
        "licensee-compliant@example.org": (Status.COMPLIANT, Status.NOT_COMPLIANT),
        "licensee-not-yet@example.org": (Status.NOT_YET, Status.NOT_COMPLIANT),
        "licensee-lapsed@example.org": (Status.NOT_YET, Status.NOT_COMPLIANT),
        "licensee-renewal-unknown@example.org": (
            Status.RENEWAL_DATE_UNKNOWN,
            Status.RENEWAL_DATE_UNKNOWN,
        ),
        "learner@example.org": (Status.NOT_YET, Status.NOT_COMPLIANT),
    }
    compliant = rows["licensee-compliant@example.org"].current
    # The self-study maximum cut the fourth course short; the accepted live session made it up.
    assert [o.counted for o in compliant.outcomes if o.reason] == [0.75]
    assert compliant.counted == 5.5
    lapsed = rows["licensee-lapsed@example.org"].previous
    assert lapsed.counted == 2 and lapsed.missing[0] == "3 more hours in total"
    # The current cycle started on the first of the month five months before the first load.
    start = compliant.cycle.start
    assert start.day == 1 and datetime.timedelta(days=120) < timezone.localdate() - start

    waiting = CeEvidence.objects.get(status=EvidenceStatus.SUBMITTED)
    assert waiting.licence.user.email == "learner@example.org"
    assert waiting.file.read(5) == b"%PDF-"
    accepted = CeEvidence.objects.get(status=EvidenceStatus.ACCEPTED)
    assert accepted.licence.user.email == "licensee-compliant@example.org"


def test_administrators_see_the_board_with_its_staff_and_rules_read_only(client, loaded):
    admin = staff_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    board = Board.objects.get(name=demo.BOARD)
    page = client.get(f"/django-admin/boards/board/{board.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "selected>Blair Board &lt;board@example.org&gt;</option>" in html
    assert "learner@example.org" not in html  # only board-verifier accounts can be staff
    assert demo.AREA in html
    version = RuleVersion.objects.get(rule__board=board, rule__licence_type="MD")
    page = client.get(f"/django-admin/boards/ruleversion/{version.pk}/change/")
    assert page.status_code == 200
    assert 'name="total_hours"' not in page.content.decode()  # shown, not editable
    assert client.get("/django-admin/boards/ruleversion/add/").status_code == 403
