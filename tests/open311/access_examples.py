"""Open311 is public by design (API keys guard POST); unknown formats and
unknown records answer 404 for everyone."""
from ..access_matrix import FORBIDDEN, HIDDEN, PUBLIC, ROLES

ALL_HIDDEN = {role: HIDDEN for role in ROLES}
ALL_FORBIDDEN = {role: FORBIDDEN for role in ROLES}

EXAMPLES = {
    "open311.discovery": lambda w: [("GET", "/open311/v2/discovery.json", PUBLIC),
                                    ("GET", "/open311/v2/discovery.xml", PUBLIC)],
    "open311.services_list": lambda w: [("GET", "/open311/v2/services.json", PUBLIC)],
    "open311.service_definition": lambda w: [
        ("GET", "/open311/v2/services/roads.json", PUBLIC),
        ("GET", "/open311/v2/services/nope.json", ALL_HIDDEN)],
    "open311.requests_list": lambda w: [("GET", "/open311/v2/requests.json", PUBLIC)],
    # Without an api_key the POST is refused (403) for everyone, signed in or not.
    "open311.requests_create": lambda w: [("POST", "/open311/v2/requests.json",
                                           ALL_FORBIDDEN)],
    "open311.request_detail": lambda w: [("GET", "/open311/v2/requests/999999.json",
                                          ALL_HIDDEN)],
    "open311.unknown": lambda w: [("GET", "/open311/v2/nothing.json", ALL_HIDDEN),
                                  ("POST", "/open311/v2/nothing.xml", ALL_HIDDEN)],
    "open311.token_detail": lambda w: [("GET", "/open311/v2/tokens/nope.json", ALL_HIDDEN)],
}
