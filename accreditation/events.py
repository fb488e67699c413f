"""Domain events of accredited CE, for other apps to act on (credentials: issue the credential
once credit is claimed)."""

from django.dispatch import Signal

credit_claimed = Signal()  # sender=CreditClaim, claim=
