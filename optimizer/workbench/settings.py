"""What ``bidopt serve`` is started with, checked on creation; the workbench's own typed errors."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass

from optimizer.errors import BidoptError

#: Hosts that only this machine can reach: no access token is needed there.
LOOPBACK_NAMES = ("localhost",)
DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_UPLOAD_MB = "127.0.0.1", 8765, 50
#: Files one upload may hold.
MAX_FILES = 20


class WorkbenchError(BidoptError):
    """A request the workbench refuses; ``status`` is the HTTP status the app answers with."""

    status = 400


class Unauthorized(WorkbenchError):
    """The access token is missing or wrong."""

    status = 401


class CsrfRejected(WorkbenchError):
    """A form arrived without the CSRF token of the page that served it."""

    status = 403


class NotFound(WorkbenchError):
    """No such run or file."""

    status = 404


class UploadTooLarge(WorkbenchError):
    """The request body passed the upload cap."""

    status = 413

    def __init__(self, cap_mb: float):
        self.cap_mb = cap_mb
        super().__init__(f"the upload is larger than the workbench's cap of {cap_mb:g} MB: "
                         "upload fewer or smaller files, or start it with a larger --max-upload-mb")


class Busy(WorkbenchError):
    """Every planning worker is taken and the queue is full; ``retry_after`` in seconds."""

    status = 503

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"every planning worker is busy and the queue is full: try again in {retry_after} seconds")


def is_loopback(host: str) -> bool:
    """True for names and addresses only this machine reaches (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    """An access token: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class ServeSettings:
    """How the workbench runs; off loopback a ``token`` is required (:meth:`for_host` makes one)."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    db: str | None = None
    token: str | None = None
    max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB
    workers: int = 2
    queue: int = 16
    #: A scenario file whose reports the workbench opens at start, its goal in the form (``bidopt serve FILE``).
    scenario: str | None = None

    def __post_init__(self) -> None:
        problems = []
        if not isinstance(self.port, int) or not 0 <= self.port <= 65535:
            problems.append(f"The 'port' parameter of serve must be an int in the range [0, 65535]. Got {self.port!r} instead.")
        if not isinstance(self.max_upload_mb, int | float) or not self.max_upload_mb > 0:
            problems.append(f"The 'max_upload_mb' parameter of serve must be a float in the range (0, inf). "
                            f"Got {self.max_upload_mb!r} instead.")
        for name in ("workers", "queue"):
            value, low = getattr(self, name), 1 if name == "workers" else 0
            if not isinstance(value, int) or value < low:
                problems.append(f"The {name!r} parameter of serve must be an int in the range [{low}, inf). "
                                f"Got {value!r} instead.")
        if self.token is not None and len(self.token) < 16:
            problems.append("The 'token' parameter of serve must be at least 16 characters long.")
        if not is_loopback(self.host) and not self.token:
            problems.append(f"serving on {self.host}, which other machines reach, needs an access token.")
        if problems:
            raise BidoptError("\n".join(problems))

    @classmethod
    def for_host(cls, host: str = DEFAULT_HOST, token: str | None = None, **others) -> ServeSettings:
        """Settings for ``host``: a token is generated when the host is not loopback and none is given."""
        if token is None and not is_loopback(host):
            token = new_token()
        return cls(host=host, token=token, **others)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 2**20)

    def url(self, port: int | None = None) -> str:
        """The address to open, with the token when one is needed."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{port or self.port}/" + (f"?token={self.token}" if self.token else "")
