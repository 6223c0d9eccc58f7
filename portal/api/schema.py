"""The OpenAPI schema tells every error answer too, with the JSON shape the exception handler gives it."""

from typing import Any

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# A validation error names each field (or non_field_errors) with its messages; a nested field (an item of a
# list) has an object of its own. A body that is not JSON at all gets {"detail": ...}.
VALIDATION = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}],
    },
}
ERRORS = {
    "400": ("The request is not valid: each field with its messages.", {"anyOf": [DETAIL, VALIDATION]}),
    "401": ("No valid token or session.", DETAIL),
    "403": ("Signed in, but not allowed to do this.", DETAIL),
    "404": ("Not found, or not visible to this account.", DETAIL),
}
# Only where the operation takes a body: one whose type the API does not read (or a multipart body too broken
# to have a type) is refused before anything else.
BODY_ERRORS = {
    "415": ("The body is not in a type this operation reads (JSON, a form, or multipart).", DETAIL),
}


# Rules of a body that a field's own schema cannot say, stated where JSON Schema can say them.
BODY_RULES = {
    # An announcement goes to the whole ward or to at least one group.
    "AnnouncementWriteRequest": {
        "anyOf": [
            {"properties": {"whole_ward": {"const": True}}, "required": ["whole_ward"]},
            {"properties": {"group_ids": {"minItems": 1}}, "required": ["group_ids"]},
        ]
    },
    # A meeting invites the whole ward or at least one group.
    "MeetingWriteRequest": {
        "anyOf": [
            {"properties": {"whole_ward": {"const": True}}, "required": ["whole_ward"]},
            {"properties": {"group_ids": {"minItems": 1}}, "required": ["group_ids"]},
        ]
    },
}


def add_body_rules(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: BODY_RULES joined to their request components."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, rule in BODY_RULES.items():
        if name in schemas:
            schemas[name].update(rule)
    return result


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation lists 400, 401, 403 and 404 with their shape, and
    one that takes a body 415."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            errors = ERRORS | (BODY_ERRORS if "requestBody" in operation else {})
            for status, (description, schema) in errors.items():
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": schema}}}
                )
    return result
