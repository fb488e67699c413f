"""Talking to the Learning Record Store: tincan's RemoteLRS, wrapped so that what it returns is
never trusted blindly.

tincan 1.0.0's rough edges, each handled here:
- `save_statements` parses every 2xx body as a list of ids, so an LRS that already holds every
  statement of a batch and answers an empty 204 makes it raise; that answer means "stored".
- It writes the ids it reads back onto the batch's Statement objects by position, which is wrong
  when the LRS skipped some; we never read those objects again.
- Building a Statement from a dict rewrites the dict in place (objectType becomes object_type);
  it only ever sees copies of the outbox's JSON.
- Its connections have no timeout; a hung LRS would hang the worker for ever.
"""

from __future__ import annotations

import copy
import enum
import http.client
import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from tincan import RemoteLRS, Statement, StatementList

XAPI_VERSION = "1.0.3"
# Answers about the request rather than a statement in it: wrong address or credentials,
# throttling, a timeout. Nothing is wrong with the statements; try again later.
UNAVAILABLE_4XX = {401, 403, 404, 405, 407, 408, 425, 429}


class Outcome(enum.Enum):
    STORED = "stored"  # the LRS holds every statement sent
    CONFLICT = "conflict"  # 409: the LRS already holds a statement with one of these ids
    REFUSED = "refused"  # another 4xx: something in the statements is invalid
    UNAVAILABLE = "unavailable"  # network error, timeout, 5xx, or a 4xx about the request


@dataclass(frozen=True)
class Answer:
    outcome: Outcome
    status: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class LrsConfig:
    endpoint: str
    username: str
    password: str
    batch_size: int
    timeout: float

    @classmethod
    def from_settings(cls) -> LrsConfig | None:
        """The configured LRS, or None when XAPI_LRS_ENDPOINT is not set."""
        if not settings.XAPI_LRS_ENDPOINT:
            return None
        endpoint = settings.XAPI_LRS_ENDPOINT
        return cls(
            endpoint=endpoint if endpoint.endswith("/") else endpoint + "/",
            username=settings.XAPI_LRS_USERNAME,
            password=settings.XAPI_LRS_PASSWORD,
            batch_size=max(1, settings.XAPI_BATCH_SIZE),
            timeout=settings.XAPI_LRS_TIMEOUT,
        )


def as_tincan(statement: dict) -> Statement:
    """tincan's Statement of an outbox row's JSON (raises ValueError or TypeError if tincan
    cannot represent it). Works on a copy: tincan rewrites the dict it is given."""
    return Statement(copy.deepcopy(statement))


class LrsClient:
    def __init__(self, config: LrsConfig):
        self.config = config
        # tincan rejects username=None: pass credentials only when there are some.
        credentials = (
            {"username": config.username, "password": config.password} if config.username else {}
        )
        self.remote = RemoteLRS(endpoint=config.endpoint, version=XAPI_VERSION, **credentials)

    def send_batch(self, statements: list[Statement]) -> Answer:
        """POST the statements in one request (xAPI: the LRS stores all of them or none)."""
        with _timeout(self.config.timeout):
            try:
                response = self.remote.save_statements(StatementList(statements))
            except json.JSONDecodeError:
                # Only reached after a 2xx: tincan parses ids from the body of successes only.
                return Answer(Outcome.STORED, 204)
            except (OSError, http.client.HTTPException) as error:
                return Answer(Outcome.UNAVAILABLE, None, _network_reason(error))
        return _answer(response.response.status, response.data)


def _answer(status: int, body: bytes | str) -> Answer:
    if 200 <= status < 300:
        return Answer(Outcome.STORED, status)
    reason = f"HTTP {status}: {_body_reason(body)}"
    if status == 409:
        return Answer(Outcome.CONFLICT, status, reason)
    if 400 <= status < 500 and status not in UNAVAILABLE_4XX:
        return Answer(Outcome.REFUSED, status, reason)
    return Answer(Outcome.UNAVAILABLE, status, reason)


def _body_reason(body: bytes | str) -> str:
    """The LRS's own words: a JSON 'detail' or 'message' when it sends one, else its text."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body or ""
    text = text.strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:2000] or "(no explanation given)"
    detail = data.get("detail") or data.get("message") or data if isinstance(data, dict) else data
    if isinstance(detail, list):  # validation errors, as FastAPI/pydantic LRSs report them
        detail = "; ".join(_validation_error(error) for error in detail)
    elif not isinstance(detail, str):
        detail = json.dumps(detail)
    return detail[:2000]


def _validation_error(error) -> str:
    """'verb: Field required' from {"loc": ["body", 0, "verb"], "msg": "Field required", ...}."""
    if not isinstance(error, dict):
        return str(error)
    where = ".".join(str(part) for part in error.get("loc", ()) if not isinstance(part, int))
    where = where.removeprefix("body").lstrip(".")
    message = str(error.get("msg", error))
    return f"{where}: {message}" if where else message


def _network_reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


@contextmanager
def _timeout(seconds: float) -> Iterator[None]:
    # tincan opens http.client connections without a timeout, so they take the process default:
    # set it for the duration of the request. The worker runs one task at a time.
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)
