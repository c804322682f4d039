from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.dashboard, name="dashboard"),
    path("me/profile/", views.edit_profile, name="profile_edit"),
    path("people/<id:user_id>/", views.profile, name="profile"),
]
