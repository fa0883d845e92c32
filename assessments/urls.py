from django.urls import path

from . import disposition_views, dossier_views, party_pages, reference_pages, views

app_name = "assessments"

urlpatterns = [
    path("case/<int:case_pk>/reassess/", views.case_reassess, name="case_reassess"),
    path("case/<int:case_pk>/history/", views.case_history, name="case_history"),
    path("<int:pk>/", views.detail, name="detail"),
    path(
        "case/<int:case_pk>/dispositions/new/",
        disposition_views.disposition_new,
        name="disposition_new",
    ),
    path(
        "dispositions/<int:pk>/decide/",
        disposition_views.disposition_decide,
        name="disposition_decide",
    ),
    path("approvals/", disposition_views.approvals, name="approvals"),
    path(
        "reference/measures/timeline/",
        reference_pages.measures_timeline,
        name="measures_timeline",
    ),
    path("case/<int:pk>/dossier/", dossier_views.case_dossier_page, name="case_dossier"),
    path("case/<int:pk>/dossier.pdf", dossier_views.case_dossier_pdf, name="case_dossier_pdf"),
    path("case/<int:pk>/dossier.json", dossier_views.case_dossier_json, name="case_dossier_json"),
    path("reference/party-lists/", party_pages.party_lists, name="party_lists"),
    path("reference/party-lists/<int:pk>/", party_pages.party_entry, name="party_entry"),
    path("reference/screen/", party_pages.party_screen, name="party_screen"),
]
