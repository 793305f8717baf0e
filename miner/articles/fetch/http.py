"""HTTP for the article sources: one ``requests`` Session per client, a rate limit
enforced on our side, and retries with exponential back-off of 429 and 5xx answers
(honouring ``Retry-After``), timeouts, connections broken mid-body and truncated or
unparseable bodies. Every request, each retry included, waits for its turn at the rate
limiter, and each retry is said once (``on_retry``). Files are written atomically, so an
interrupted fetch never leaves half a record behind; the temporary files of a fetch that
was killed are removed by the next one (:func:`prepare_folder`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader
from urllib3.util import Retry

from miner.errors import FetchError

T = TypeVar("T")

#: Answers worth asking again: rate limited, or the server's trouble.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: A Retry-After longer than this is cut to it (seconds): a fetch should not stall for hours.
MAX_RETRY_AFTER = 120.0


class NotFound(FetchError):
    """The service answered 404: the record does not exist there (not worth retrying)."""


class RateLimiter:
    """At most ``per_second`` requests a second, across threads.

    ``clock`` and ``sleep`` are injectable so that the spacing can be tested exactly.
    """

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next = float("-inf")
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until the next request may go; returns how long it waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        delay = start - now
        if delay > 0:
            self._sleep(delay)
        return max(delay, 0.0)


def _short(exc: BaseException) -> str:
    text = str(exc)
    if "timed out" in text.lower():
        return "timed out"
    for marker in ("IncompleteRead", "Connection broken", "RemoteDisconnected", "Connection refused",
                   "Connection reset", "Name or service not known", "Failed to resolve"):
        if marker in text:
            return marker
    return text.split("\n")[0][:120]


def _unresolvable(exc: BaseException) -> bool:
    """Whether a connection failed because the host name did not resolve (DNS)."""
    import socket

    from urllib3.exceptions import NameResolutionError

    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        error = stack.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, (NameResolutionError, socket.gaierror)):
            return True
        stack.extend(e for e in (error.__cause__, error.__context__, getattr(error, "reason", None), *error.args)
                     if isinstance(e, BaseException))
    return False


class Http:
    """GET and POST with retries, back-off and a rate limit.

    Parameters
    ----------
    per_second
        The rate limit the service sets (NCBI: 3 requests a second, 10 with an API key).
    retries
        How many times a failed request is asked again, for each kind of failure.
    backoff
        Seconds before the first retry, doubling each time (a ``Retry-After`` answer
        header, up to :data:`MAX_RETRY_AFTER`, takes its place).
    timeout
        Seconds to wait for the server to connect and to answer.
    on_retry
        Called with a one-line message before each retry (the CLI prints it on stderr).
    """

    def __init__(self, *, per_second: float, retries: int = 5, backoff: float = 1.0, timeout: float = 30.0,
                 user_agent: str = "miner (text mining of exercise and pain evidence)",
                 on_retry: Callable[[str], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.limiter = RateLimiter(per_second)
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.on_retry = on_retry
        self._sleep = sleep
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=0)  # every retry is ours, through the rate limiter
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = user_agent

    def close(self) -> None:
        self.session.close()

    def get(self, url: str, what: str, parse: Callable[[bytes], T], params: dict[str, Any] | None = None) -> T:
        """GET ``url`` and return ``parse(body)``; see :meth:`request`."""
        return self.request("GET", url, what, parse, params=params)

    def post(self, url: str, what: str, parse: Callable[[bytes], T], data: dict[str, Any]) -> T:
        """POST a form to ``url`` (for long id lists) and return ``parse(body)``."""
        return self.request("POST", url, what, parse, data=data)

    def request(self, method: str, url: str, what: str, parse: Callable[[bytes], T], **kwargs: Any) -> T:
        """Send a request until it gives a body that ``parse`` accepts.

        ``parse`` raises ``ValueError`` for a body that is truncated or not what the
        service sends (then the request is retried). Raises :class:`NotFound` for a 404
        and :class:`FetchError`, naming ``what``, when the retries are spent.
        """
        host = urlsplit(url).netloc or url
        last = ""
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            self.limiter.wait()
            wait_for: float | None = None  # what the server asked for (Retry-After)
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.exceptions.Timeout:
                last = f"no answer from {host} within {self.timeout:g}s"
            except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
                last = f"connection to {host} broke mid-answer ({_short(exc)})"
            except requests.exceptions.ConnectionError as exc:
                if _unresolvable(exc):  # offline, or a mistyped address: asking again will not help
                    raise FetchError(f"{what}: cannot resolve {urlsplit(url).hostname or host} "
                                     "(no network, or a wrong --base-url?)") from None
                reason = _short(exc)
                last = (f"no answer from {host} within {self.timeout:g}s" if reason == "timed out"
                        else f"cannot reach {host} ({reason})")
            except requests.exceptions.RequestException as exc:
                raise FetchError(f"{what}: request failed ({_short(exc)})") from None
            else:
                status = response.status_code
                if status == 404:
                    raise NotFound(f"{what}: not found (HTTP 404)")
                if status in RETRY_STATUSES:
                    last = f"HTTP {status} from {host}"
                    wait_for = _retry_after(response.headers.get("Retry-After"))
                elif status >= 400:
                    raise FetchError(f"{what}: HTTP {status} from {host} ({response.reason or 'refused'})")
                else:
                    try:
                        return parse(response.content)
                    except ValueError as exc:
                        last = f"incomplete or invalid answer from {host} ({exc})"
                    except FetchError as exc:  # the service refused: said for what, not retried
                        if str(exc).startswith(what):
                            raise
                        raise type(exc)(f"{what}: {exc}") from None
            if attempt < attempts:
                delay = wait_for if wait_for is not None else self.backoff * 2 ** (attempt - 1)
                if self.on_retry:
                    self.on_retry(f"{what}: {last}; retry {attempt} of {self.retries} in {delay:.1f}s")
                self._sleep(delay)
        raise FetchError(f"{what}: {last}; gave up after {attempts} attempts")


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (a number or an HTTP date), at most
    :data:`MAX_RETRY_AFTER`; None when there is none or it cannot be read."""
    if not value:
        return None
    try:
        seconds = Retry(0).parse_retry_after(value)
    except InvalidHeader:
        return None  # the back-off applies
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def prepare_folder(folder: Path) -> Path:
    """Create ``folder`` if need be and remove what killed fetches left in it: the
    temporary files of :func:`write_atomic` whose process is gone."""
    from miner.processes import pid_running

    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob(".*.part"):
        pid = leftover.name.rsplit(".", 2)[-2]
        if pid.isdigit() and int(pid) != os.getpid() and pid_running(int(pid)):
            continue  # another fetch is writing it
        leftover.unlink(missing_ok=True)
    return folder


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that the file is whole or absent, never half.

    The bytes go to a hidden temporary file beside it (which the folder readers pass
    over), are flushed to disk, and the file is renamed into place.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def env_url(value: str | None, variable: str, default: str) -> str:
    """A service's base URL: the one given, else ``$variable``, else the public one; with a trailing slash."""
    url = value or os.environ.get(variable) or default
    return url if url.endswith("/") else url + "/"
