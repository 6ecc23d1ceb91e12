"""OpenAPI schema additions every operation shares: the error shape and Idempotency-Key.

A drf-spectacular postprocessing hook, so that no view has to repeat them and a new
endpoint is documented correctly by itself.
"""

from core.idempotency import HEADER, MAX_KEY_LENGTH

ERROR_COMPONENT = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": True},
            },
            "required": ["code", "message", "fields"],
        },
    },
    "required": ["error"],
}

ERRORS_OF_EVERY_OPERATION = {
    "400": "The request was refused; `error.fields` names what to fix.",
    "401": "No valid API token.",
    "403": "The token's role does not allow this.",
    "404": "No such object in this business.",
}
ERRORS_OF_IDEMPOTENT_OPERATIONS = {
    "409": "A request with this Idempotency-Key is still being processed: retry after "
           "`Retry-After` seconds. One that has not answered within the lease (120 seconds "
           "by default) is taken to have failed, and the retry runs.",
    "422": "This Idempotency-Key was already used with a different request.",
}
HTTP_METHODS = ("get", "put", "patch", "post", "delete")


def _is_idempotent(callback, method: str) -> bool:
    actions = getattr(callback, "actions", None) or {}
    handler_name = actions.get(method, method)
    handler = getattr(getattr(callback, "cls", None), handler_name, None)
    return bool(getattr(handler, "accepts_idempotency_key", False))


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_COMPONENT
    error_ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    idempotent = {(path, method.lower()) for path, _regex, method, callback
                  in getattr(generator, "endpoints", None) or []
                  if _is_idempotent(callback, method.lower())}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            errors = dict(ERRORS_OF_EVERY_OPERATION)
            if (path, method) in idempotent:
                errors.update(ERRORS_OF_IDEMPOTENT_OPERATIONS)
                operation.setdefault("parameters", []).append({
                    "in": "header", "name": HEADER, "required": False,
                    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
                    "description": "Retries with the same key and body replay the first "
                                   "answer; keys are kept 24 hours.",
                })
            responses = operation.setdefault("responses", {})
            for status_code, description in errors.items():
                responses.setdefault(status_code, {"description": description,
                                                   "content": error_ref})
    return result
