app_name = "shipments"

urlpatterns: list = []
