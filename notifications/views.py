from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services
from .choices import MessageStatus
from .forms import PreferenceForm
from .models import OutboxMessage


def _require_staff(request) -> None:
    if not request.user.is_staff:
        raise PermissionDenied("The outbox is for staff.")


@login_required
def preferences(request):
    preference = services.preference_get(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.preference_update(
            user=request.user,
            mode=form.cleaned_data["mode"],
            min_band=form.cleaned_data["min_band"],
            document_reminders=form.cleaned_data["document_reminders"] or None,
        )
        messages.success(request, "Your notification preferences are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
def outbox(request):
    _require_staff(request)
    status = request.GET.get("status", "")
    if status not in MessageStatus.values:
        status = ""
    page = Paginator(selectors.outbox_list(status=status or None), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/outbox.html",
        {"page": page, "status": status, "statuses": MessageStatus.choices},
    )


@login_required
@require_POST
def outbox_retry(request, pk: int):
    _require_staff(request)
    message = get_object_or_404(OutboxMessage, pk=pk)
    try:
        services.outbox_message_retry(message=message, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Message #{message.pk} to {message.to_address} is queued again.")
    return redirect("notifications:outbox")
