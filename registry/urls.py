from django.urls import path

from registry import preview_views, views

app_name = "registry"

urlpatterns = [
    path("", views.index, name="index"),
    path("lists/diff/", views.list_diff, name="list_diff"),
    path("lists/<int:pk>/", views.list_version_detail, name="list_version_detail"),
    path(
        "lists/<int:pk>/publish/", preview_views.list_version_publish, name="list_version_publish"
    ),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("quotas/", views.quota_overview, name="quota_overview"),
    path("quotas/<int:pk>/", views.quota_cycle_detail, name="quota_cycle_detail"),
    path("watch-entries/<int:pk>/", views.watch_entry_detail, name="watch_entry_detail"),
    path("changes/", views.change_list, name="change_list"),
    path("changes/<int:pk>/", views.change_detail, name="change_detail"),
    path("changes/<int:pk>/progress/", views.change_progress, name="change_progress"),
]
