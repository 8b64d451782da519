"""OpenAPI descriptions of Tessera's own authentication classes (drf-spectacular)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class JWTScheme(SimpleJWTScheme):
    """simplejwt's bearer scheme (``jwtAuth``) for Tessera's subclass of its class."""

    target_class = "tessera.core.accounts.authentication.JWTAuthentication"


class CookieJWTScheme(OpenApiAuthenticationExtension):
    target_class = "tessera.core.accounts.authentication.CookieJWTAuthentication"
    name = "supportCookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "tessera_access"}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tessera.core.accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "API token as Bearer, or X-API-Token header, or ?token=",
        }
