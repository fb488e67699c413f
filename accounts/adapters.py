"""allauth adapters: new sign-ups become learners; a required second factor cannot be removed."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from accounts.roles import SECOND_FACTORS, user_mfa_status
from accounts.services import user_register


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        if commit:
            user_register(user=user)
        return user


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:
        if authenticator.type not in SECOND_FACTORS:
            return True
        requires, _ = user_mfa_status(authenticator.user)
        others = authenticator.user.authenticator_set.filter(type__in=SECOND_FACTORS).exclude(
            pk=authenticator.pk
        )
        return not requires or others.exists()
