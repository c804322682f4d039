from django.urls import path

from people import views, visit_views

app_name = "people"

urlpatterns = [
    path("follow/page/<id:page_id>/", views.follow_page, name="follow_page"),
    path("unfollow/page/<id:page_id>/", views.unfollow_page, name="unfollow_page"),
    path("follow/person/<id:user_id>/", views.follow_person, name="follow_person"),
    path("unfollow/person/<id:user_id>/", views.unfollow_person, name="unfollow_person"),
    path("watch/discussion/<id:thread_id>/", views.watch_thread, name="watch_thread"),
    path("me/following/", views.following, name="following"),
    path("me/feed/", views.activity_feed, name="feed"),
    path("me/expertise/", views.edit_expertise, name="expertise"),
    path("people/", views.people_finder, name="finder"),
    path("visits/write-up/<id:project_id>/", visit_views.project_visits, name="project_visits"),
    path("visits/<id:offer_id>/request/", visit_views.request_visit, name="request_visit"),
    path("visits/requests/<id:request_id>/decide/", visit_views.decide_visit, name="decide_visit"),
    path("visits/requests/<id:request_id>/reflect/", visit_views.reflect, name="reflect_visit"),
    path("visits/requests/<id:request_id>/adapt/", visit_views.adapt, name="adapt_from_visit"),
    path("visits/requests/<id:request_id>/visit.ics", visit_views.visit_ics, name="visit_ics"),
    path("me/visits/", visit_views.my_visits, name="my_visits"),
]
