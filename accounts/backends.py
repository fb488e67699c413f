"""The authentication backend: allauth's, loading each request's user with their access status
(MFA and CMS), so the MFA middleware and the navigation cost no query of their own."""

from allauth.account.auth_backends import AuthenticationBackend

from accounts.models import User
from accounts.roles import with_access_status
from config.prepared import PreparedQuery

# Every signed-in request runs it: compiled once (config.prepared).
user_with_access_status = PreparedQuery(
    lambda user_id: with_access_status(User._default_manager.filter(pk=user_id))
)


class AccessAwareAuthenticationBackend(AuthenticationBackend):
    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):  # a session from another user model, or tampered
            return None
        user = next(iter(user_with_access_status(user_id=user_id)), None)
        return user if user is not None and self.user_can_authenticate(user) else None
