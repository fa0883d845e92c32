"""Model permissions for the API: the same rights the pages check, view perms included.

GET/HEAD/OPTIONS need `view`, POST `add`, PUT/PATCH `change`, DELETE `delete` on the view's
model. A view (or an `@action`) overrides the mapping with `required_perms`, a dict from
method to permission names, e.g. re-assessing a case needs `assessments.add_assessment`.
An anonymous request fails `has_permission`, and DRF answers 401 (token auth comes first, so
there is a `WWW-Authenticate` header); an authenticated user without the right gets 403.
"""

from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import BasePermission

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def required_permissions(method: str, view) -> list[str]:
    explicit = getattr(view, "required_perms", None) or {}
    if method in explicit:
        return list(explicit[method])
    action = METHOD_ACTIONS.get(method)
    if action is None:
        raise MethodNotAllowed(method)
    model = getattr(view, "perms_model", None) or view.get_queryset().model
    return [f"{model._meta.app_label}.{action}_{model._meta.model_name}"]


class ModelPermissions(BasePermission):
    """DjangoModelPermissions with `view` for reads, and per-action overrides."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if not hasattr(view, request.method.lower()):
            return True  # no handler: let DRF answer 405 rather than a misleading 403
        return user.has_perms(required_permissions(request.method, view))
