"""Talking to the Learning Record Store: tincan's RemoteLRS for the LRS's address, xAPI version
and credentials, and one kept-alive HTTP connection per delivery round for the requests.

What the LRS says is never trusted blindly, and tincan 1.0.0's rough edges are avoided:
- `RemoteLRS.save_statements` serializes every Statement again (slow: most of a delivery round's
  time) although the outbox already holds the JSON tincan built when the event happened
  (statements.statement); the batch's body is that JSON, sent as it is stored.
- It opens a new connection for every request, with no timeout (a hung LRS would hang the worker
  for ever): here one connection serves a whole round, with `XAPI_LRS_TIMEOUT` on every wait.
- It parses every 2xx body as a list of ids, so an LRS that already holds every statement of a
  batch and answers an empty 204 makes it raise; here any 2xx means "stored" (xAPI: a POST
  stores all of its statements or none).
The request is the one tincan sends: POST {endpoint}statements with its X-Experience-API-Version
and Authorization headers and a JSON list of statements.
"""

from __future__ import annotations

import enum
import http.client
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from tincan import RemoteLRS

XAPI_VERSION = "1.0.3"
# Answers about the request rather than a statement in it: wrong address or credentials,
# throttling, a timeout. Nothing is wrong with the statements; try again later.
UNAVAILABLE_4XX = {401, 403, 404, 405, 407, 408, 425, 429}
# What a kept-alive connection the LRS has meanwhile closed raises on its next request. The
# request is sent again once on a new connection: a statement's id is fixed, so an LRS that did
# store it before closing stores it only once (at-least-once, never a duplicate).
STALE_CONNECTION = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


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


class LrsClient:
    """Sends batches of statements to one LRS over one kept-alive connection; `close()` it (or
    use it as a context manager) when the round is over."""

    def __init__(self, config: LrsConfig):
        self.config = config
        # tincan rejects username=None: pass credentials only when there are some.
        credentials = (
            {"username": config.username, "password": config.password} if config.username else {}
        )
        remote = RemoteLRS(endpoint=config.endpoint, version=XAPI_VERSION, **credentials)
        url = urlsplit(remote.endpoint + "statements")
        self._https = url.scheme == "https"
        self._host, self._port, self._path = url.hostname, url.port, url.path
        self._headers = {
            "X-Experience-API-Version": remote.version,
            "Content-Type": "application/json",
        }
        if remote.auth is not None:
            self._headers["Authorization"] = remote.auth
        self._connection: http.client.HTTPConnection | None = None
        self._used = False  # whether the open connection already carried a request
        self._body: bytes | None = None  # the batch started and not yet finished
        self._reused = False  # whether that batch went over a connection used before
        self._error: BaseException | None = None  # what sending it raised

    def send_batch(self, statements: list[str]) -> Answer:
        """POST the statements (each one's JSON text, as the outbox holds it) in one request
        (xAPI: the LRS stores all of them or none)."""
        self.start_batch(statements)
        return self.finish_batch()

    def start_batch(self, statements: list[str]) -> None:
        """Send the request of `send_batch` without waiting for the answer: the caller works
        while the LRS does, then calls `finish_batch`. One batch at a time."""
        if self._body is not None:  # a batch never finished: its answer is not this one's
            self.close()
        self._body = ("[" + ",".join(statements) + "]").encode()
        self._reused = self._connection is not None and self._used
        self._error = None
        try:
            self._request(self._body)
        except (OSError, http.client.HTTPException) as error:
            self._error = error  # reported by finish_batch, which may try once more

    def finish_batch(self) -> Answer:
        """The LRS's answer to the batch `start_batch` sent."""
        body, error, self._body, self._error = self._body, self._error, None, None
        try:
            try:
                if error is not None:
                    raise error
                status, data = self._response()
            except STALE_CONNECTION:
                if not self._reused:
                    raise
                self.close()  # the LRS closed the idle connection: once more on a new one
                self._request(body)
                status, data = self._response()
        except (OSError, http.client.HTTPException) as failure:
            self.close()
            return Answer(Outcome.UNAVAILABLE, None, _network_reason(failure))
        return _answer(status, data)

    def _request(self, body: bytes) -> None:
        if self._connection is None:
            kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            self._connection = kind(self._host, self._port, timeout=self.config.timeout)
            self._used = False
        self._connection.request("POST", self._path, body=body, headers=self._headers)

    def _response(self) -> tuple[int, bytes]:
        response = self._connection.getresponse()
        data = response.read()  # all of it, so that the connection can carry the next request
        self._used = True
        if response.will_close:
            self.close()
        return response.status, data

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> LrsClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


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
