from django.urls import path

from . import views

app_name = "shipments"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create_view, name="case_create"),
    path("views/", views.saved_view_save_view, name="saved_view_save"),
    path("views/<int:pk>/delete/", views.saved_view_delete_view, name="saved_view_delete"),
    path("export/", views.case_export, name="case_export"),
    path("import/", views.case_import, name="case_import"),
    path("import/template.csv", views.case_import_template, name="case_import_template"),
    path("import/<int:pk>/", views.import_job_page, name="import_job"),
    path("import/<int:pk>/status/", views.import_job_status, name="import_job_status"),
    path("import/<int:pk>/confirm/", views.import_job_confirm_view, name="import_job_confirm"),
    path("import/<int:pk>/resume/", views.import_job_resume_view, name="import_job_resume"),
    path("hs-suggest/", views.hs_suggest, name="hs_suggest"),
    path("lookup/producers/", views.lookup_producers, name="lookup_producers"),
    path("lookup/parties/", views.lookup_parties, name="lookup_parties"),
    path("licences/", views.licence_list_view, name="licence_list"),
    path("licences/new/", views.licence_create_view, name="licence_create"),
    path("licences/<int:pk>/", views.licence_detail, name="licence_detail"),
    path("licences/<int:pk>/edit/", views.licence_edit, name="licence_edit"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("<int:pk>/status/", views.case_status, name="case_status"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/comments/", views.case_comment, name="case_comment"),
    path("<int:pk>/owner/", views.case_assign_view, name="case_assign"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document_download"),
]
