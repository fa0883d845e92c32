"""Publishing with an impact preview first (issue 15): the page shows which open cases the
publish would move, and only the confirm step writes."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from registry import services
from registry.models import ApprovedListVersion
from registry.ports import impact_preview


@require_http_methods(["GET", "POST"])
@permission_required("registry.change_approvedlistversion", raise_exception=True)
def list_version_publish(request, pk: int):
    """GET: what publishing this draft would do. POST (the confirm step): publish it."""
    version = get_object_or_404(ApprovedListVersion, pk=pk)
    if version.is_published:
        messages.info(request, f"{version.label} is already published.")
        return redirect("registry:list_version_detail", pk=version.pk)
    if request.method == "POST":
        try:
            change = services.approved_list_publish(version=version, actor=request.user)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return redirect("registry:list_version_publish", pk=version.pk)
        messages.success(
            request, f"{version.label} published. Re-scoring the affected cases in the background."
        )
        return redirect("registry:change_detail", pk=change.pk)
    error, impact = "", None
    try:
        impact = impact_preview(
            apply=lambda: services.approved_list_publish(version=version, actor=request.user)
        )
    except ValidationError as e:
        error = " ".join(e.messages)
    return render(
        request,
        "registry/list_publish.html",
        {"version": version, "impact": impact, "error": error},
    )
