from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.privacy_notice, name="notice"),
    path("me/data/", views.download_data, name="download_data"),
    path("me/data/<uuid:token>/", views.download_archive, name="download_archive"),
    path("me/close/", views.close_account, name="close_account"),
    path("me/close/cancel/", views.cancel_closure, name="cancel_closure"),
]
