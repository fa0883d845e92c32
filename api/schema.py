"""The OpenAPI schema lists the errors each operation can answer, with their JSON body.

drf-spectacular documents the success answers (and what a view declares); this adds, with
the `Error` body of api/errors.py, the error statuses that follow from the operation itself:

- 400 when it takes a body or query parameters; 415 when it takes a body;
- 401 and 403 when it needs credentials;
- 404 when its path names an object, or it is paginated (a page past the end);
- 429 when it is throttled;
- 500 and 503 (database unavailable, with Retry-After) for every operation.

A status the view declares without a body (e.g. a described 400) gets the Error body too.
"""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from api.errors import ErrorSerializer

DESCRIPTIONS = {
    "400": "Invalid input: `errors` names each field (code `invalid`), or a body that "
    "cannot be parsed (`parse_error`).",
    "401": "No credentials, or bad ones.",
    "403": "Not allowed for this user.",
    "404": "No such object (or page).",
    "415": "A body in a media type the operation does not take.",
    "429": "Too many requests; retry after the `Retry-After` seconds.",
    "500": "Server error (a bug; it is logged).",
    "503": "The database is unavailable; retry after the `Retry-After` seconds.",
}


class TokenScheme(KnoxTokenScheme):
    """knox's `Authorization: Token <key>`, under the scheme name clients already use."""

    name = "tokenAuth"
    priority = 1


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._error_codes(operation):
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
                responses[code]["description"] = DESCRIPTIONS[code]
            elif "content" not in responses[code]:
                described = responses[code].get("description") or DESCRIPTIONS[code]
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
                responses[code]["description"] = described
        return operation

    def _error_codes(self, operation: dict) -> list[str]:
        parameters = operation.get("parameters", [])
        query = [p for p in parameters if p.get("in") == "query"]
        has_body = "requestBody" in operation
        codes = []
        if has_body or query:
            codes.append("400")
        if self.get_auth():
            codes += ["401", "403"]
        if any(p.get("in") == "path" for p in parameters) or any(
            p["name"] == "page" for p in query
        ):
            codes.append("404")
        if has_body:
            codes.append("415")
        if self.view.get_throttles():
            codes.append("429")
        return [*codes, "500", "503"]
