"""What keeps the workbench safe: the access token, the host check, the upload cap, CSP and CSRF.

:class:`Guard` wraps the whole app (pure ASGI, so it sees every request, static
files too): it answers 401 without the token, 400 for a ``Host`` it does not
serve (DNS rebinding), 413 past the upload cap, and adds the security headers to
every response. CSRF is checked where a form is read (:func:`check_csrf`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, RedirectResponse

from optimizer.workbench.settings import CsrfRejected, ServeSettings, UploadTooLarge, is_loopback

TOKEN_COOKIE, CSRF_COOKIE, CSRF_FIELD = "bidopt_token", "bidopt_csrf", "csrf"
#: Self only: no inline script or style, no other origin, images from the app or data: URIs (the figures), fonts
#: from the app or data: URIs (the CJK glyphs a page carries, :func:`csp_with_style`).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {"content-security-policy": CSP, "x-content-type-options": "nosniff",
                    "referrer-policy": "no-referrer", "x-frame-options": "DENY", "cache-control": "no-store"}


def csp_with_style(style: str) -> str:
    """The CSP that also applies one inline ``<style>``, this one, named by its SHA-256 (a page's own font)."""
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    return CSP.replace("style-src 'self'", f"style-src 'self' 'sha256-{digest}'")


def same(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison of two secrets; missing never matches."""
    return bool(given and expected) and hmac.compare_digest(given.encode(), expected.encode())


class Guard:
    """ASGI middleware: token, host, upload cap and security headers for every HTTP request."""

    def __init__(self, app, settings: ServeSettings):
        self.app, self.settings = app, settings
        self.hosts = None if not is_loopback(settings.host) else {"127.0.0.1", "localhost", "[::1]", settings.host}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        send = self._with_headers(send)
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            return await refusal(scope, receive, send)
        await self.app(scope, self._capped(receive, headers), send)

    def _refusal(self, scope, headers: Headers):
        """The response that refuses this request before the app sees it, or None."""
        if self.hosts is not None and headers.get("host", "").rsplit(":", 1)[0] not in self.hosts:
            return PlainTextResponse("unknown host: open the workbench at the address bidopt serve printed", 400)
        token = self.settings.token
        if token:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            if same(query.get("token"), token):   # the printed link: keep the token in a cookie, drop it from the URL
                rest = urlencode({key: value for key, value in query.items() if key != "token"})
                response = RedirectResponse(scope["path"] + (f"?{rest}" if rest else ""), status_code=303)
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
                return response
            bearer = headers.get("authorization", "").removeprefix("Bearer ").strip()
            cookie = SimpleCookie(headers.get("cookie", "")).get(TOKEN_COOKIE)
            if not (same(bearer, token) or same(cookie and cookie.value, token)):
                return PlainTextResponse("401: this workbench needs its access token: open the link bidopt serve "
                                         "printed", 401, headers={"www-authenticate": "Bearer"})
        length = headers.get("content-length")
        if length and length.isdigit() and int(length) > self.settings.max_upload_bytes:
            error = UploadTooLarge(self.settings.max_upload_mb)
            return PlainTextResponse(f"413: {error}", 413, headers={"connection": "close"})
        return None

    def _capped(self, receive, headers: Headers):
        """``receive`` that raises UploadTooLarge once the body passes the cap (bodies without a length too)."""
        cap, seen = self.settings.max_upload_bytes, 0

        async def receive_capped():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise UploadTooLarge(self.settings.max_upload_mb)
            return message

        return receive_capped

    @staticmethod
    def _with_headers(send):
        async def send_secured(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()
                         if name.encode() not in present]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        return send_secured


def csrf_token(request) -> str:
    """The browser's CSRF token (its cookie), or a new one that the response must set (:func:`keep_csrf`)."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if token is None:
        token = request.state.new_csrf = secrets.token_urlsafe(32)
    return token


def keep_csrf(request, response) -> None:
    """Set the CSRF cookie when this request made a new token."""
    new = getattr(request.state, "new_csrf", None)
    if new:
        response.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="strict")


def check_csrf(request, form) -> None:
    """A form must carry the token its page was served with (the cookie the browser sends back)."""
    if not same(form.get(CSRF_FIELD) if isinstance(form.get(CSRF_FIELD), str) else None,
                request.cookies.get(CSRF_COOKIE)):
        raise CsrfRejected("this form has no valid CSRF token: reload the page and submit it again")
