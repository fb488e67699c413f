"""Domain events of credentials, sent inside the issuing or revoking transaction.

Receivers record (an outbox row, an audit entry); they hold no business rules.
"""

from django.dispatch import Signal

# sender=Credential; credential: Credential (just issued and signed)
credential_issued = Signal()

# sender=Credential; credential: Credential (just revoked), reason: str
credential_revoked = Signal()
