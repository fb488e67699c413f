"""The authentication backend: allauth's, loading each request's user with their access status
(MFA and CMS), so the MFA middleware and the navigation cost no query of their own."""

from allauth.account.auth_backends import AuthenticationBackend

from accounts.models import User
from accounts.roles import with_access_status


class AccessAwareAuthenticationBackend(AuthenticationBackend):
    def get_user(self, user_id):
        user = with_access_status(User._default_manager.filter(pk=user_id)).first()
        return user if user is not None and self.user_can_authenticate(user) else None
