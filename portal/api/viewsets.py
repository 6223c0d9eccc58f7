"""The base every API viewset builds on."""

from rest_framework import viewsets

from portal.common.web import IdConverter


class PortalViewSet(viewsets.GenericViewSet):
    # Ids in API paths as in the pages: ASCII digits that fit the database, anything else a 404.
    lookup_value_regex = IdConverter.regex
