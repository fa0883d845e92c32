from rest_framework import viewsets

from api.pagination import Pagination
from api.permissions import ModelPermissions


class ApiViewMixin:
    permission_classes = [ModelPermissions]
    pagination_class = Pagination
    # Per-method permission overrides (see api.permissions); an @action may set its own.
    required_perms: dict[str, list[str]] | None = None


class ReadOnlyViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """List and read, with `view` permission on the model."""

    detail_serializer_class = None

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return super().get_serializer_class()
