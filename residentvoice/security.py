"""Security headers on every response (DESIGN §8)."""
from flask import current_app

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def apply_security_headers(response):
    headers = response.headers
    if current_app.config.get("PREFERRED_URL_SCHEME") == "https":
        # Production is served over HTTPS only: browsers must not fall back to http.
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
    return response
