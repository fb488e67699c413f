"""Public credential endpoints. The DID document is what every verifier fetches first."""

from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from credentials.issuer import did_document


@require_safe
@cache_control(public=True, max_age=300)
def did_json(request):
    response = JsonResponse(did_document(), json_dumps_params={"indent": 2})
    # Browser-based verifiers on other sites fetch it too.
    response["Access-Control-Allow-Origin"] = "*"
    return response
