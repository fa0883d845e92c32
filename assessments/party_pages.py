"""Party lists as an officer reads them (issue 15): browse and search the lists, their
notices and entries; see the open cases an entry touches; screen a name ad hoc with the
method's own screening and see the match route.

"Touches": an open case's latest snapshot screened its parties against the entry (the
entry is among the snapshot's watch candidates, `versions["watch_entries"]`: every entry any
party's name scores at least the weak threshold against, or whose identifier agrees; the
very set `screen_party` reports, weak matches included). Read from the stored snapshots,
one query for the whole page, rather than re-screening every open case on every view; the
entry page then re-screens just those cases (`case_hits`) to show role, name and route.
"""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessments.selectors.case_rows import WORKING_STATUSES
from assessments.selectors.hits import case_hits
from assessments.selectors.reference import method_settings
from assessments.selectors.watch import watch_index
from method.inputs import PartyFacts
from method.screening import party_identifiers, screen_party
from registry.models import WatchList, WatchListEntry
from registry.validators import validate_country_code
from shipments.models import Case

PAGE_SIZE = 50
PERMISSION = "registry.view_watchlistentry"


def _screened():
    """(case id, the watch entries its latest snapshot screened against) of every open case:
    only that key of the snapshot's `versions` is read, not the whole JSON."""
    return (
        Case.objects.filter(status__in=WORKING_STATUSES, latest_assessment__isnull=False)
        .values_list("pk", "latest_assessment__versions__watch_entries")
        .iterator(chunk_size=2000)
    )


def entries_touched() -> Counter:
    """Open cases per watch entry."""
    counts: Counter = Counter()
    for _, entries in _screened():
        counts.update(set(entries or ()))
    return counts


def cases_touching(entry_id: int) -> list[Case]:
    ids = [pk for pk, entries in _screened() if entry_id in (entries or ())]
    return list(Case.objects.filter(pk__in=ids).order_by("reference"))


def _status(entry: WatchListEntry, today) -> dict:
    status, until = entry.effective_status()
    lapsed = status == "suspended" and until is not None and until <= today
    return {"status": status, "until": until, "lapsed": lapsed}


class EntrySearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Name, alias or identifier",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    watch_list = forms.ModelChoiceField(
        queryset=WatchList.objects.order_by("name"), required=False, empty_label="Every list"
    )


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def party_lists(request):
    form = EntrySearchForm(request.GET or None)
    today = timezone.localdate()
    entries = WatchListEntry.objects.select_related("watch_list", "notice").order_by(
        "watch_list__name", "name"
    )
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            entries = entries.annotate(
                _aliases=Cast("aliases", TextField()), _ids=Cast("identifiers", TextField())
            ).filter(
                Q(name__icontains=q)
                | Q(name_zh__icontains=q)
                | Q(_aliases__icontains=q)
                | Q(_ids__icontains=q)
            )
        if form.cleaned_data["watch_list"]:
            entries = entries.filter(watch_list=form.cleaned_data["watch_list"])
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    touched = entries_touched()
    rows = [
        {"entry": e, "cases": touched.get(e.pk, 0), **_status(e, today)} for e in page.object_list
    ]
    lists = list(
        WatchList.objects.annotate(n=Count("entries")).prefetch_related("notices").order_by("name")
    )
    for watch_list in lists:
        watch_list.lapsed = [
            n
            for n in watch_list.notices.all()
            if n.status == "suspended" and n.suspended_until and n.suspended_until <= today
        ]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "assessments/party_lists.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "lists": lists,
            "query": params.urlencode(),
            "today": today,
        },
    )


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def party_entry(request, pk: int):
    entry = get_object_or_404(WatchListEntry.objects.select_related("watch_list", "notice"), pk=pk)
    rows = []
    for case in cases_touching(entry.pk):
        hits = [h for h in case_hits(case) if h.entry_id == entry.pk]
        rows.append({"case": case, "hits": hits})
    return render(
        request,
        "assessments/party_entry.html",
        {"entry": entry, "rows": rows, **_status(entry, timezone.localdate())},
    )


class ScreenForm(forms.Form):
    name = forms.CharField(max_length=300, label="Name to screen")
    country = forms.CharField(
        max_length=2,
        required=False,
        label="Country (ISO alpha-2)",
        validators=[validate_country_code],
    )
    uscc = forms.CharField(max_length=18, required=False, label="USCC")
    lei = forms.CharField(max_length=20, required=False, label="LEI")
    registry_number = forms.CharField(max_length=60, required=False, label="Registry no.")

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()

    def party(self) -> PartyFacts:
        data = self.cleaned_data
        return PartyFacts(
            role="buyer",
            name=data["name"],
            country=data["country"],
            uscc=data["uscc"].strip().upper(),
            lei=data["lei"].strip().upper(),
            registry_number=data["registry_number"].strip(),
        )


def screen_name(party: PartyFacts) -> list[dict]:
    """The method's screening of one party against the current lists, each match with its
    entry (the same candidates and scores a case's screening would give)."""
    method = method_settings()
    index = watch_index()
    candidates = index.candidates([party.name], method, party_identifiers(party))
    entries = {e.id: e for e in candidates}
    matches = screen_party(party, candidates, method)
    return [{"match": m, "entry": entries[m.entry_id]} for m in matches]


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def party_screen(request):
    form = ScreenForm(request.GET or None)
    results = None
    if form.is_valid():
        results = screen_name(form.party())
    return render(request, "assessments/party_screen.html", {"form": form, "results": results})
