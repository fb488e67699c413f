from io import StringIO

from django.core.management import CommandError, call_command

from wagtail.models import Page

import pytest

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from accounts.models import User
from accounts.roles import Role, user_mfa_status, user_roles


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
class LoadDemoTests:
    @pytest.fixture(autouse=True)
    def _debug(self, settings):
        settings.DEBUG = True

    def test_creates_one_account_per_role_and_prints_the_logins(self):
        output = load_demo()
        assert {role for role, *_ in DEMO_ACCOUNTS} == set(Role)
        for role, email, *_ in DEMO_ACCOUNTS:
            user = User.objects.get(email=email)
            assert user_roles(user) == {role}
            assert user.check_password(DEMO_PASSWORD)
            assert email in output
        assert DEMO_PASSWORD in output

    def test_accounts_that_need_mfa_get_an_authenticator(self):
        load_demo()
        for _, email, *_ in DEMO_ACCOUNTS:
            requires, has = user_mfa_status(User.objects.get(email=email))
            assert has == requires

    def test_running_twice_duplicates_nothing(self):
        load_demo()
        counts = (User.objects.count(), Page.objects.count())
        load_demo()
        assert (User.objects.count(), Page.objects.count()) == counts

    def test_demo_totp_prints_a_six_digit_code_per_mfa_account(self):
        load_demo()
        out = StringIO()
        call_command("demo_totp", stdout=out)
        lines = out.getvalue().splitlines()
        assert len(lines) == sum(1 for role, *_ in DEMO_ACCOUNTS if role != Role.LEARNER)
        assert all(line.split()[1].isdigit() and len(line.split()[1]) == 6 for line in lines)


@pytest.mark.django_db
class LoadDemoSafetyTests:
    def test_refuses_without_debug(self):
        with pytest.raises(CommandError, match="DEBUG=1"):
            call_command("load_demo", stdout=StringIO())
        assert not User.objects.exists()

    def test_demo_totp_refuses_without_debug(self):
        with pytest.raises(CommandError, match="DEBUG=1"):
            call_command("demo_totp", stdout=StringIO())
