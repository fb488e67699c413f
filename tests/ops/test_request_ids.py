"""Every response carries a request id, and every log record made during the request has it."""

import logging
import re

from django.http import HttpResponse
from django.test import RequestFactory

import pytest

from config.logging_json import RequestIdFilter, current_request_id
from config.request_ids import RequestIdMiddleware, request_id_from

NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.mark.django_db
class RequestIdHeaderTests:
    def test_a_safe_incoming_id_is_echoed(self, client):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.2_x")
        assert response["X-Request-ID"] == "lb-7f3a.2_x"

    def test_without_one_a_new_id_is_made(self, client):
        first = client.get("/healthz")["X-Request-ID"]
        second = client.get("/healthz")["X-Request-ID"]
        assert NEW_ID.fullmatch(first) and NEW_ID.fullmatch(second) and first != second

    @pytest.mark.parametrize(
        "hostile",
        ["a" * 500, "a" * 65, "abc\nforged", "abc\r\nSet-Cookie: x=1", "id with spaces", "é", ""],
    )
    def test_a_hostile_id_is_replaced(self, client, hostile):
        response = client.get("/healthz", HTTP_X_REQUEST_ID=hostile)
        assert NEW_ID.fullmatch(response["X-Request-ID"])

    def test_pages_that_fail_carry_it_too(self, client):
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-404")
        assert response.status_code == 404
        assert response["X-Request-ID"] == "req-404"


def test_request_id_from_accepts_exactly_64_safe_characters():
    assert request_id_from("a" * 64) == "a" * 64
    assert request_id_from("a" * 64 + "\n") != "a" * 64 + "\n"


class RequestIdLogTests:
    def _run(self, view, **headers):
        records = []
        handler = logging.Handler()
        handler.addFilter(RequestIdFilter())
        handler.emit = records.append
        logger = logging.getLogger("tests.ops.request_ids")
        logger.addHandler(handler)
        try:
            request = RequestFactory().get("/", **headers)
            response = RequestIdMiddleware(view)(request)
            logger.info("after the request")
        finally:
            logger.removeHandler(handler)
        return request, response, records

    def test_a_record_made_inside_the_request_carries_its_id(self):
        def view(request):
            logging.getLogger("tests.ops.request_ids").info("inside")
            return HttpResponse()

        request, response, records = self._run(view, HTTP_X_REQUEST_ID="trace-1")
        assert request.request_id == "trace-1" == response["X-Request-ID"]
        inside, after = records
        assert (inside.getMessage(), inside.request_id) == ("inside", "trace-1")
        assert after.request_id is None  # reset once the request is over
        assert current_request_id.get() is None
