from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.dashboard, name="dashboard"),
    path("me/profile/", views.edit_profile, name="profile_edit"),
    path("people/<id:user_id>/", views.profile, name="profile"),
    path("moderation/suspensions/", views.suspensions, name="suspensions"),
    path("moderation/people/<id:user_id>/suspend/", views.suspend, name="suspend"),
    path("moderation/suspensions/<id:suspension_id>/lift/", views.lift_suspension, name="lift_suspension"),
    path("moderation/suspensions/<id:suspension_id>/restore/", views.restore_suspended_content, name="restore_content"),
]
