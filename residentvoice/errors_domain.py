"""Domain errors raised by services and turned into messages or 4xx by views."""


class DomainError(Exception):
    """Base: ``message`` is already translated (or lazy); ``field`` names the form
    field it belongs to, if any; ``status`` is the HTTP status for the API."""
    status = 400
    code = "invalid"

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"


class NotEligible(DomainError):
    status = 403
    code = "not_eligible"


class InvalidInput(DomainError):
    status = 422
    code = "invalid"


class StorageUnavailable(InvalidInput):
    """The file store cannot take a file (full, read-only, no permission):
    nothing was saved; shown beside the field, 503 in the API."""
    status = 503
    code = "storage_unavailable"
