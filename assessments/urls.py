from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("case/<int:case_pk>/reassess/", views.case_reassess, name="case_reassess"),
    path("case/<int:case_pk>/history/", views.case_history, name="case_history"),
    path("<int:pk>/", views.detail, name="detail"),
]
