"""Fields and pagination every API shares."""

from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

from portal.common.web import int_or_none

# Ids fit PostgreSQL's bigint; a larger number is a clear 400, not a failed query.
MAX_ID = 10**18 - 1


def id_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class StrictLimitOffsetPagination(LimitOffsetPagination):
    """limit and offset as the schema says (whole numbers, limit 1–500); anything else is a 400 naming the
    parameter, where DRF's own class would quietly fall back to the defaults."""

    max_limit = 500

    def get_limit(self, request: Any) -> int:
        raw = request.query_params.get(self.limit_query_param)
        if raw is None:
            return self.default_limit
        value = int_or_none(raw)
        if value is None or not 1 <= value <= self.max_limit:
            raise ValidationError({self.limit_query_param: [f"A whole number from 1 to {self.max_limit}."]})
        return value

    def get_offset(self, request: Any) -> int:
        raw = request.query_params.get(self.offset_query_param)
        if raw is None:
            return 0
        value = int_or_none(raw)
        if value is None:
            raise ValidationError({self.offset_query_param: ["A whole number, 0 or more."]})
        return value

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"] |= {"minimum": 1, "maximum": self.max_limit}
            if parameter["name"] == self.offset_query_param:
                parameter["schema"] |= {"minimum": 0, "maximum": MAX_ID}
        return parameters


class TextField(serializers.CharField):
    """A string and only a string: DRF's CharField would turn 0 or true into "0" or "True", which the schema
    forbids and which is never what a client meant."""

    default_error_messages = {"not_text": "Must be a string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class WholeNumberField(serializers.IntegerField):
    """A whole number as JSON writes it, or a string of ASCII digits. DRF's IntegerField takes any digits Python's
    int() takes ("１２", "٣"), and 1.0 or "1e3"; this one refuses them, as the schema says."""

    default_error_messages = {"invalid": "A whole number (ASCII digits)."}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, str):
            text = data.strip()
            if not (text.lstrip("-").isascii() and text.lstrip("-").isdecimal()) or len(text) > 20:
                self.fail("invalid")
            data = int(text)
        elif not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)
