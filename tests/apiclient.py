"""A JSON client for /api/v1 that also checks every answer is documented in
the OpenAPI document (DESIGN §6: every status code it can answer)."""
from flask import current_app

from residentvoice.api import spec


class ApiClient:
    def __init__(self, client):
        self.client = client
        self.token = None

    def login(self, user, password="password-123"):
        response = self.client.post("/api/v1/auth/token",
                                    json={"phone": user.phone, "password": password})
        assert response.status_code == 201, response.json
        self.token = response.json["token"]
        return self

    def _headers(self, headers=None):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def request(self, method, url, **kwargs):
        kwargs["headers"] = self._headers(kwargs.get("headers"))
        response = self.client.open(url, method=method, **kwargs)
        self.check_documented(method, url, response)
        return response

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.request("POST", url, **kwargs)

    def put(self, url, **kwargs):
        return self.request("PUT", url, **kwargs)

    def patch(self, url, **kwargs):
        return self.request("PATCH", url, **kwargs)

    def delete(self, url, **kwargs):
        return self.request("DELETE", url, **kwargs)

    @staticmethod
    def check_documented(method, url, response):
        adapter = current_app.url_map.bind("localhost")
        path = url.split("?", 1)[0]
        try:
            endpoint, _args = adapter.match(path, method=method)
        except Exception:  # noqa: BLE001 - 404/405 for unknown routes need no spec
            return
        view = current_app.view_functions[endpoint]
        meta = getattr(view, "openapi", None)
        assert meta is not None, f"{endpoint} has no OpenAPI description"
        statuses = spec.documented_statuses(view)
        assert response.status_code in statuses, (
            f"{method} {path} answered {response.status_code}, which its OpenAPI entry "
            f"does not list ({sorted(statuses)})")
        if response.status_code >= 400:
            body = response.get_json()
            # "field": the body field at fault, when one is (api.validation).
            assert body and {"code", "message"} <= set(body["error"]) \
                <= {"code", "message", "field"}, body
