import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from shipments.models import Case, Document, TimelineEvent
from tests.shipments.factories import case_create_row, document_create_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(officer, elements):
    case = case_create_row(owner=officer, reference="PO-VIEW-1", band="high", score=70)
    return case


@pytest.fixture
def document(case, officer):
    return document_create_row(
        case, user=officer, file=SimpleUploadedFile("contract.pdf", b"%PDF-1.4 contract")
    )


PARTIES = [
    {"role": "buyer", "name": "Example Motors GmbH", "country": "DE"},
    {"role": "exporter", "name": "Baotou Export Co.", "country": "CN"},
    {"role": "end_user", "name": "Example Motors GmbH", "country": "DE"},
    {"role": "consignee"},
]


def formset_data(prefix, rows, *, initial=None):
    """The POST data of a formset: management form and one row per dict."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(len(rows) if initial is None else initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def form_data(parties=None, sources=None, **overrides):
    data = {
        "reference": "PO-NEW-1",
        "supplier_text": "",
        "product_form": "oxide",
        "elements": ["Nd", "Pr"],
        "share_Nd": "70",
        "share_Pr": "",
        "hs_code": "2846901999",
        "quantity_kg": "1200",
        "destination": "de",
        "end_use": "automotive",
        "planned_ship_date": "2026-12-20",
        "licence_status": "not_required",
        "licence_number": "",
        "licence_applied_on": "",
        "licence_valid_until": "",
    }
    data.update(formset_data("parties", PARTIES if parties is None else parties))
    data.update(formset_data("sources", sources or []))
    data.update(overrides)
    return data


READ_VIEWS = [
    ("shipments:case_list", False, {"status": "open"}),
    ("shipments:case_detail", True, {}),
    ("shipments:case_export", False, {"status": "open"}),
    ("shipments:hs_suggest", False, {"product_form": "oxide"}),
]
WRITE_PAGES = [
    ("shipments:case_create", False),
    ("shipments:case_edit", True),
    ("shipments:case_import", False),
    ("shipments:case_import_template", False),
]


def _url(name, with_pk, case):
    return reverse(name, kwargs={"pk": case.pk}) if with_pk else reverse(name)


@pytest.mark.parametrize("who", ["officer", "viewer", "staff_user"])
@pytest.mark.parametrize(("name", "with_pk", "query"), READ_VIEWS)
def test_every_role_with_view_permission_can_read(client, request, case, who, name, with_pk, query):
    client.force_login(request.getfixturevalue(who))
    response = client.get(_url(name, with_pk, case), query)
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "with_pk", "query"), READ_VIEWS)
def test_a_user_without_a_role_cannot_read(client, no_role_user, case, name, with_pk, query):
    client.force_login(no_role_user)
    assert client.get(_url(name, with_pk, case), query).status_code == 403


def test_anonymous_users_are_sent_to_login(client, case):
    response = client.get(reverse("shipments:case_detail", kwargs={"pk": case.pk}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["viewer", "staff_user", "no_role_user"])
@pytest.mark.parametrize(("name", "with_pk"), WRITE_PAGES)
def test_read_only_roles_cannot_open_write_pages(client, request, case, who, name, with_pk):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(name, with_pk, case)).status_code == 403
    assert client.post(_url(name, with_pk, case), {}).status_code == 403


@pytest.mark.parametrize("who", ["viewer", "staff_user"])
def test_read_only_roles_cannot_post_status_or_documents(client, request, case, who):
    client.force_login(request.getfixturevalue(who))
    status_url = reverse("shipments:case_status", kwargs={"pk": case.pk})
    upload_url = reverse("shipments:document_upload", kwargs={"pk": case.pk})
    assert client.post(status_url, {"status": "closed", "reason": "x"}).status_code == 403
    upload = SimpleUploadedFile("a.pdf", b"%PDF")
    assert client.post(upload_url, {"doc_type": "contract", "file": upload}).status_code == 403
    case.refresh_from_db()
    assert case.status == "open"
    assert not Document.objects.exists()


@pytest.mark.parametrize(("name", "with_pk"), WRITE_PAGES)
def test_officers_open_write_pages(officer_client, case, name, with_pk):
    assert officer_client.get(_url(name, with_pk, case)).status_code == 200


def test_viewers_see_no_write_buttons(viewer_client, case):
    listing = viewer_client.get(reverse("shipments:case_list"), {"status": "open"}).content
    detail = viewer_client.get(reverse("shipments:case_detail", kwargs={"pk": case.pk})).content
    assert b"New case" not in listing
    assert b"Import cases" not in listing
    assert b"Edit case" not in detail
    assert b"Change status" not in detail
    assert b"Upload a document" not in detail


def test_officers_see_write_buttons(officer_client, case):
    detail = officer_client.get(reverse("shipments:case_detail", kwargs={"pk": case.pk})).content
    assert b"Edit case" in detail
    assert b"Change status" in detail


def test_the_register_without_a_query_redirects_to_the_default_view(officer_client):
    response = officer_client.get(reverse("shipments:case_list"))
    assert response.status_code == 302
    assert response["Location"].endswith("?status=open&status=on_hold&sort=risk")


def test_the_register_shows_band_as_word_and_symbol_class(officer_client, case):
    response = officer_client.get(reverse("shipments:case_list"), {"status": "open"})
    assert b'<span class="band band-high">High</span>' in response.content
    assert b"PO-VIEW-1" in response.content


def test_each_register_row_names_the_worst_factor_and_its_reason(officer_client, officer, elements):
    from shipments.services import case_create

    created = case_create(
        actor=officer,
        reference="PO-WHY-1",
        buyer="Example Motors GmbH",
        exporter="Baotou Export Co.",
        product_form="oxide",
        quantity_kg=100,
        destination="DE",
        end_use="automotive",
        end_user="Example Motors GmbH",
        elements={"Nd": None},
    )
    top = created.latest_assessment.factors[0]
    response = officer_client.get(reverse("shipments:case_list"), {"q": "PO-WHY-1"})
    body = response.content.decode()
    assert ">Verdict and main reason</th>" in body
    created.refresh_from_db()
    assert created.verdict_text in body
    assert escape(top["reason"]) in body  # whole, behind the summary


def test_an_htmx_filter_request_gets_only_the_table(officer_client, case):
    response = officer_client.get(
        reverse("shipments:case_list"),
        {"status": "open", "q": "VIEW"},
        headers={"HX-Request": "true", "HX-Target": "case-register"},
    )
    assert b"<html" not in response.content
    assert b"PO-VIEW-1" in response.content


def test_the_register_filters_by_element_band_search_and_date(officer_client, officer, elements):
    case_create_row(owner=officer, reference="A-DY", elements=[("Dy", None)], band="critical")
    case_create_row(owner=officer, reference="B-ND", band="low")
    url = reverse("shipments:case_list")
    content = officer_client.get(url, {"element": "Dy", "status": "open"}).content
    assert b"A-DY" in content
    assert b"B-ND" not in content
    content = officer_client.get(url, {"band": "low"}).content
    assert b"B-ND" in content
    assert b"A-DY" not in content
    content = officer_client.get(url, {"ship_date_after": "2027-01-01"}).content
    assert b"No cases match" in content


def test_export_respects_the_filters(officer_client, officer, elements):
    case_create_row(owner=officer, reference="EXP-DY", elements=[("Dy", 5)], band="high", score=60)
    case_create_row(owner=officer, reference="EXP-ND", band="low", score=10)
    case_create_row(owner=officer, reference="EXP-CLOSED", status="closed")
    response = officer_client.get(
        reverse("shipments:case_export"), {"element": "Dy", "status": "open", "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["reference"] for r in rows] == ["EXP-DY"]
    assert rows[0]["elements"] == "Dy:5"
    assert rows[0]["band"] == "High"

    response = officer_client.get(
        reverse("shipments:case_export"), {"status": ["open", "closed"], "format": "xlsx"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxml")
    import tablib

    refs = tablib.Dataset().load(response.content, format="xlsx")["reference"]
    assert sorted(refs) == ["EXP-CLOSED", "EXP-DY", "EXP-ND"]


def test_creating_a_case_through_the_form(officer_client, officer, elements):
    response = officer_client.post(reverse("shipments:case_create"), form_data(owner=officer.pk))
    case = Case.objects.get(reference="PO-NEW-1")
    assert response.status_code == 302
    assert response["Location"] == reverse("shipments:case_detail", kwargs={"pk": case.pk})
    assert case.destination == "DE"
    assert case.owner == officer
    assert {ce.element_id: ce.content_share for ce in case.case_elements.all()} == {
        "Nd": 70,
        "Pr": None,
    }
    assert case.latest_assessment is not None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"elements": ["Nd", "Xx"]}, "Xx is not a rare earth element."),
        ({"quantity_kg": "0"}, "Quantity must be more than zero."),
        ({"quantity_kg": "-1"}, "Quantity must be more than zero."),
        ({"planned_ship_date": "31/31/2026"}, "Ship date is not a date"),
        ({"hs_code": "28469019"}, "10-digit tariff line"),
        ({"share_Dy": "10"}, "Tick Dy or clear its share."),
    ],
)
def test_the_form_shows_field_level_errors(officer_client, elements, overrides, message):
    response = officer_client.post(reverse("shipments:case_create"), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Case.objects.exists()


def test_a_case_whose_composition_is_not_yet_known_is_saved_and_held_high(
    officer_client, officer, elements
):
    data = form_data(elements=[], share_Nd="", owner=officer.pk)
    response = officer_client.post(reverse("shipments:case_create"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert not case.case_elements.exists()
    assert case.band in ("high", "critical")
    page = officer_client.get(reverse("shipments:case_detail", args=[case.pk])).content.decode()
    assert "declare the composition" in page.lower()  # a next step


def test_the_form_rejects_a_duplicate_reference(officer_client, case):
    response = officer_client.post(
        reverse("shipments:case_create"), form_data(reference=case.reference)
    )
    assert "already exists" in response.content.decode()


def edit_data(client, case, **changes):
    """What the edit page posts back unchanged (its initial values), with `changes`."""
    response = client.get(reverse("shipments:case_edit", kwargs={"pk": case.pk}))
    form = response.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "id"}
    data.update(
        {
            "owner": case.owner_id,
            "watchers": [],
            "planned_ship_date": (
                case.planned_ship_date.isoformat() if case.planned_ship_date else ""
            ),
            "licence_applied_on": "",
            "licence_valid_until": "",
            "general_licence": "",
        }
    )
    for name in ("parties", "sources"):
        formset = response.context[name]
        rows = [
            {k: ("" if v is None else v) for k, v in row.items() if k != "registry"}
            for row in formset.initial
        ]
        data.update(formset_data(name, rows))
    data.update(changes)
    return data


def test_editing_through_the_form_records_the_timeline(officer_client, officer, case):
    url = reverse("shipments:case_edit", kwargs={"pk": case.pk})
    data = edit_data(
        officer_client,
        case,
        elements=["Nd", "Pr"],
        share_Nd="75",
        share_Pr="25",
        quantity_kg="999",
    )
    response = officer_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    events = TimelineEvent.objects.filter(case=case, kind="field_changed")
    quantity = events.get(data__field="quantity_kg")
    assert (quantity.data["old"], quantity.data["new"], quantity.actor) == ("1000", "999", officer)
    detail = officer_client.get(reverse("shipments:case_detail", kwargs={"pk": case.pk}))
    assert "<del>1000</del>" in detail.content.decode()


def test_status_change_over_htmx_returns_the_block_and_the_timeline(officer_client, case):
    response = officer_client.post(
        reverse("shipments:case_status", kwargs={"pk": case.pk}),
        {"status": "on_hold", "reason": "Awaiting end-user certificate"},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="case-status"' in content
    assert 'hx-swap-oob="true"' in content
    assert "Awaiting end-user certificate" in content
    case.refresh_from_db()
    assert case.status == "on_hold"


def test_status_change_without_a_reason_shows_the_error(officer_client, case):
    response = officer_client.post(
        reverse("shipments:case_status", kwargs={"pk": case.pk}),
        {"status": "closed", "reason": ""},
        headers={"HX-Request": "true"},
    )
    assert "Give a reason for the status change." in response.content.decode()
    case.refresh_from_db()
    assert case.status == "open"


def test_document_upload_limits_have_clear_messages(officer_client, case, settings):
    url = reverse("shipments:document_upload", kwargs={"pk": case.pk})
    response = officer_client.post(
        url,
        {"doc_type": "contract", "status": "provided", "file": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert response.status_code == 400
    assert "Files of type “exe” cannot be uploaded" in response.content.decode()
    settings.DOCUMENT_MAX_BYTES = 3
    response = officer_client.post(
        url,
        {
            "doc_type": "contract",
            "status": "provided",
            "file": SimpleUploadedFile("x.pdf", b"1234"),
        },
    )
    assert "the limit is 3" in response.content.decode()
    assert not Document.objects.exists()


def test_document_upload_records_the_document(officer_client, case):
    url = reverse("shipments:document_upload", kwargs={"pk": case.pk})
    response = officer_client.post(
        url,
        {
            "doc_type": "contract",
            "status": "provided",
            "expires_on": "2027-01-31",
            "file": SimpleUploadedFile("contract.pdf", b"%PDF-1.4"),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(case=case)
    assert (document.doc_type, str(document.expires_on)) == ("contract", "2027-01-31")
    detail = officer_client.get(reverse("shipments:case_detail", kwargs={"pk": case.pk}))
    assert "expires 2027-01-31" in detail.content.decode()


@pytest.mark.parametrize("who", ["officer", "viewer", "staff_user"])
def test_documents_download_with_permission(client, request, case, document, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(
        reverse("shipments:document_download", kwargs={"pk": case.pk, "doc_pk": document.pk})
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 contract"
    assert "attachment" in response["Content-Disposition"]


def test_documents_are_not_downloadable_without_permission(client, no_role_user, case, document):
    url = reverse("shipments:document_download", kwargs={"pk": case.pk, "doc_pk": document.pk})
    assert client.get(url).status_code == 302  # anonymous: to login
    client.force_login(no_role_user)
    assert client.get(url).status_code == 403


def test_hs_suggest_offers_the_tariff_lines_of_the_form_and_elements(officer_client, elements):
    response = officer_client.get(
        reverse("shipments:hs_suggest"), {"product_form": "oxide", "elements": ["Dy"]}
    )
    content = response.content.decode()
    assert "2846901993" in content  # mixed oxides naming Dy
    assert "2846901999" in content  # generic oxides
    assert "2846901940" not in content  # samarium oxide
    assert "2805301200" not in content  # a metal


def test_the_assessment_panel_is_optional(officer_client, case):
    response = officer_client.get(reverse("shipments:case_detail", kwargs={"pk": case.pk}))
    assert response.status_code == 200
    assert "Assessment" in response.content.decode()


def test_the_export_carries_band_verdict_and_main_reason(officer_client, officer, elements):
    from shipments.services import case_create

    created = case_create(
        actor=officer,
        reference="PO-EXP-WHY",
        buyer="Example Motors GmbH",
        exporter="Baotou Export Co.",
        product_form="oxide",
        quantity_kg=100,
        destination="DE",
        end_use="automotive",
        end_user="Example Motors GmbH",
        elements={"Nd": None},
    )
    created.refresh_from_db()
    response = officer_client.get(
        reverse("shipments:case_export"), {"q": "PO-EXP-WHY", "format": "csv"}
    )
    (row,) = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert row["band"] == created.get_band_display()
    assert row["verdict"] == created.verdict_text
    assert row["verdict"]  # every assessed case has one
    assert row["main_reason"] == created.latest_assessment.factors[0]["reason"]
    assert row["raw_band"] == ""  # no disposition decided it
