"""The audit dossier: the JSON replays, the PDF renders Chinese names in its text layer,
and the page is printable with a header, page numbers and a sign-off block (issue 15)."""

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessments.choices import Trigger
from assessments.dossier import DOSSIER_FORMAT, dossier_replay
from assessments.services import assessment_run
from shipments.models import Case, CaseParty
from tests.assessments.factories import case_create

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 2, 1)
CHINESE = "斯凯迪奥公司"


@pytest.fixture
def dossier_case(world, officer):
    case = case_create(officer, producer=world.creg_plant, elements=("Nd", "Dy"))
    CaseParty.objects.create(case=case, role="trader", name=CHINESE, country="CN")
    assessment_run(case=case, trigger=Trigger.CREATED, actor=officer, today=TODAY)
    Case.objects.filter(pk=case.pk).update(licence_status="denied")
    assessment_run(case=case, trigger=Trigger.EDITED, actor=officer, today=TODAY)
    return case


def test_the_json_dossier_carries_every_assessment_and_replays(client, officer, dossier_case):
    client.force_login(officer)
    response = client.get(reverse("assessments:case_dossier_json", args=[dossier_case.pk]))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["format"] == DOSSIER_FORMAT
    assert len(data["assessments"]) == 2
    assert data["decision"]["verdict"] == "do_not_ship"
    assert data["case"]["reference"] == dossier_case.reference
    assert CHINESE in [p["name"] for p in data["case"]["parties"]]
    assert [t["kind"] for t in data["timeline"]].count("assessed") == 2
    results = dossier_replay(data)
    assert [r.matches for r in results] == [True, True]
    # A dossier whose stored result was altered does not replay.
    data["assessments"][1]["factors"][0]["reason"] = "edited by hand"
    assert [r.matches for r in dossier_replay(data)] == [True, False]


def test_the_pdf_renders_chinese_names_in_its_text_layer(client, officer, dossier_case):
    client.force_login(officer)
    response = client.get(reverse("assessments:case_dossier_pdf", args=[dossier_case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert CHINESE in text
    assert dossier_case.reference in text
    assert f"Page 1 of {len(reader.pages)}" in text
    assert (
        f"Lodestone audit dossier · {dossier_case.reference} · as of"
        in reader.pages[-1].extract_text()
    )
    assert "Sign-off" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert all("Lodestone" in name for name in fonts), fonts  # the shipped font only


def test_the_printable_page_has_a_header_and_sign_off_and_needs_the_right_role(
    client, officer, django_user_model, dossier_case
):
    url = reverse("assessments:case_dossier", args=[dossier_case.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    nobody = django_user_model.objects.create_user("nobody", password="x-1234567890")
    client.force_login(nobody)
    assert client.get(url).status_code == 403
    client.force_login(officer)
    body = client.get(url).content.decode()
    assert "Lodestone audit dossier" in body
    assert "Sign-off" in body
    assert "Do not ship: " in body
    assert CHINESE in body


def test_the_replay_command_reads_an_exported_dossier(client, officer, dossier_case, tmp_path):
    from django.core.management import CommandError, call_command

    client.force_login(officer)
    data = json.loads(
        client.get(reverse("assessments:case_dossier_json", args=[dossier_case.pk])).content
    )
    path = tmp_path / "dossier.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("dossier_replay", str(path), stdout=out)
    assert "all 2 assessments replay" in out.getvalue()
    data["assessments"][0]["inputs_hash"] = "0" * 64
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="1 of 2 assessments do not replay"):
        call_command("dossier_replay", str(path), stdout=io.StringIO())
